from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CasesConfig(AppConfig):
    """The case engine (办件): catalogue, cases, deadlines, attachments, timeline, ratings."""

    name = "gonghui.cases"
    label = "cases"
    verbose_name = "办件"

    def ready(self):
        from gonghui.core import inbox, navigation, surfaces
        from gonghui.registry import archive

        from . import registry  # noqa: F401 - registers the system check of the declarations
        from .catalogue import sync_items

        # after migrate (the errands app declares its items in its ready(), before this runs)
        post_migrate.connect(sync_items, sender=self, dispatch_uid="gonghui.cases.sync_items")
        inbox.provide(_deliver)
        from gonghui.registry import retention

        from .models import Case

        # a worker with a case still open keeps their record whatever the retention rules say
        retention.provide_busy(lambda: Case.objects.open().values("applicant_id"))
        surfaces.pages("desk", "cases/", "gonghui.cases.urls", order=30)
        surfaces.pages("m", "", "gonghui.cases.portal_urls", order=30)
        surfaces.api_router("gonghui.cases.api.router")
        surfaces.panel("cases", "办件", "gonghui.cases.selectors.dash_panel", permission="cases.view_case",
                       url_name="cases:queue", order=10)
        navigation.register("desk", "cases", "办件队列", "cases:queue", order=10, permission="cases.view_case",
                            partners=True)
        navigation.register("desk", "follow_ups", "差评回访", "cases:follow_ups", order=15,
                            permission="cases.handle_case")
        navigation.register("desk", "inbox", "消息", "cases:inbox", order=12, permission="cases.view_case",
                            badge="gonghui.cases.selectors.unread_badge", partners=True)
        navigation.register("m", "services", "办事", "portal_cases:catalogue", icon="✎", order=15,
                            description="在线申请服务事项，随时查看办理进度")
        navigation.register("m", "my_cases", "我的办件", "portal_cases:my_cases", icon="☰", order=18)
        archive.register("cases", "办件", _archive_entries, order=5)


def _archive_entries(worker, user):
    from django.urls import reverse

    from gonghui.registry.archive import ArchiveEntry

    from .selectors import worker_cases

    return [ArchiveEntry(date=c.created_at, title=f"{c.item.name}（{c.number}）", status=c.state_label,
                         url=reverse("cases:detail", args=[c.number]))
            for c in worker_cases(user=user, worker=worker)[:50]]


def _deliver(user, title: str, body: str):
    from .models import Message

    return Message.objects.create(recipient=user, title=title[:60], body=body)
