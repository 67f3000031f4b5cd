"""Enrolment of workers in a plan year's products (picked, by ID number, or from a roster) and the
enterprises' contributions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from gonghui.core import audit, idnumber
from gonghui.orgs.models import Org
from gonghui.orgs.scoping import scope_paths
from gonghui.registry.importing import Result
from gonghui.registry.models import Worker

from ..models import (
    Contribution,
    Enrolment,
    LateCover,
    Product,
)
from .common import PERM_ENROL, PERM_MANAGE, _require

# --- enrolment ------------------------------------------------------------------------------------------

def covered_from(product: Product, enrolled_on: dt.date, renewal: bool) -> dt.date:
    """When cover starts for an enrolment dated ``enrolled_on``: enrolment belongs to the plan year.

    - by the close of the enrolment window: the year's start;
    - later (a late enrolment): the day the year's ``late_cover`` says — the day after enrolment, or the
      first of the next month — and never before the year's start;
    - a new enrolee then waits the product's waiting period; a renewal (enrolled in the same product the
      year before) is covered at once.
    """
    year = product.plan_year
    if enrolled_on <= year.enrol_closes:
        start = year.starts_on
    elif year.late_cover == LateCover.NEXT_MONTH:
        start = (enrolled_on.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    else:
        start = enrolled_on + dt.timedelta(days=1)
    start = max(start, year.starts_on)
    return start if renewal else start + dt.timedelta(days=product.waiting_days)


def enrolment_date(plan_year, raw: str | dt.date | None, reason: str) -> tuple[dt.date, str]:
    """The enrolment date of a roster or a pick: today, or (a roster received on paper earlier) the date
    staff give with a reason. Never in the future, never after the plan year's end."""
    today = timezone.localdate()
    if raw in (None, ""):
        return today, ""
    try:
        day = raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        raise ValidationError({"enrolled_on": "参保日期格式不正确（如2014-12-15）。"}) from None
    if day == today:
        return today, ""
    if day > today:
        raise ValidationError({"enrolled_on": "参保日期不能晚于今天。"})
    if day > plan_year.ends_on:
        raise ValidationError({"enrolled_on": f"参保日期不能晚于{plan_year.name}保障期结束日{plan_year.ends_on}。"})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "指定参保日期须填写理由（如纸质花名册的收到日期）。"})
    return day, reason[:200]


def _open_for_enrolment(product: Product) -> None:
    if product.plan_year.closed:
        raise ValidationError(f"{product.plan_year.name}已关闭，不能再参保。")


def _renewal(product: Product, worker_ids) -> set[int]:
    """Workers enrolled in the same product (by code) the year before: no waiting period for them."""
    return set(Enrolment.objects.filter(product__code=product.code, product__plan_year__year=product.plan_year.year - 1,
                                        worker_id__in=worker_ids).values_list("worker_id", flat=True))


def enrol(*, actor, product: Product, workers, on: dt.date | None = None, source: str = "picked",
          reason: str = "") -> int:
    """Enrol workers picked from the registry (already enrolled ones are left as they are)."""
    _open_for_enrolment(product)
    on, reason = enrolment_date(product.plan_year, on, reason)
    workers = list(workers)
    for worker in workers:
        _require(actor, PERM_ENROL, worker.org.path, "为该职工参保")
    with transaction.atomic():
        created = _enrol_rows(product, workers, on, source, reason)
        audit.record(actor=actor, action="mutual_aid.enrol", object_type="mutual_aid.product",
                     object_id=str(product.pk),
                     summary=f"{product}参保{created}人（{source}），参保日期{on}"
                             f"{'：' + reason if reason else ''}"[:300])
    return created


def enrol_by_id_number(*, actor, product: Product, id_number: str, on=None, reason: str = "") -> Worker:
    """Pick one worker of the registry by ID number (in the actor's subtree) and enrol them."""
    try:
        number = idnumber.parse(id_number).value
    except idnumber.IdNumberError as exc:
        raise ValidationError({"id_number": f"身份证号无效：{exc}"}) from None
    from gonghui.registry.selectors import worker_search

    worker = worker_search(user=actor, q=number).select_related("org").first()  # scoped, by the blind index
    if worker is None:
        raise ValidationError({"id_number": "您的管辖范围内没有这个身份证号的职工，请先在职工档案中登记。"})
    if Enrolment.objects.filter(product=product, worker=worker).exists():
        raise ValidationError({"id_number": f"{worker.name}已参加{product}。"})
    enrol(actor=actor, product=product, workers=[worker], on=on, reason=reason)
    return worker


