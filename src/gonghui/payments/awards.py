"""The common case of a payable row: one row per approved case (a module's award model with ``case``,
``amount``, ``paid_at`` and ``payment_problem``), paid to the bank card sealed in the case's form, the bank's
result fulfilling the case or asking the worker for another card. A module's source functions call these
(hardship aid and Golden Autumn, the model workers' hospital subsidy)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from gonghui.cases import notify
from gonghui.cases import services as cases
from gonghui.cases.models import Case, State

from .models import PERM_PAY, paid_or_pending
from .sources import Line


def rows(model, source: str, user, *, town=None, approved_from=None, approved_to=None):
    """The awards of approved cases in the user's payment scope, not in a pending or paid line, oldest
    first."""
    found = Case.objects.visible_to(user, PERM_PAY)
    if town is not None:
        found = found.within(town.path)
    result = model.objects.filter(case__in=found.values("pk"), case__state=State.APPROVED, payment_problem="")
    if approved_from:
        result = result.filter(case__decided_at__date__gte=approved_from)
    if approved_to:
        result = result.filter(case__decided_at__date__lte=approved_to)
    return (result.exclude(pk__in=paid_or_pending(source)).select_related("case", "case__applicant", "case__org")
            .order_by("case__decided_at", "pk"))


def line(award) -> Line:
    case = award.case
    return Line(object_id=award.pk, org_id=case.org_id, case_id=case.pk, reference=case.number,
                payee=case.applicant.name, bank_name=case.form.get("bank_name", ""),
                account=case.secrets().get("bank_card", ""), amount=award.amount)


def shown(award) -> dict:
    case = award.case
    return {"pk": award.pk, "reference": case.number, "payee": case.applicant.name, "org": case.org.label,
            "approved_on": case.decided_at, "amount": award.amount, "url": reverse("cases:detail", args=[case.number])}


def settle(model, actor, object_id: int, paid: bool, reason: str) -> None:
    award = model.objects.select_related("case__item").get(pk=object_id)
    if paid:
        model.objects.filter(pk=award.pk).update(paid_at=timezone.now())
        cases.transition(actor=actor, case=award.case, name="fulfil")
    else:
        model.objects.filter(pk=award.pk).update(payment_problem=reason[:200])
        cases.add_event(award.case, actor, "transition", "支付失败，请更正银行卡", text=reason)
        notify.notify_applicant(award.case, "payment_failed", reason=reason)
