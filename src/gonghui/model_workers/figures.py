"""The model workers in figures on /dash/ (and its Excel export), counted from the rows in the viewer's
subtree: the register by level, status and managing unit (town or sector); and the benefits of a year with
the people they reached — honour allowances (the year's months paid), hospital-cost subsidies (the claims of
the year's costs paid) and condolence visits (made in the year). The article's three lines are this table."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Sum
from django.shortcuts import render
from django.utils import timezone

from gonghui.core.spreadsheets import write_xlsx
from gonghui.orgs.models import Org
from gonghui.web.downloads import xlsx
from gonghui.web.periods import chosen_year

from .models import AllowanceLine, Level, ModelWorker, Subsidy, Visit
from .selectors import STATUSES

VIEW = "cases.view_case"


def default_year(user) -> int:
    """The latest year with allowances paid (the last complete year's figures), else this year."""
    latest = AllowanceLine.objects.visible_to(user, VIEW).filter(paid_at__isnull=False).aggregate(m=Max("month"))["m"]
    return latest.year if latest else timezone.localdate().year


def figures(*, user, year: int) -> dict:
    today = timezone.localdate()
    people = ModelWorker.objects.visible_to(user, VIEW)
    by_level: dict[str, Counter] = defaultdict(Counter)
    by_unit: dict[int, Counter] = defaultdict(Counter)
    for mw in people.only("level", "retired_on", "died_on", "org_id"):
        status = mw.status_on(today)
        by_level[mw.level][status] += 1
        by_unit[mw.org_id][mw.level] += 1
    units = {o.pk: o for o in Org.objects.filter(pk__in=list(by_unit))}
    mine = people.values("pk")  # benefits are counted by the model worker's managing unit
    allowances = (AllowanceLine.objects.filter(model_worker__in=mine, month__year=year, paid_at__isnull=False)
                  .aggregate(n=Count("model_worker", distinct=True), s=Sum("amount")))
    subsidies = (Subsidy.objects.filter(model_worker__in=mine, year=year, paid_at__isnull=False)
                 .aggregate(n=Count("model_worker", distinct=True), s=Sum("amount")))
    visits = Visit.objects.filter(model_worker__in=mine, visited_on__year=year).aggregate(
        n=Count("pk"), p=Count("model_worker", distinct=True), s=Sum("amount"))
    zero = Decimal("0")
    return {
        "year": year,
        "total": sum(sum(c.values()) for c in by_level.values()),
        "levels": [(label, *[by_level[code].get(s, 0) for s, _l in STATUSES], sum(by_level[code].values()))
                   for code, label in Level.choices],
        "units": sorted(([units[pk].name, units[pk].get_kind_display(),
                          *[c.get(code, 0) for code, _l in Level.choices], sum(c.values())]
                         for pk, c in by_unit.items()), key=lambda r: (-r[-1], r[0])),
        "benefits": [
            ("劳模荣誉津贴", "人", allowances["n"] or 0, allowances["s"] or zero),
            ("劳模医疗补助", "人", subsidies["n"] or 0, subsidies["s"] or zero),
            ("困难、患病劳模慰问", "人次", visits["n"] or 0, visits["s"] or zero),
        ],
    }


def figures_xlsx(f: dict) -> bytes:
    rows = [["一、劳模待遇", "", ""], ["项目", "人数（人次）", "金额（元）"],
            *[[label, f"{n}{unit}", float(amount)] for label, unit, n, amount in f["benefits"]],
            ["", "", ""], ["二、劳模名册（按级别）", "", ""], ["级别", *[s for _c, s in STATUSES], "合计"],
            *[list(r) for r in f["levels"]], ["", "", ""], ["三、按管理单位", "", ""],
            ["管理单位", "类别", *[label for _c, label in Level.choices], "合计"], *[list(r) for r in f["units"]]]
    return write_xlsx([f"{f['year']}年劳模服务统计", "", ""], rows, sheet="劳模服务", widths={0: 26, 1: 16, 2: 16})


@login_required
def page(request):
    if not request.user.has_perm(VIEW):
        raise PermissionDenied("您没有查看统计的权限。")
    year, years = chosen_year(request, default=default_year(request.user), latest=timezone.localdate().year)
    f = figures(user=request.user, year=year)
    if request.GET.get("format") == "xlsx":
        return xlsx(figures_xlsx(f), f"劳模服务统计-{year}.xlsx")
    return render(request, "model_workers/dash.html", {
        "f": f, "years": years, "statuses": [s for _c, s in STATUSES],
        "levels": [label for _c, label in Level.choices]})


def panel(user, period=None) -> dict:
    from django.urls import reverse

    from gonghui.core.numbers import count, wan

    year = default_year(user)
    f = figures(user=user, year=year)
    url = f"{reverse('model_workers_dash:figures')}?year={year}"
    return {"note": f"{year}年", "figures": [
        ("在册劳模（人）", count(f["total"]), url),
        *[(f"{short}（万元·{n}{unit}）", wan(amount), url)
          for short, (_label, unit, n, amount) in zip(("荣誉津贴", "医疗补助", "慰问"), f["benefits"], strict=True)],
    ]}
