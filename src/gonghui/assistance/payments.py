"""Assistance as a source of the shared payments (gonghui.payments): the approved aid and Golden Autumn
awards, paid to the applicant's card from the sealed form; the bank's result fulfils the case or asks the
worker for another card. A batch holds one programme (the tag)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from gonghui.cases import notify
from gonghui.cases import services as cases
from gonghui.cases.models import Case, State
from gonghui.payments.models import PaymentLine, paid_or_pending
from gonghui.payments.sources import Line

from .models import Award, Programme

SOURCE = "assistance"
PERM_PAY = "payments.manage_payments"


def payable_rows(user, *, town=None, approved_from=None, approved_to=None, tag: str = ""):
    found = Case.objects.visible_to(user, PERM_PAY)
    if town is not None:
        found = found.within(town.path)
    rows = Award.objects.filter(case__in=found.values("pk"), case__state=State.APPROVED, payment_problem="")
    if approved_from:
        rows = rows.filter(case__decided_at__date__gte=approved_from)
    if approved_to:
        rows = rows.filter(case__decided_at__date__lte=approved_to)
    if tag:
        rows = rows.filter(programme=tag)
    return (rows.exclude(pk__in=paid_or_pending(SOURCE)).select_related("case", "case__applicant", "case__org")
            .order_by("case__decided_at", "pk"))


def line_for(award: Award) -> Line:
    case = award.case
    return Line(object_id=award.pk, org_id=case.org_id, case_id=case.pk, reference=case.number,
                payee=case.applicant.name, bank_name=case.form.get("bank_name", ""),
                account=case.secrets().get("bank_card", ""), amount=award.amount)


def shown(award: Award) -> dict:
    case = award.case
    return {"pk": award.pk, "reference": case.number, "payee": case.applicant.name, "org": case.org.label,
            "approved_on": case.decided_at, "amount": award.amount, "url": reverse("cases:detail", args=[case.number])}


def total(rows) -> Decimal:
    return rows.aggregate(s=Sum("amount"))["s"] or Decimal("0")


def tag_of(award: Award) -> str:
    return award.programme


def tags() -> list[tuple[str, str]]:
    return list(Programme.choices)


def settle(actor, line: PaymentLine, paid: bool, reason: str) -> None:
    award = Award.objects.select_related("case__item").get(pk=line.object_id)
    case = award.case
    if paid:
        Award.objects.filter(pk=award.pk).update(paid_at=timezone.now())
        cases.transition(actor=actor, case=case, name="fulfil")
    else:
        Award.objects.filter(pk=award.pk).update(payment_problem=reason[:200])
        cases.add_event(case, actor, "transition", "支付失败，请更正银行卡", text=reason)
        notify.notify_applicant(case, "payment_failed", reason=reason)
