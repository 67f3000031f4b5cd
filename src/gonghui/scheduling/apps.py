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
        from gonghui.registry import archive

        archive.register("scheduling", "预约服务", _archive_entries, order=40)
        surfaces.pages("desk", "scheduling/", "gonghui.scheduling.urls", order=60)
        surfaces.pages("m", "bookings/", "gonghui.scheduling.m_urls", order=60)
        surfaces.pages("dash", "scheduling/", "gonghui.scheduling.dash_urls", order=60)
        surfaces.api_router("gonghui.scheduling.api.router")
        surfaces.panel("scheduling", "预约服务", "gonghui.scheduling.figures.panel", permission="cases.view_case",
                       url_name="scheduling_dash:figures", order=60)
        surfaces.daily("scheduling", "gonghui.scheduling.services.daily")
        navigation.register("m", "bookings", "预约服务", "scheduling_m:home", icon="◷", order=40, tab=False,
                            description="心理咨询、脊椎养护门诊、太极课程、女职工关爱：在线预约、候补、扫码签到")
        navigation.register("desk", "scheduling", "预约排班", "scheduling:sessions", order=27, permission=PERM_MANAGE)
        navigation.register("desk", "my_sessions", "我的排班", "scheduling:mine", order=28,
                            permission=PERM_PROVIDE, partners=True)


def _archive_entries(worker, user):
    """The worker's bookings at the organisations the user works for, a confidential service's left out
    (that a worker sought counselling is not for everyone who opens the archive)."""
    from django.urls import reverse

    from gonghui.registry.archive import ArchiveEntry

    from .models import PERM_MANAGE, Booking

    rows = (Booking.objects.visible_to(user, PERM_MANAGE).filter(worker=worker, service__confidential=False)
            .select_related("service", "session", "course").order_by("-created_at")[:50])
    return [ArchiveEntry(date=b.session.date if b.session_id else b.created_at,
                         title=f"{b.service.name}（{b.number}）" + (f" · {b.course.title}" if b.course_id else ""),
                         status=b.get_status_display(),
                         url=reverse("scheduling:session", args=[b.session_id]) if b.session_id else
                         reverse("scheduling:course", args=[b.course_id]))
            for b in rows]
