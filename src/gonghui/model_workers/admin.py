from django.contrib import admin

from .models import AllowanceRate, CheckRule, SubsidyRule, Title


@admin.register(Title)
class TitleAdmin(admin.ModelAdmin):
    list_display = ("name", "order")


@admin.register(AllowanceRate)
class AllowanceRateAdmin(admin.ModelAdmin):
    list_display = ("level", "retired", "monthly", "effective_from")
    list_filter = ("level", "retired")


@admin.register(SubsidyRule)
class SubsidyRuleAdmin(admin.ModelAdmin):
    list_display = ("level", "year", "share", "yearly_cap", "retired_only")


@admin.register(CheckRule)
class CheckRuleAdmin(admin.ModelAdmin):
    list_display = ("level", "every_years")
