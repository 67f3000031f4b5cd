"""Reads of medical mutual aid, already limited to what the user may see (``visible_to``)."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone

from gonghui.cases.models import Case, State

from .models import PERM_PAY, Claim, ClaimInvoice, Contribution, Enrolment, LineStatus, PaymentBatch, PlanYear, Product

VIEW = "cases.view_case"


def payable(*, user, town=None, approved_from=None, approved_to=None):
    """Approved claims in the user's scope not in a pending or paid line and with no payment problem;
    narrowed to a town (an ``Org``) and to the days they were approved on, when given."""
    cases = Case.objects.visible_to(user, PERM_PAY)
    if town is not None:
        cases = cases.within(town.path)
    claims = Claim.objects.filter(case__in=cases.values("pk"), case__state=State.APPROVED, payment_problem="")
    if approved_from:
        claims = claims.filter(case__decided_at__date__gte=approved_from)
    if approved_to:
        claims = claims.filter(case__decided_at__date__lte=approved_to)
    return (claims.exclude(payment_lines__status__in=[LineStatus.PENDING, LineStatus.PAID])
            .select_related("case", "case__applicant", "case__org").order_by("case__decided_at", "pk"))


def plan_year_get(year: str = "") -> PlanYear:
    """The plan year asked for (``year``), else the current one, else the latest."""
    plan_year = (PlanYear.objects.filter(year=int(year)).first() if str(year).isdigit()
                 else PlanYear.objects.filter(starts_on__lte=timezone.localdate()).order_by("-year").first()
                 or PlanYear.objects.order_by("-year").first())
    if plan_year is None:
        raise Http404("尚未设立医疗互助活动年度")
    return plan_year


def plan_years():
    return PlanYear.objects.all()


def product_get(*, plan_year: PlanYear, pk) -> Product | None:
    return Product.objects.filter(plan_year=plan_year, pk=pk or 0).first()


def claim_for(case) -> Claim | None:
    return Claim.objects.filter(case=case).select_related("product__plan_year").first()


def enrolments_of(*, user, worker):
    """A worker's enrolments as staff see them in the worker archive."""
    return Enrolment.objects.visible_to(user, VIEW).filter(worker=worker).select_related("product__plan_year")


def own_enrolments(worker):
    """The worker's own enrolments (on /m/), the latest plan year first."""
    return (Enrolment.objects.filter(worker=worker).select_related("product__plan_year")
            .order_by("-product__plan_year__year", "product__order"))


def invoice_get(*, case, pk) -> ClaimInvoice:
    """An invoice of ``case`` (which the caller already found in the user's scope)."""
    found = ClaimInvoice.objects.filter(claim__case=case, pk=pk or 0).first()
    if found is None:
        raise Http404("发票不存在")
    return found


def batch_lines(batch: PaymentBatch):
    return batch.lines.select_related("claim__case")


def contributions(*, user, plan_year: PlanYear):
    return Contribution.objects.visible_to(user, VIEW).filter(product__plan_year=plan_year)


def contribution_get(*, user, pk) -> Contribution:
    found = Contribution.objects.visible_to(user, VIEW).select_related("enterprise__org", "product__plan_year").filter(
        pk=pk).first()
    if found is None:
        raise Http404("缴费记录不存在或不在您的权限范围内")
    return found


def batches(*, user):
    return PaymentBatch.objects.visible_to(user, PERM_PAY)


def batch_get(*, user, pk) -> PaymentBatch:
    batch = batches(user=user).filter(pk=pk).select_related("org", "created_by", "approved_by").first()
    if batch is None:
        raise Http404("支付批次不存在或不在您的权限范围内")
    return batch


def claimable_products(worker) -> list[str]:
    """The names of the products ``worker`` is enrolled in for a plan year whose claims are still open
    (its claim deadline not passed), in the products' order."""
    today = timezone.localdate()
    names: list[str] = []
    for name in (Enrolment.objects.filter(worker=worker, product__plan_year__claim_deadline__gte=today)
                 .order_by("product__order").values_list("product__name", flat=True)):
        if name not in names:
            names.append(name)
    return names
