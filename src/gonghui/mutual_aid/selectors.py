"""Reads of medical mutual aid, already limited to what the user may see (``visible_to``)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from .models import (
    Claim,
    ClaimInvoice,
    Contribution,
    Enrolment,
    LateClaimException,
    PlanYear,
    Product,
)

VIEW = "cases.view_case"


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


def product_or_404(*, plan_year: PlanYear, pk) -> Product:
    found = product_get(plan_year=plan_year, pk=pk)
    if found is None:
        raise Http404("互助项目不存在")
    return found


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


def contributions(*, user, plan_year: PlanYear):
    return Contribution.objects.visible_to(user, VIEW).filter(product__plan_year=plan_year)


def contribution_get(*, user, pk) -> Contribution:
    found = Contribution.objects.visible_to(user, VIEW).select_related("enterprise__org", "product__plan_year").filter(
        pk=pk).first()
    if found is None:
        raise Http404("缴费记录不存在或不在您的权限范围内")
    return found


def _claimable(worker):
    """The products ``worker`` is enrolled in for a plan year whose claims are still open to them: its
    claim deadline not passed, or a late-claim exception granted and not yet used."""
    today = timezone.localdate()
    late = LateClaimException.objects.filter(worker=worker, case__isnull=True).values("plan_year")
    return (Product.objects.filter(Q(plan_year__claim_deadline__gte=today) | Q(plan_year__in=late),
                                   enrolments__worker=worker)
            .select_related("plan_year").order_by("order", "-plan_year__year"))


def claimable_products(worker, kind: str = "") -> list[str]:
    """The names of the products ``worker`` may claim in (``kind``: only those whose rules are of that
    kind, "share" or "fixed"), in the products' order."""
    names: list[str] = []
    for product in _claimable(worker):
        if product.name not in names and (not kind or product.rules.get("kind") == kind):
            names.append(product.name)
    return names


def product_names() -> list[str]:
    """Every product name of every plan year (a name not offered to a worker is refused by the handler,
    saying why)."""
    return list(Product.objects.order_by().values_list("name", flat=True).distinct())


def claimable_conditions(worker) -> list[str]:
    """The listed conditions of the fixed-payout products ``worker`` may claim in (their rules in force
    today, or their year's own)."""
    names: list[str] = []
    today = timezone.localdate()
    for product in _claimable(worker):
        rules, _change = product.rules_on(today) if product.plan_year.covers(today) else (product.rules, None)
        if rules.get("kind") == "fixed":
            names += [c["name"] for c in rules.get("conditions", []) if c["name"] not in names]
    return names


def plan_year_or_none(year) -> PlanYear | None:
    return PlanYear.objects.filter(year=int(year)).first() if str(year).isdigit() else None


def plan_year_by_number(year) -> PlanYear:
    found = plan_year_or_none(year)
    if found is None:
        raise Http404("活动年度不存在")
    return found


def products_with_changes(plan_year: PlanYear):
    return plan_year.products.prefetch_related("rule_changes").annotate(
        enrolled=Count("enrolments", distinct=True))


def valued_claims(product: Product) -> int:
    """Claims already valued by the product's own rules (a rule change must then take a later date)."""
    return Claim.objects.filter(product=product, subsidy__isnull=False).count()


def late_exceptions(plan_year: PlanYear):
    return (LateClaimException.objects.filter(plan_year=plan_year)
            .select_related("worker", "granted_by", "case"))


def history_jobs(user):
    """The user's own imports of past years (their previews and results)."""
    from gonghui.registry.models import ImportJob

    return (ImportJob.objects.filter(actor=user, kind__in=["ma_history_enrolments", "ma_history_claims"])
            .defer("file_enc").order_by("-created_at")[:10])


def reconciliation(*, user, plan_year: PlanYear) -> dict:
    """The year's paid total (claims marked paid) against the bank's results (paid lines, per batch or bank
    file), and every difference: a paid claim with no paid line, a paid line whose claim is not marked paid,
    a line whose amount is not the claim's subsidy."""
    from decimal import Decimal

    from gonghui.payments.models import LineStatus, PaymentLine

    from .services.payments import SOURCE

    claims = Claim.objects.visible_to(user, VIEW).filter(product__plan_year=plan_year)
    lines = PaymentLine.objects.visible_to(user, VIEW).filter(
        source=SOURCE, object_id__in=Claim.objects.filter(product__plan_year=plan_year).values("pk"),
        status=LineStatus.PAID)
    paid_claims = claims.filter(paid_at__isnull=False)
    claimed = {pk: (number, subsidy) for pk, number, subsidy in
               paid_claims.values_list("pk", "case__number", "subsidy")}
    per_batch: dict[int, dict] = {}
    paid_lines: dict[int, Decimal] = {}
    for batch_pk, number, history, claim_pk, amount in lines.values_list(
            "batch_id", "batch__number", "batch__history", "object_id", "amount"):
        row = per_batch.setdefault(batch_pk, {"number": number, "history": history, "count": 0,
                                              "amount": Decimal("0")})
        row["count"] += 1
        row["amount"] += amount
        paid_lines[claim_pk] = paid_lines.get(claim_pk, Decimal("0")) + amount
    differences = []
    for pk, (number, subsidy) in sorted(claimed.items(), key=lambda kv: kv[1][0]):
        if pk not in paid_lines:
            differences.append({"number": number, "problem": "已标记发放，但没有银行成功记录",
                                "claim": subsidy, "bank": Decimal("0")})
        elif paid_lines[pk] != subsidy:
            differences.append({"number": number, "problem": "银行成功金额与核定补助不一致",
                                "claim": subsidy, "bank": paid_lines[pk]})
    unmarked = set(paid_lines) - set(claimed)
    for pk, number in claims.filter(pk__in=unmarked).values_list("pk", "case__number"):
        differences.append({"number": number, "problem": "银行已成功支付，但报销未标记发放", "claim": None,
                            "bank": paid_lines[pk]})
    claims_total = sum((s for _, s in claimed.values() if s is not None), Decimal("0"))
    bank_total = sum((b["amount"] for b in per_batch.values()), Decimal("0"))
    return {"plan_year": plan_year, "claims_count": len(claimed), "claims_total": claims_total,
            "bank_count": sum(b["count"] for b in per_batch.values()), "bank_total": bank_total,
            "batches": sorted(per_batch.values(), key=lambda b: b["number"]), "differences": differences,
            "balanced": not differences and claims_total == bank_total}
