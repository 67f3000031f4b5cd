"""The system administrator edits the catalogue's texts, time limits and message templates here. The
structure of an item (fields, materials, clocks) is its module's declaration (cases.catalogue)."""

from django.contrib import admin

from .models import ServiceItem


@admin.register(ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "prefix", "category", "time_limit_days", "handling_level", "active", "order")
    list_filter = ("category", "module", "active")
    search_fields = ("name", "code")
    readonly_fields = ("code", "prefix", "module", "materials", "fields", "clocks")
    fields = ("code", "prefix", "module", "name", "category", "summary", "guide_who", "guide_what", "guide_how",
              "time_limit_days", "handling_level", "on_behalf", "templates", "active", "order", "materials",
              "fields", "clocks")

    def has_add_permission(self, request):
        return False  # items are declared by modules

    def has_delete_permission(self, request, obj=None):
        return False  # cases refer to them; close one with "开放申请" instead
