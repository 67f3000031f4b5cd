from django.contrib import admin

from .models import CareRoom


@admin.register(CareRoom)
class CareRoomAdmin(admin.ModelAdmin):
    list_display = ("name", "centre", "location", "hours", "active")
    list_filter = ("active",)
    search_fields = ("name", "location")
# HealthRecord is deliberately not registered: health data is read by its providers and the worker only.
