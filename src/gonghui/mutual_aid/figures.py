"""The plan year in figures (the /dash/ page and its Excel export), limited to the viewer's subtree.

Every figure is a count or a sum straight from the rows (no summary table to drift): the test recounts
them claim by claim.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal

from django.db.models import Count, OuterRef, Subquery, Sum
from django.utils import timezone

from gonghui.cases.models import State
from gonghui.core.spreadsheets import write_xlsx

from .models import Claim, Contribution, Enrolment, PlanYear
from .services.payments import paid_lines

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
    paid = paid_lines(user=user, plan_year=plan_year)

    by_state = dict(claims.values_list("case__state").annotate(n=Count("id")).order_by())
    money = contributions.aggregate(due=Sum("amount_due"), paid=Sum("amount_paid"))
    towns: dict[str, dict] = defaultdict(lambda: {"enrolees": 0, "claims": 0, "paid_count": 0,
                                                  "paid": Decimal("0")})
    for path, n in enrolments.values_list("org__path").annotate(n=Count("id")):
        towns[path[:8]]["enrolees"] += n
    for path, n in claims.values_list("case__org__path").annotate(n=Count("id")):
        towns[path[:8]]["claims"] += n
    for path, n, total in paid.values_list("org__path").annotate(n=Count("id"), s=Sum("amount")):
        towns[path[:8]]["paid_count"] += n
        towns[path[:8]]["paid"] += total
    from gonghui.orgs.models import Org

    names = dict(Org.objects.filter(path__in=list(towns)).values_list("path", "name"))
    paid_months: dict[str, dict] = defaultdict(lambda: {"count": 0, "amount": Decimal("0")})
    stay_months: dict[str, dict] = defaultdict(lambda: {"count": 0, "amount": Decimal("0")})
    days = []
    discharged_on = Subquery(Claim.objects.filter(pk=OuterRef("object_id")).values("discharged_on")[:1])
    for settled_at, amount, submitted_at, discharged in paid.annotate(discharged=discharged_on).values_list(
            "settled_at", "amount", "case__submitted_at", "discharged"):
        key = f"{timezone.localtime(settled_at):%Y-%m}"  # China's months, not UTC's
        paid_months[key]["count"] += 1
        paid_months[key]["amount"] += amount
        if discharged:
            stay = stay_months[f"{discharged:%Y-%m}"]
            stay["count"] += 1
            stay["amount"] += amount
        if submitted_at:
            days.append((settled_at - submitted_at).total_seconds() / 86400)
    diagnoses = Counter(d for d in claims.values_list("case__form__diagnosis", flat=True) if d)
    totals = paid.aggregate(n=Count("id"), s=Sum("amount"))

    def by_month(months):
        return sorted((m, {**v, "amount": _cents(v["amount"])}) for m, v in months.items())

    return {
        "plan_year": plan_year,
        "persons": enrolments.values("worker_id").distinct().count(),
        "enrolments": enrolments.count(),
        "enrolments_by_product": list(enrolments.values_list("product__name").annotate(n=Count("id"))
                                      .order_by("product__order")),
        "contribution_due": _cents(money["due"]),
        "contribution_paid": _cents(money["paid"]),
        "claims": sum(by_state.values()),
        "by_state": [(state_label(s), n) for s, n in sorted(by_state.items(), key=_state_order) if n],
        "paid_count": totals["n"] or 0,
        "paid_amount": _cents(totals["s"]),
        "towns": sorted(({"name": names.get(p, p), **v, "paid": _cents(v["paid"])} for p, v in towns.items()),
                        key=lambda r: -r["paid"]),
        "months_paid": by_month(paid_months),
        "months_stay": by_month(stay_months),
        "average_days": round(sum(days) / len(days), 1) if days else None,
        "top_diagnoses": diagnoses.most_common(10),
    }


def _state_order(item):
    values = list(State.values)
    return values.index(item[0]) if item[0] in values else len(values)


def state_label(state: str) -> str:
    return State(state).label if state in State.values else state


ENROLMENT_LABELS = ("参保人数（人，一人参加多个项目计一人）", "参保人次（人次，按项目计）")


def figures_xlsx(figures: dict) -> bytes:
    average = figures["average_days"]
    rows = [[ENROLMENT_LABELS[0], figures["persons"]], [ENROLMENT_LABELS[1], figures["enrolments"]],
            *[[f"　其中{name}（人次）", n] for name, n in figures["enrolments_by_product"]],
            ["应缴互助金（元）", figures["contribution_due"]],
            ["已缴互助金（元）", figures["contribution_paid"]], ["报销申请（件）", figures["claims"]],
            ["已发放补助（笔）", figures["paid_count"]], ["已发放补助金额（元）", figures["paid_amount"]],
            ["平均办理天数（提交至发放）", average if average is not None else "暂无"],
            [], ["按状态", "件数"], *[[label, n] for label, n in figures["by_state"]],
            [], ["按镇街", "参保人次", "报销申请（件）", "发放笔数", "发放金额（元）"],
            *[[t["name"], t["enrolees"], t["claims"], t["paid_count"], t["paid"]] for t in figures["towns"]],
            [], ["按住院月份（出院）", "发放笔数", "发放金额（元）"],
            *[[month, v["count"], v["amount"]] for month, v in figures["months_stay"]],
            [], ["按发放月份", "发放笔数", "发放金额（元）"],
            *[[month, v["count"], v["amount"]] for month, v in figures["months_paid"]],
            [], ["主要诊断", "件数"], *[[d, n] for d, n in figures["top_diagnoses"]]]
    return write_xlsx([f"{figures['plan_year'].name}医疗互助统计", ""], rows, sheet="医疗互助",
                      widths={0: 36, 1: 14, 2: 14, 3: 12, 4: 16})


def reconciliation_xlsx(data: dict) -> bytes:
    rows = [["已标记发放的报销（笔）", data["claims_count"]], ["核定补助合计（元）", data["claims_total"]],
            ["银行成功支付（笔）", data["bank_count"]], ["银行成功金额合计（元）", data["bank_total"]],
            ["差额（元）", data["claims_total"] - data["bank_total"]],
            [], ["批次（银行文件）", "成功笔数", "成功金额（元）", "来源"],
            *[[b["number"], b["count"], b["amount"], "历史导入" if b["history"] else "网银批次"]
              for b in data["batches"]],
            [], ["差异：办件编号", "问题", "核定补助（元）", "银行金额（元）"],
            *[[d["number"], d["problem"], d["claim"] if d["claim"] is not None else "", d["bank"]]
              for d in data["differences"]]]
    return write_xlsx([f"{data['plan_year'].name}医疗互助对账", ""], rows, sheet="对账",
                      widths={0: 26, 1: 34, 2: 16, 3: 16})


def panel(user, period=None) -> dict:
    """The /dash/ panel: the current plan year's enrolment, claims and payouts in the user's subtree."""
    from django.urls import reverse

    from gonghui.core.numbers import count, wan

    plan_year = (PlanYear.objects.filter(year=timezone.localdate().year).first()
                 or PlanYear.objects.order_by("-year").first())
    if plan_year is None:
        return {"figures": [], "note": "尚未设置活动年度"}
    claims = Claim.objects.visible_to(user, VIEW).filter(product__plan_year=plan_year)
    paid = paid_lines(user=user, plan_year=plan_year).aggregate(n=Count("id"), s=Sum("amount"))
    enrolments = Enrolment.objects.visible_to(user, VIEW).filter(product__plan_year=plan_year)
    url = f"{reverse('mutual_aid_dash:figures')}?year={plan_year.year}"
    return {"note": plan_year.name, "figures": [
        ("参保人数", count(enrolments.values("worker_id").distinct().count()), url),
        ("报销申请（件）", count(claims.count()), url),
        ("已发放（笔）", count(paid["n"]), url),
        ("已发放补助（万元）", wan(paid["s"]), url),
    ]}
