from django.contrib import admin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from .models import Org, ServiceCentre


@admin.register(Org)
class OrgAdmin(TreeAdmin):
    form = movenodeform_factory(Org)
    list_display = ("name", "code", "kind", "town_type", "phone")
    list_filter = ("kind", "town_type")
    search_fields = ("name", "code", "short_name")


@admin.register(ServiceCentre)
class ServiceCentreAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "org", "phone", "fulltime_staff", "is_demonstration", "is_active")
    list_filter = ("kind", "is_demonstration", "is_active")
    search_fields = ("name", "address", "org__name")
    autocomplete_fields = ("org",)
