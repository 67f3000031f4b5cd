"""Scheduling (预约排班), a shared capability (models explains): registers its pages on /m/, /desk/ and
/dash/, its panel and its daily job (reminders, offers past their time, no-shows). Modules declare their
scheduled services with ``scheduling.registry.declare`` and add pages of their own."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SchedulingConfig(AppConfig):
    name = "gonghui.scheduling"
    label = "scheduling"
    verbose_name = "预约排班"

    def ready(self):
        from gonghui.core import navigation, surfaces

        from . import registry
        from .models import PERM_MANAGE, PERM_PROVIDE

        post_migrate.connect(registry.sync, dispatch_uid="scheduling_sync")
        surfaces.pages("desk", "scheduling/", "gonghui.scheduling.urls", order=60)
        surfaces.pages("m", "bookings/", "gonghui.scheduling.m_urls", order=60)
        surfaces.pages("dash", "scheduling/", "gonghui.scheduling.dash_urls", order=60)
        surfaces.panel("scheduling", "预约服务", "gonghui.scheduling.figures.panel", permission="cases.view_case",
                       url_name="scheduling_dash:figures", order=60)
        surfaces.daily("scheduling", "gonghui.scheduling.services.daily")
        navigation.register("m", "bookings", "预约服务", "scheduling_m:home", icon="◷", order=40, tab=False,
                            description="心理咨询、脊椎养护门诊、太极课程、女职工关爱：在线预约、候补、扫码签到")
        navigation.register("desk", "scheduling", "预约排班", "scheduling:sessions", order=27, permission=PERM_MANAGE)
        navigation.register("desk", "my_sessions", "我的排班", "scheduling:mine", order=28,
                            permission=PERM_PROVIDE, partners=True)
