from django.contrib import admin

from .models import AidCap, Campaign, HardshipRules, LivingStandard, Tier


@admin.register(HardshipRules)
class HardshipRulesAdmin(admin.ModelAdmin):
    list_display = ("year", "deep_multiplier", "relative_multiplier", "accident_share", "migrant_months",
                    "notice_days", "note")


@admin.register(LivingStandard)
class LivingStandardAdmin(admin.ModelAdmin):
    list_display = ("year", "org", "monthly", "note")
    list_filter = ("year",)
    raw_id_fields = ("org",)


@admin.register(AidCap)
class AidCapAdmin(admin.ModelAdmin):
    list_display = ("year", "kind", "category", "months", "share", "ceiling")
    list_filter = ("year", "kind")


class TierInline(admin.TabularInline):
    model = Tier
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("year", "name", "opens_on", "closes_on", "off_file")
    inlines = [TierInline]
