"""The model workers' benefits as sources of the shared payments (gonghui.payments):

- ``mw_allowance``: the lines of reviewed allowance runs, paid to the card in the person's registry record
  (a person without a card is listed on the run's page, not offered for payment); a failed transfer waits
  for the card to be corrected on the model worker's page;
- ``mw_subsidy``: approved hospital-cost claims, paid to the card on the claim; the bank's result fulfils the
  case or asks the worker for another card (as every case-based payment does).
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from gonghui.payments import awards
from gonghui.payments.models import PERM_PAY, PaymentLine, paid_or_pending
from gonghui.payments.sources import Line

from .models import AllowanceLine, RunState, Subsidy


def allowance_rows(user, *, town=None, approved_from=None, approved_to=None, tag: str = ""):
    rows = AllowanceLine.objects.visible_to(user, PERM_PAY).filter(
        run__state=RunState.RELEASED, paid_at__isnull=True, payment_problem="",
        model_worker__worker__bank_enc__isnull=False)
    if town is not None:
        rows = rows.within(town.path)
    if approved_from:
        rows = rows.filter(month__gte=approved_from.replace(day=1))
    if approved_to:
        rows = rows.filter(month__lte=approved_to)
    return (rows.exclude(pk__in=paid_or_pending("mw_allowance"))
            .select_related("model_worker__worker", "org").order_by("month", "pk"))


def _allowance_reference(row: AllowanceLine) -> str:
    return f"LMJT-{row.month:%Y%m}-{row.model_worker_id}"


def allowance_line(row: AllowanceLine) -> Line:
    worker = row.model_worker.worker
    return Line(object_id=row.pk, org_id=row.org_id, case_id=None, reference=_allowance_reference(row),
                payee=worker.name, bank_name=worker.bank_name, account=worker.bank_number_clear(), amount=row.amount)


def allowance_shown(row: AllowanceLine) -> dict:
    return {"pk": row.pk, "reference": _allowance_reference(row),
            "payee": f"{row.model_worker.worker.name}（{row.month:%Y年%m月}）", "org": row.org.label,
            "approved_on": row.run.released_at, "amount": row.amount,
            "url": reverse("model_workers:detail", args=[row.model_worker_id])}


def allowance_settle(actor, line: PaymentLine, paid: bool, reason: str) -> None:
    if paid:
        AllowanceLine.objects.filter(pk=line.object_id).update(paid_at=timezone.now(), payment_problem="")
    else:
        AllowanceLine.objects.filter(pk=line.object_id).update(payment_problem=reason[:200])


def subsidy_rows(user, *, town=None, approved_from=None, approved_to=None, tag: str = ""):
    return awards.rows(Subsidy, "mw_subsidy", user, town=town, approved_from=approved_from, approved_to=approved_to)


subsidy_line = awards.line
subsidy_shown = awards.shown


def subsidy_settle(actor, line: PaymentLine, paid: bool, reason: str) -> None:
    awards.settle(Subsidy, actor, line.object_id, paid, reason)


def total(rows) -> Decimal:
    return rows.aggregate(s=Sum("amount"))["s"] or Decimal("0")
