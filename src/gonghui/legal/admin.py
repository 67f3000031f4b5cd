"""What the system administrator configures for legal services: the reward scheme (data, an example
shipped) and the districts of the joint mediation centre (towns, court, officers)."""

from django.contrib import admin

from .models import MediationDistrict, RewardScheme


@admin.register(RewardScheme)
class RewardSchemeAdmin(admin.ModelAdmin):
    list_display = ("name", "effective_from", "first_stage", "later_stage", "extra_client", "duty_half_day")

    def has_delete_permission(self, request, obj=None):
        return False  # rewards keep the scheme that valued them


@admin.register(MediationDistrict)
class MediationDistrictAdmin(admin.ModelAdmin):
    list_display = ("name", "court", "order")
    filter_horizontal = ("towns", "officers")
