"""Reads of the needy-worker programmes, scoped to the user."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from gonghui.aid.models import Grant
from gonghui.cases.models import Case, State
from gonghui.core.numbers import money
from gonghui.notices.models import NoticeEntry

from .models import (
    AUTUMN_ITEM,
    FILE_ITEM,
    Award,
    Campaign,
    FestivalVisit,
    FileStatus,
    HardshipFile,
    VisitCampaign,
)

OPEN_FILE = (FileStatus.APPLYING, FileStatus.ON_FILE)


def file_on_record(worker) -> HardshipFile | None:
    return HardshipFile.objects.filter(worker=worker, status=FileStatus.ON_FILE).first() if worker else None


def file_unavailable(worker) -> str:
    if worker is None:
        return ""
    found = (HardshipFile.objects.filter(worker=worker, status__in=OPEN_FILE)
             .exclude(case__state__in=[State.DRAFT, State.WITHDRAWN]).select_related("case").first())
    if found is None:
        return ""
    if found.status == FileStatus.ON_FILE:
        return f"您已纳入困难职工档案（{found.case.number}），档案每年复核一次，无需重复申请。"
    return f"您的建档申请（{found.case.number}）正在办理中，请在“我的办件”查看进度。"


def open_campaign(on=None) -> Campaign | None:
    on = on or timezone.localdate()
    return Campaign.objects.filter(opens_on__lte=on, closes_on__gte=on).prefetch_related("tiers").first()


def autumn_unavailable(worker) -> str:
    campaign = open_campaign()
    if campaign is None:
        latest = Campaign.objects.order_by("-year").first()
        when = f"（{latest.name}：{latest.opens_on:%m月%d日}至{latest.closes_on:%m月%d日}）" if latest else ""
        return f"金秋助学不在申请期内{when}。"
    if worker is not None and not campaign.off_file and file_on_record(worker) is None:
        return "本年度金秋助学面向已纳入困难职工档案的职工子女，请先申请困难职工建档。"
    return ""


def files(*, user, status: str = "", category: str = "", due: bool = False, q: str = ""):
    rows = HardshipFile.objects.visible_to(user, "cases.view_case").exclude(case__state=State.DRAFT)
    if status:
        rows = rows.filter(status=status)
    if category:
        rows = rows.filter(category=category)
    if due:
        soon = timezone.localdate() + timezone.timedelta(days=31)
        rows = rows.filter(status=FileStatus.ON_FILE, review_due__lte=soon)
    if q:
        rows = rows.filter(Q(case__number__icontains=q) | Q(worker__name__icontains=q))
    return rows.select_related("case", "worker", "org").annotate(size=Count("members")).order_by("-pk")


def file_get(*, user, pk: int) -> HardshipFile:
    from django.http import Http404

    found = HardshipFile.objects.visible_to(user, "cases.view_case").select_related("case", "worker", "org").filter(
        pk=pk).first()
    if found is None:
        raise Http404("没有找到该档案")
    return found


def ready_to_publicise(*, user, item: str):
    from .services import READY_TO_PUBLICISE

    return (Case.objects.visible_to(user, "cases.handle_case").filter(item__code=item, state=READY_TO_PUBLICISE[item])
            .select_related("applicant", "org", "item").order_by("org__path", "submitted_at"))


def notice_of(case: Case) -> NoticeEntry | None:
    return (NoticeEntry.objects.filter(source=case.item.code, object_id=case.pk).select_related("notice")
            .order_by("-notice__published_on", "-pk").first())


def grants_of(case: Case):
    return Grant.objects.filter(case=case).order_by("-created_at")


def result_rows(case: Case) -> list[tuple[str, str]]:
    award = Award.objects.filter(case=case).first()
    rows = []
    if award is not None:
        rows.append(("核准金额", f"{money(award.amount)} 元（{award.kind_label}）"))
    if case.item.code == FILE_ITEM:
        file = HardshipFile.objects.filter(case=case).first()
        if file is not None and file.status != FileStatus.APPLYING:
            rows.append(("档案状态", file.get_status_display()))
            if file.category and file.status == FileStatus.ON_FILE:
                rows.append(("困难类别", file.get_category_display()))
    return rows


def campaigns():
    return Campaign.objects.prefetch_related("tiers").order_by("-year")


def campaign_cases(*, user, campaign: Campaign):
    return (Case.objects.visible_to(user, "cases.view_case").filter(item__code=AUTUMN_ITEM,
                                                                      submitted_at__year=campaign.year)
            .select_related("applicant", "org").order_by("-submitted_at"))


def festival_campaigns(*, user):
    visible = FestivalVisit.objects.visible_to(user, "cases.view_case")
    return (VisitCampaign.objects.filter(pk__in=visible.values("campaign_id")).select_related("org")
            .annotate(households=Count("visits", distinct=True),
                      visited=Count("visits", filter=Q(visits__visited_on__isnull=False), distinct=True)))


def festival_visits(*, user, campaign: VisitCampaign):
    return (FestivalVisit.objects.visible_to(user, "cases.view_case").filter(campaign=campaign)
            .select_related("file__worker", "file__org", "file__case"))



