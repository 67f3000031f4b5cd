"""The plan year in figures (the /dash/ page and its Excel export), limited to the viewer's subtree.

Every figure is a count or a sum straight from the rows (no summary table to drift): the test recounts
them claim by claim.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal

from django.db.models import Count, Sum

from gonghui.cases.models import State
from gonghui.core.spreadsheets import write_xlsx

from .models import Claim, Contribution, Enrolment, LineStatus, PaymentLine, PlanYear

VIEW = "cases.view_case"


def _cents(value) -> Decimal:
    """SQLite sums decimals as floats: bring every money figure back to the fen."""
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def plan_year_figures(*, user, plan_year: PlanYear) -> dict:
    claims = Claim.objects.visible_to(user, VIEW).filter(product__plan_year=plan_year)
    enrolments = Enrolment.objects.visible_to(user, VIEW).filter(product__plan_year=plan_year)
    contributions = Contribution.objects.visible_to(user, VIEW).filter(product__plan_year=plan_year)
    # scoped by a join from the year's own rows to the case's organisation (its path in the subtree), not
    # by an IN over every case of the city: the bench showed the difference
    paid = PaymentLine.objects.visible_to(user, VIEW).filter(status=LineStatus.PAID,
                                                             claim__product__plan_year=plan_year)

    by_state = dict(claims.values_list("case__state").annotate(n=Count("id")))
    money = contributions.aggregate(due=Sum("amount_due"), paid=Sum("amount_paid"))
    towns: dict[str, dict] = defaultdict(lambda: {"enrolees": 0, "claims": 0, "paid_count": 0,
                                                  "paid": Decimal("0")})
    for path, n in enrolments.values_list("org__path").annotate(n=Count("id")):
        towns[path[:8]]["enrolees"] += n
    for path, n in claims.values_list("case__org__path").annotate(n=Count("id")):
        towns[path[:8]]["claims"] += n
    for path, n, total in paid.values_list("claim__case__org__path").annotate(n=Count("id"), s=Sum("amount")):
        towns[path[:8]]["paid_count"] += n
        towns[path[:8]]["paid"] += total
    from gonghui.orgs.models import Org

    names = dict(Org.objects.filter(path__in=list(towns)).values_list("path", "name"))
    months: dict[str, dict] = defaultdict(lambda: {"count": 0, "amount": Decimal("0")})
    days = []
    for settled_at, amount, submitted_at in paid.values_list("settled_at", "amount", "claim__case__submitted_at"):
        key = f"{settled_at:%Y-%m}"
        months[key]["count"] += 1
        months[key]["amount"] += amount
        if submitted_at:
            days.append((settled_at - submitted_at).total_seconds() / 86400)
    diagnoses = Counter(d for d in claims.values_list("case__form__diagnosis", flat=True) if d)
    totals = paid.aggregate(n=Count("id"), s=Sum("amount"))
    return {
        "plan_year": plan_year,
        "enrolees": enrolments.count(),
        "enrolees_by_product": list(enrolments.values_list("product__name").annotate(n=Count("id"))
                                    .order_by("product__order")),
        "contribution_due": _cents(money["due"]),
        "contribution_paid": _cents(money["paid"]),
        "claims": sum(by_state.values()),
        "by_state": [(State(s).label, by_state.get(s, 0)) for s in State.values if by_state.get(s)],
        "paid_count": totals["n"] or 0,
        "paid_amount": _cents(totals["s"]),
        "towns": sorted(({"name": names.get(p, p), **v, "paid": _cents(v["paid"])} for p, v in towns.items()),
                        key=lambda r: -r["paid"]),
        "months": sorted((m, {**v, "amount": _cents(v["amount"])}) for m, v in months.items()),
        "average_days": round(sum(days) / len(days), 1) if days else None,
        "top_diagnoses": diagnoses.most_common(10),
    }


def figures_xlsx(figures: dict) -> bytes:
    rows = [["参保人数", figures["enrolees"]], ["应缴互助金（元）", figures["contribution_due"]],
            ["已缴互助金（元）", figures["contribution_paid"]], ["报销申请（件）", figures["claims"]],
            ["已发放补助（笔）", figures["paid_count"]], ["已发放补助金额（元）", figures["paid_amount"]],
            ["平均办理天数（提交至发放）", figures["average_days"] if figures["average_days"] is not None else "—"],
            [], ["按状态", ""], *[[label, n] for label, n in figures["by_state"]],
            [], ["按镇街", "参保人数", "报销申请", "发放笔数", "发放金额（元）"],
            *[[t["name"], t["enrolees"], t["claims"], t["paid_count"], t["paid"]] for t in figures["towns"]],
            [], ["按月", "发放笔数", "发放金额（元）"],
            *[[month, v["count"], v["amount"]] for month, v in figures["months"]],
            [], ["主要诊断", "件数"], *[[d, n] for d, n in figures["top_diagnoses"]]]
    return write_xlsx([f"{figures['plan_year'].name}医疗互助统计", ""], rows, sheet="医疗互助",
                      widths={0: 30, 1: 14, 2: 12, 3: 12, 4: 16})


def panel(user, period=None) -> dict:
    """The /dash/ panel: the current plan year's enrolment, claims and payouts in the user's subtree."""
    from django.urls import reverse
    from django.utils import timezone

    from gonghui.core.numbers import count, wan

    plan_year = (PlanYear.objects.filter(year=timezone.localdate().year).first()
                 or PlanYear.objects.order_by("-year").first())
    if plan_year is None:
        return {"figures": [], "note": "尚未设置活动年度"}
    claims = Claim.objects.visible_to(user, VIEW).filter(product__plan_year=plan_year)
    paid = PaymentLine.objects.visible_to(user, VIEW).filter(
        status=LineStatus.PAID, claim__product__plan_year=plan_year).aggregate(n=Count("id"), s=Sum("amount"))
    enrolees = Enrolment.objects.visible_to(user, VIEW).filter(product__plan_year=plan_year).count()
    url = f"{reverse('mutual_aid_dash:figures')}?year={plan_year.year}"
    return {"note": plan_year.name, "figures": [
        ("参保人次", count(enrolees), url),
        ("报销申请（件）", count(claims.count()), url),
        ("已发放（笔）", count(paid["n"]), url),
        ("已发放补助（万元）", wan(paid["s"]), url),
    ]}
