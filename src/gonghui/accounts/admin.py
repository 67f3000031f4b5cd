from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError

from . import services
from .models import ApiToken, Partner, Role, RoleAssignment, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "name", "org", "title", "is_active", "must_change_password", "last_login")
    list_filter = ("is_staff", "is_active", "must_change_password")
    search_fields = ("username", "name", "org__name")
    autocomplete_fields = ("org",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("name", "org", "partner", "title", "email")}),
        ("状态", {"fields": ("is_active", "is_staff", "must_change_password")}),
        ("时间", {"fields": ("last_login", "date_joined", "password_changed_at")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "name", "org", "partner", "password1", "password2")}),
    )
    readonly_fields = ("last_login", "date_joined", "password_changed_at")


class PartnerForm(forms.ModelForm):
    account_number = forms.CharField(label="银行账号", required=False, max_length=40,
                                     help_text="加密保存；留空则不修改。")

    class Meta:
        model = Partner
        fields = ("name", "kind", "credit_code", "org", "contact", "phone", "address", "bank_name",
                  "account_name", "active")

    def clean_account_number(self):
        value = "".join(self.cleaned_data.get("account_number", "").split())
        if value and not value.isdigit():
            raise forms.ValidationError("银行账号只能包含数字。")
        return value


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    """Law firms and other partners under agreement; their people are users with 合作机构 set and the
    assignment-scoped role 合作律师/咨询师."""

    form = PartnerForm
    list_display = ("name", "kind", "org", "contact", "phone", "account_shown", "active")
    list_filter = ("kind", "active")
    search_fields = ("name", "contact")
    autocomplete_fields = ("org",)

    @admin.display(description="银行账号")
    def account_shown(self, obj):
        return obj.account_masked

    def save_model(self, request, obj, form, change):
        services.partner_save(actor=request.user, partner=obj, account_number=form.cleaned_data["account_number"])


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "admin_duty", "requires_2fa")
    filter_horizontal = ("permissions",)
    readonly_fields = ("code", "admin_duty")

    def has_add_permission(self, request):
        return False  # the roles ship as data (accounts/roles.py)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    """Grants and revocations go through accounts.services (scope, 三员分立, audit)."""

    list_display = ("user", "role", "org", "granted_by", "granted_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__name", "org__name")
    autocomplete_fields = ("user", "org")
    fields = ("user", "role", "org")

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        try:
            services.role_grant(actor=request.user, user=obj.user, role=obj.role, org=obj.org, request=request)
        except (PermissionDenied, ValidationError) as exc:
            messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))

    def delete_model(self, request, obj):
        services.role_revoke(actor=request.user, assignment=obj, request=request)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.role_revoke(actor=request.user, assignment=obj, request=request)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued by `python -m gonghui token` (shown once); here they are listed and revoked."""

    list_display = ("name", "user", "prefix", "scopes", "expires_at", "revoked_at", "last_used_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__username", "prefix")
    readonly_fields = ("user", "name", "prefix", "scopes", "rate_per_minute", "expires_at", "revoked_at",
                       "created_by", "created_at", "last_used_at")
    exclude = ("token_hash",)
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="撤销所选令牌")
    def revoke(self, request, queryset):
        from .tokens import token_revoke

        for row in queryset:
            token_revoke(actor=request.user, token=row, request=request)
        messages.success(request, f"已撤销 {queryset.count()} 个令牌。")
