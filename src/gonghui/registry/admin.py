"""What the system administrator sets for the registry: how long personal data is kept (RetentionRule)."""

from django.contrib import admin

from .models import RetentionRule


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    list_display = ("label", "days", "action", "active", "note")
    readonly_fields = ("code", "action")

    def has_add_permission(self, request):
        return False  # each rule has its code in registry.retention

    def has_delete_permission(self, request, obj=None):
        return False  # switch a rule off instead
