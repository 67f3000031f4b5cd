"""Reads of legal services. The case itself is found through the case engine's selectors (scoped to the
handling organisation's subtree, or to the partner assigned to it); these read what lies beside it."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet, Sum

from gonghui.cases.models import Case
from gonghui.core.numbers import money

from .models import AidClient, AidStage, ConsultMessage, DutySlot, RewardLine


def clients(case: Case) -> list[AidClient]:
    return list(AidClient.objects.filter(case=case).select_related("worker"))


def stages(case: Case) -> list[AidStage]:
    return list(AidStage.objects.filter(case=case).select_related("recorded_by"))


def result_rows(case: Case) -> list[tuple[str, str]]:
    """What the case's result holds, as the module words it (on both surfaces: the means test, a note for the
    reviewer, is shown in the workbench's section instead)."""
    result = case.result or {}
    rows = []
    for key, label in (("outcome", "结案方式"), ("summary", "结案说明")):
        if result.get(key):
            rows.append((label, result[key]))
    if result.get("recovered") not in (None, ""):
        rows.append(("实际追回金额", f"{money(result['recovered'])} 元"))
    return rows


def totals(case: Case) -> dict:
    found = AidClient.objects.filter(case=case).aggregate(claimed=Sum("claimed"), awarded=Sum("awarded"),
                                                          recovered=Sum("recovered"))
    return {k: v or Decimal("0") for k, v in found.items()}


def rewards(*, user) -> QuerySet[RewardLine]:
    """The reward lines of the user's subtree (staff), or their own (a lawyer)."""
    return (RewardLine.objects.visible_to(user, "cases.view_case")
            .select_related("case", "duty__centre", "lawyer", "partner", "scheme").order_by("-created_at", "-pk"))


def thread(case: Case) -> list[ConsultMessage]:
    """The consultation's questions and answers, oldest first."""
    return list(ConsultMessage.objects.filter(case=case).select_related("author"))


def duty_slots(*, user, start, end) -> QuerySet[DutySlot]:
    """The duty half-days at the centres of the user's subtree between two days."""
    return (DutySlot.objects.visible_to(user, "orgs.view_servicecentre").filter(day__gte=start, day__lte=end)
            .select_related("lawyer", "partner", "centre__org", "reward"))


def duty_slot_get(*, user, pk) -> DutySlot:
    from django.http import Http404

    found = DutySlot.objects.visible_to(user, "orgs.view_servicecentre").select_related(
        "centre__org", "lawyer", "partner").filter(pk=pk or 0).first()
    if found is None:
        raise Http404("值班安排不存在")
    return found


def upcoming_duty(*, worker, start, days: int = 14) -> list[DutySlot]:
    """The coming half-days a lawyer sits at a centre, for a worker: their own town's centres first."""
    import datetime as dt

    slots = list(DutySlot.objects.filter(day__gte=start, day__lt=start + dt.timedelta(days=days),
                                         served__isnull=True, centre__is_active=True)
                 .select_related("lawyer", "partner", "centre__org").order_by("day", "half", "centre_id")[:200])
    town = worker.org.path[:8] if worker is not None else ""
    return sorted(slots, key=lambda s: (s.day, not s.centre.org.path.startswith(town), s.centre_id, s.half))


def duty_by_day(slots: list[DutySlot]) -> list[tuple]:
    """``[(day, [(centre, [(half label, [slots])])])]``: a day's centres, each with who sits there when."""
    days: dict = {}
    for slot in slots:
        halves = days.setdefault(slot.day, {}).setdefault(slot.centre, {})
        halves.setdefault(slot.get_half_display(), []).append(slot)
    return [(day, [(centre, list(halves.items())) for centre, halves in centres.items()])
            for day, centres in days.items()]
