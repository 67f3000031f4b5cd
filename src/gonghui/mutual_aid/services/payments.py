"""Medical mutual aid as a source of the shared payments (gonghui.payments): the approved claims it has to
pay, the payment line of each (the worker's card from the claim's sealed form), and what the bank's result
does to a claim — paid: the claim is fulfilled and the worker told; failed: the worker is asked for another
card."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from gonghui.cases import notify
from gonghui.cases import services as cases
from gonghui.cases.models import Case, State
from gonghui.payments.models import LineStatus, PaymentLine, paid_or_pending
from gonghui.payments.sources import Line

from ..models import PERM_PAY, Claim, PlanYear

SOURCE = "mutual_aid"


def payable_rows(user, *, town=None, approved_from=None, approved_to=None, tag: str = ""):
    """Approved claims in the user's payment scope not in a pending or paid line and with no payment problem,
    narrowed to a town (an ``Org``), to the days they were approved on and to a plan year, when given."""
    found = Case.objects.visible_to(user, PERM_PAY)
    if town is not None:
        found = found.within(town.path)
    claims = Claim.objects.filter(case__in=found.values("pk"), case__state=State.APPROVED, payment_problem="")
    if approved_from:
        claims = claims.filter(case__decided_at__date__gte=approved_from)
    if approved_to:
        claims = claims.filter(case__decided_at__date__lte=approved_to)
    if tag:
        claims = claims.filter(product__plan_year__year=int(tag))
    return (claims.exclude(pk__in=paid_or_pending(SOURCE))
            .select_related("case", "case__applicant", "case__org", "product__plan_year")
            .order_by("case__decided_at", "pk"))


def line_for(claim: Claim) -> Line:
    case = claim.case
    account = case.secrets().get("bank_card", "")
    return Line(object_id=claim.pk, org_id=case.org_id, case_id=case.pk, reference=case.number,
                payee=case.applicant.name, bank_name=case.form.get("bank_name", ""), account=account,
                amount=claim.subsidy)


def shown(claim: Claim) -> dict:
    case = claim.case
    return {"pk": claim.pk, "reference": case.number, "payee": case.applicant.name, "org": case.org.label,
            "approved_on": case.decided_at, "amount": claim.subsidy,
            "url": reverse("cases:detail", args=[case.number])}


def total(claims) -> Decimal:
    return claims.aggregate(s=Sum("subsidy"))["s"] or Decimal("0")


def tag_of(claim: Claim) -> str:
    return str(claim.product.plan_year.year)


def tags() -> list[tuple[str, str]]:
    return [(str(y.year), y.name) for y in PlanYear.objects.all()]


def settle(actor, line: PaymentLine, paid: bool, reason: str) -> None:
    """Inside the transaction that settles the line."""
    claim = Claim.objects.select_related("case__item").get(pk=line.object_id)
    case = claim.case
    if paid:
        Claim.objects.filter(pk=claim.pk).update(paid_at=timezone.now())
        cases.transition(actor=actor, case=case, name="fulfil")
    else:
        Claim.objects.filter(pk=claim.pk).update(payment_problem=reason[:200])
        cases.add_event(case, actor, "transition", "支付失败，请更正银行卡", text=reason)
        notify.notify_applicant(case, "payment_failed", reason=reason)


def lines_of(claims):
    """The payment lines of a queryset of claims."""
    return PaymentLine.objects.filter(source=SOURCE, object_id__in=claims.values("pk"))


def paid_total(plan_year: PlanYear) -> Decimal:
    return (lines_of(Claim.objects.filter(product__plan_year=plan_year)).filter(status=LineStatus.PAID)
            .aggregate(s=Sum("amount"))["s"] or Decimal("0"))


def paid_lines(*, user, plan_year: PlanYear):
    """The paid lines of the plan year's claims the user sees (scoped by the line's handling organisation)."""
    return PaymentLine.objects.visible_to(user, "cases.view_case").filter(
        source=SOURCE, status=LineStatus.PAID,
        object_id__in=Claim.objects.filter(product__plan_year=plan_year).values("pk"))
