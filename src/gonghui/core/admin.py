from django.contrib import admin

from .models import AuditLog, CalendarDay


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    """Read-only: nobody edits or deletes the audit trail, not even here."""

    list_display = ("at", "actor_label", "ip", "action", "object_type", "object_id", "summary")
    list_filter = ("action",)
    search_fields = ("actor_label", "object_id", "summary")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """The system administrator adds next year's holiday arrangement when the State Council publishes it."""

    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    date_hierarchy = "date"
    search_fields = ("name",)