def _enrol_rows(product: Product, workers: list, on: dt.date, source: str, reason: str = "") -> int:
    """Enrol ``workers`` (Worker instances, or anything with their pk, org_id and enterprise_id)."""
    existing = set(Enrolment.objects.filter(product=product, worker_id__in=[w.pk for w in workers])
                   .values_list("worker_id", flat=True))
    renewals = _renewal(product, [w.pk for w in workers])
    rows = [Enrolment(product=product, worker_id=w.pk, enterprise_id=w.enterprise_id, org_id=w.org_id,
                      enrolled_on=on,
                      covered_from=covered_from(product, on, w.pk in renewals), renewal=w.pk in renewals,
                      source=source, date_reason=reason)
            for w in workers if w.pk not in existing]
    Enrolment.objects.bulk_create(rows, batch_size=1000)
    _refresh_contributions(product, {w.enterprise_id for w in workers if w.enterprise_id})
    return len(rows)


def _refresh_contributions(product: Product, enterprise_ids, paid: dict | None = None) -> None:
    """Each enterprise's persons and amount due in ``product`` recounted, ``paid`` added to what it has
    paid: a few queries for a whole chunk of enterprises, not two per enterprise."""
    ids = list(enterprise_ids)
    if not ids:
        return
    counts = dict(Enrolment.objects.filter(product=product, enterprise_id__in=ids)
                  .values_list("enterprise_id").annotate(n=Count("id")))
    current = {c.enterprise_id: c for c in Contribution.objects.filter(product=product, enterprise_id__in=ids)}
    new, changed = [], []
    for enterprise_id in ids:
        persons = counts.get(enterprise_id, 0)
        add = (paid or {}).get(enterprise_id, Decimal("0"))
        row = current.get(enterprise_id)
        if row is None:
            new.append(Contribution(product=product, enterprise_id=enterprise_id, persons=persons,
                                    amount_due=product.contribution * persons, amount_paid=add))
        else:
            row.persons, row.amount_due = persons, product.contribution * persons
            row.amount_paid += add
            changed.append(row)
    Contribution.objects.bulk_create(new, batch_size=1000)
    if changed:  # one prepared UPDATE run for every row: bulk_update's CASE over thousands of rows is slower
        from django.db import connection

        table = connection.ops.quote_name(Contribution._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET persons = %s, amount_due = %s, amount_paid = %s "  # noqa: S608
                               "WHERE id = %s", [(c.persons, c.amount_due, c.amount_paid, c.pk) for c in changed])


def roster_import(*, actor, product: Product, data: bytes, filename: str, dry_run: bool = False,
                  enrolled_on=None, reason: str = "") -> Result:
    """A roster imported at once (the command line's and the tests'); the workbench queues the same
    importer as an import job (kind ``ma_roster``) to show its preview first."""
    from ..importers import RosterImporter

    paths = scope_paths(actor, PERM_ENROL)
    if not paths:
        raise PermissionDenied("您没有参保登记的权限。")
    scope = Org.objects.get(path=min(paths, key=len))
    importer = RosterImporter(scope=scope, product=product.pk,
                              enrolled_on=str(enrolled_on) if enrolled_on else "", reason=reason)
    result = importer.run(data, filename, dry_run=dry_run)
    if not dry_run:
        audit.record(actor=actor, action="mutual_aid.roster_import",
                     object_type="mutual_aid.product", object_id=str(product.pk),
                     summary=f"{product}花名册{filename}（参保日期{importer.on}{'：' + reason if reason else ''}）："
                             f"新增{result.created}，已参保{result.updated}，错误{result.rejected}"[:300])
    return result


def contribution_paid(*, actor, contribution: Contribution, amount: Decimal, on: dt.date) -> None:
    _require(actor, PERM_MANAGE, contribution.enterprise.org.path, "登记缴费")
    if contribution.product.plan_year.closed:
        raise ValidationError(f"{contribution.product.plan_year.name}已关闭，不能再登记缴费。")
    if amount <= 0:
        raise ValidationError({"amount": "缴费金额应大于0。"})
    with transaction.atomic():
        Contribution.objects.filter(pk=contribution.pk).update(amount_paid=contribution.amount_paid + amount,
                                                               paid_on=on)
        audit.record(actor=actor, action="mutual_aid.contribution_paid", obj=contribution,
                     summary=f"{contribution.enterprise.name}缴费{amount}元")
