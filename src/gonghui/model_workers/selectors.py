"""Reads of the model workers' module, scoped: a unit's staff see the model workers it manages, the city all."""

from __future__ import annotations

import datetime as dt

from django.db.models import Max, Q
from django.http import Http404
from django.utils import timezone

from gonghui.cases.models import Case
from gonghui.core import idnumber, pii
from gonghui.core.numbers import as_id, money

from .models import (
    HOSPITAL_ITEM,
    PERM_MANAGE,
    AllowanceLine,
    CheckRule,
    Level,
    ModelWorker,
    Subsidy,
)

STATUSES = [("working", "在职"), ("retired", "退休"), ("deceased", "已故")]


def visible(user):
    return ModelWorker.objects.visible_to(user, PERM_MANAGE).select_related("worker", "title", "org")


def with_status(rows, status: str, on: dt.date | None = None):
    on = on or timezone.localdate()
    if status == "deceased":
        return rows.filter(died_on__lte=on)
    alive = rows.filter(Q(died_on__isnull=True) | Q(died_on__gt=on))
    if status == "retired":
        return alive.filter(retired_on__lte=on)
    if status == "working":
        return alive.filter(Q(retired_on__isnull=True) | Q(retired_on__gt=on))
    return rows


def search(user, *, q: str = "", level: str = "", status: str = "", unit: str = ""):
    rows = visible(user)
    q = (q or "").strip()
    if q:
        try:
            person = idnumber.parse(q)
            rows = rows.filter(worker__id_bidx=pii.blind_index(person.value, purpose="id_number"))
        except idnumber.IdNumberError:
            rows = rows.filter(Q(worker__name__contains=q) | Q(employer__contains=q))
    if level in Level.values:
        rows = rows.filter(level=level)
    if status:
        rows = with_status(rows, status)
    if as_id(unit):
        rows = rows.filter(org_id=as_id(unit))
    return rows.order_by("org__path", "level", "pk")


def get(user, pk) -> ModelWorker:
    found = visible(user).filter(pk=as_id(pk) or 0).first()
    if found is None:
        raise Http404("没有找到该劳模，或不在您的管理范围内。")
    return found


def next_check(mw: ModelWorker, rules: dict[str, int] | None = None, last: dt.date | None = None) -> dt.date | None:
    """When the next health check is due (the last one plus the level's interval; never checked: now)."""
    every = (rules or dict(CheckRule.objects.values_list("level", "every_years"))).get(mw.level)
    if every is None or mw.status_on(timezone.localdate()) == "deceased":
        return None
    if last is None:
        last = mw.checks.aggregate(d=Max("checked_on"))["d"]
    if last is None:
        return timezone.localdate()
    try:
        return last.replace(year=last.year + every)
    except ValueError:  # 29 February
        return last.replace(year=last.year + every, day=28)


def checks_due(user, *, by: dt.date, unit: str = "") -> list[tuple[ModelWorker, dt.date | None, dt.date]]:
    """The reminder list: living model workers whose next check is due by ``by``, with their last check."""
    rules = dict(CheckRule.objects.values_list("level", "every_years"))
    rows = with_status(visible(user), "retired") | with_status(visible(user), "working")
    if as_id(unit):
        rows = rows.filter(org_id=as_id(unit))
    rows = rows.annotate(last=Max("checks__checked_on")).order_by("org__path", "pk")
    out = []
    for mw in rows:
        due = next_check(mw, rules, mw.last)
        if due is not None and due <= by:
            out.append((mw, mw.last, due))
    return out


def claims_of(mw: ModelWorker):
    return (Case.objects.filter(applicant=mw.worker, item__code=HOSPITAL_ITEM).select_related("item")
            .order_by("-created_at"))


def allowances_of(mw: ModelWorker, limit: int = 24):
    return AllowanceLine.objects.filter(model_worker=mw).select_related("run").order_by("-month")[:limit]


def result_rows(case: Case) -> list[tuple[str, str]]:
    subsidy = Subsidy.objects.filter(case=case).first()
    return [("核准补助", f"{money(subsidy.amount)} 元（{subsidy.year}年度）")] if subsidy else []
