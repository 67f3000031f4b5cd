"""The system administrator sets each scheduled service's booking rules (cancellation, confirmation, the
no-show rule) and the centres' rooms; the code, module and kind are the module's."""

from django.contrib import admin

from .models import Place, Service


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "women_only", "cancel_hours", "confirm_hours", "no_show_limit",
                    "no_show_days", "suspend_days", "active")
    readonly_fields = ("code", "module", "kind")
    fields = ("code", "module", "kind", "name", "summary", "women_only", "members_only", "confidential",
              "cancel_hours", "confirm_hours", "no_show_limit", "no_show_days", "suspend_days", "order", "active")

    def has_add_permission(self, request):
        return False  # services are declared by their modules

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ("name", "centre", "note")
    search_fields = ("name", "centre__name")
