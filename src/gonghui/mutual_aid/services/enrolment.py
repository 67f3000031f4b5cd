"""Enrolment of workers in a plan year's products (picked, by ID number, or from a roster) and the
enterprises' contributions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from gonghui.core import audit, idnumber, pii
from gonghui.core.spreadsheets import cell_text
from gonghui.orgs.models import Org
from gonghui.orgs.scoping import scope_paths
from gonghui.registry.importing import Importer, Result, RowInvalid
from gonghui.registry.models import Worker

from ..models import (
    Contribution,
    Enrolment,
    Product,
)
from .common import PERM_ENROL, PERM_MANAGE, _require

# --- enrolment ------------------------------------------------------------------------------------------

def covered_from(product: Product, enrolled_on: dt.date, renewal: bool) -> dt.date:
    start = max(enrolled_on, product.plan_year.starts_on)
    return start if renewal else start + dt.timedelta(days=product.waiting_days)


def _renewal(product: Product, worker_ids) -> set[int]:
    """Workers enrolled in the same product (by code) the year before: no waiting period for them."""
    return set(Enrolment.objects.filter(product__code=product.code, product__plan_year__year=product.plan_year.year - 1,
                                        worker_id__in=worker_ids).values_list("worker_id", flat=True))


def enrol(*, actor, product: Product, workers, on: dt.date | None = None, source: str = "picked") -> int:
    """Enrol workers picked from the registry (already enrolled ones are left as they are)."""
    on = on or timezone.localdate()
    workers = list(workers)
    for worker in workers:
        _require(actor, PERM_ENROL, worker.org.path, "为该职工参保")
    with transaction.atomic():
        created = _enrol_rows(product, workers, on, source)
        audit.record(actor=actor, action="mutual_aid.enrol", object_type="mutual_aid.product",
                     object_id=str(product.pk), summary=f"{product}参保{created}人（{source}）")
    return created


def enrol_by_id_number(*, actor, product: Product, id_number: str) -> Worker:
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
    enrol(actor=actor, product=product, workers=[worker])
    return worker


def _enrol_rows(product: Product, workers: list[Worker], on: dt.date, source: str) -> int:
    existing = set(Enrolment.objects.filter(product=product, worker__in=workers).values_list("worker_id", flat=True))
    renewals = _renewal(product, [w.pk for w in workers])
    rows = [Enrolment(product=product, worker=w, enterprise_id=w.enterprise_id, org_id=w.org_id, enrolled_on=on,
                      covered_from=covered_from(product, on, w.pk in renewals), renewal=w.pk in renewals,
                      source=source)
            for w in workers if w.pk not in existing]
    Enrolment.objects.bulk_create(rows, batch_size=1000)
    _refresh_contributions(product, {w.enterprise_id for w in workers if w.enterprise_id})
    return len(rows)


def _refresh_contributions(product: Product, enterprise_ids) -> None:
    counts = dict(Enrolment.objects.filter(product=product, enterprise_id__in=enterprise_ids)
                  .values_list("enterprise_id").annotate(n=Count("id")))
    for enterprise_id in enterprise_ids:
        persons = counts.get(enterprise_id, 0)
        row, _ = Contribution.objects.get_or_create(product=product, enterprise_id=enterprise_id)
        Contribution.objects.filter(pk=row.pk).update(persons=persons, amount_due=product.contribution * persons)


class RosterImporter(Importer):
    """An enterprise's roster for a product: name and ID number of each worker (the registry's importer
    machinery: same reading of .xlsx/CSV, per-row errors with reasons, safe to run twice)."""

    kind = "roster"
    columns = ["姓名", "身份证号"]
    required = ["姓名", "身份证号"]
    key_column = "身份证号"

    def __init__(self, *, scope: Org, product: Product, on: dt.date):
        super().__init__(scope=scope)
        self.product, self.on = product, on

    def prepare(self) -> None:
        self.enrolled = set(Enrolment.objects.filter(product=self.product).values_list("worker_id", flat=True))

    def validate(self, values: dict):
        name = cell_text(values.get("姓名"))
        try:
            number = idnumber.parse(values.get("身份证号")).value
        except idnumber.IdNumberError as exc:
            raise RowInvalid("身份证号", str(exc)) from None
        worker = (Worker.objects.within(self.scope.path).select_related("org")
                  .filter(id_bidx=pii.blind_index(number, purpose="id_number")).first())
        if worker is None:
            raise RowInvalid("身份证号", "职工档案中没有此人（或不在本单位范围内），请先导入职工名单")
        if worker.name != name:
            raise RowInvalid("姓名", f"姓名与职工档案（{worker.name}）不一致")
        return worker

    def key(self, record) -> str:
        return str(record.pk)

    def label(self, values: dict) -> str:
        raw = cell_text(values.get("身份证号"))
        return f"{cell_text(values.get('姓名'))} {pii.mask_id(raw) if len(raw) >= 15 else raw}"

    def commit(self, records: list, result: Result) -> None:
        result.updated += sum(1 for w in records if w.pk in self.enrolled)
        result.created += _enrol_rows(self.product, records, self.on, "roster")


def roster_import(*, actor, product: Product, data: bytes, filename: str, dry_run: bool = False) -> Result:
    paths = scope_paths(actor, PERM_ENROL)
    if not paths:
        raise PermissionDenied("您没有参保登记的权限。")
    scope = Org.objects.get(path=min(paths, key=len))
    result = RosterImporter(scope=scope, product=product, on=timezone.localdate()).run(
        data, filename, dry_run=dry_run)
    if not dry_run:
        audit.record(actor=actor, action="mutual_aid.roster_import",
                     object_type="mutual_aid.product", object_id=str(product.pk),
                     summary=f"{product}花名册{filename}：新增{result.created}，已参保{result.updated}，"
                             f"错误{result.rejected}"[:300])
    return result


def contribution_paid(*, actor, contribution: Contribution, amount: Decimal, on: dt.date) -> None:
    _require(actor, PERM_MANAGE, contribution.enterprise.org.path, "登记缴费")
    if amount <= 0:
        raise ValidationError({"amount": "缴费金额应大于0。"})
    with transaction.atomic():
        Contribution.objects.filter(pk=contribution.pk).update(amount_paid=contribution.amount_paid + amount,
                                                               paid_on=on)
        audit.record(actor=actor, action="mutual_aid.contribution_paid", obj=contribution,
                     summary=f"{contribution.enterprise.name}缴费{amount}元")
