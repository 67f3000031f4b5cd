"""The figures of the needy-worker programmes on /dash/, counted straight from the rows in the user's
subtree: households on file by category and town; files entered and left in the year; aid paid by
programme, town and month (the paid lines of the shared batches, and the festival cash handed over);
Golden Autumn students by tier; objections to the notices and their outcomes. The test recounts them."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.shortcuts import render
from django.utils import timezone

from gonghui.notices.models import Objection
from gonghui.orgs.models import Org
from gonghui.payments.models import LineStatus, PaymentLine
from gonghui.web.periods import chosen_year

from .models import AUTUMN_ITEM, FILE_ITEM, Award, Category, FestivalVisit, FileStatus, HardshipFile, Programme
from .payments import SOURCE

VIEW = "cases.view_case"
CATEGORIES = [c for c in Category.choices if c[0] != Category.NONE]
PROGRAMMES = [*Programme.choices, ("festival", "送温暖慰问金")]


def _town(path: str) -> str:
    return path[:8]


def figures(*, user, year: int) -> dict:
    files = HardshipFile.objects.visible_to(user, VIEW)
    on_file = Counter()
    towns: dict[str, Counter] = defaultdict(Counter)
    for path, category in files.filter(status=FileStatus.ON_FILE).values_list("org__path", "category"):
        on_file[category] += 1
        towns[_town(path)][category] += 1
    entered = files.filter(approved_on__year=year).count()
    left = Counter(dict(files.filter(closed_on__year=year, status__in=[FileStatus.EXITED, FileStatus.LAPSED])
                        .values_list("status").annotate(n=Count("pk")).order_by()))
    paid: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    lines = (PaymentLine.objects.visible_to(user, VIEW).filter(source=SOURCE, status=LineStatus.PAID,
                                                               settled_at__year=year)
             .values_list("object_id", "org__path", "settled_at", "amount"))
    rows = list(lines)
    programme_of = dict(Award.objects.filter(pk__in=[r[0] for r in rows]).values_list("pk", "programme"))
    for object_id, path, settled, amount in rows:
        paid[(programme_of.get(object_id, ""), _town(path), f"{timezone.localtime(settled):%Y-%m}")] += amount
    for path, day, cash in (FestivalVisit.objects.visible_to(user, VIEW)
                            .filter(visited_on__year=year, cash__isnull=False)
                            .values_list("file__org__path", "visited_on", "cash")):
        paid[("festival", _town(path), f"{day:%Y-%m}")] += cash
    by_programme: Counter = Counter()
    by_town: dict[str, Counter] = defaultdict(Counter)
    by_month: dict[str, Counter] = defaultdict(Counter)
    for (programme, town, month), amount in paid.items():
        by_programme[programme] += amount
        by_town[town][programme] += amount
        by_month[month][programme] += amount
    tiers = (Award.objects.visible_to(user, VIEW).filter(programme=Programme.GOLDEN_AUTUMN, year=year)
             .values_list("kind_label").annotate(n=Count("pk"), s=Sum("amount")).order_by("kind_label"))
    objections = Counter(dict(Objection.objects.filter(
        notice__in=_notices(user), notice__published_on__year=year).values_list("state").annotate(
        n=Count("pk")).order_by()))
    paths = set(towns) | set(by_town)
    names = dict(Org.objects.filter(path__in=list(paths)).values_list("path", "name"))
    return {
        "year": year,
        "on_file": [(label, on_file.get(code, 0)) for code, label in CATEGORIES],
        "on_file_total": sum(on_file.values()),
        "towns": sorted(([names.get(p, p), *[c.get(code, 0) for code, _l in CATEGORIES], sum(c.values())]
                         for p, c in towns.items()), key=lambda r: (-r[-1], r[0])),
        "entered": entered, "exited": left.get(FileStatus.EXITED, 0), "lapsed": left.get(FileStatus.LAPSED, 0),
        "paid": [(label, by_programme.get(code, Decimal("0"))) for code, label in PROGRAMMES],
        "paid_total": sum(by_programme.values(), Decimal("0")),
        "paid_towns": sorted(([names.get(p, p), *[c.get(code, Decimal("0")) for code, _l in PROGRAMMES]]
                              for p, c in by_town.items()), key=lambda r: r[0]),
        "paid_months": sorted([m, *[c.get(code, Decimal("0")) for code, _l in PROGRAMMES]]
                              for m, c in by_month.items()),
        "tiers": [(label, n, s) for label, n, s in tiers],
        "objections": [(label, objections.get(code, 0)) for code, label in Objection._meta.get_field("state").choices],
        "objections_total": sum(objections.values()),
    }


def _notices(user):
    from gonghui.notices.models import PublicNotice

    return PublicNotice.objects.visible_to(user, VIEW).filter(source__in=[FILE_ITEM, AUTUMN_ITEM]).values("pk")


@login_required
def page(request):
    if not request.user.has_perm(VIEW):
        raise PermissionDenied("您没有查看统计的权限。")
    year, years = chosen_year(request)
    return render(request, "assistance/dash.html", {
        "f": figures(user=request.user, year=year), "years": years,
        "categories": [label for _c, label in CATEGORIES], "programmes": [label for _c, label in PROGRAMMES]})


def panel(user, period=None) -> dict:
    from django.urls import reverse

    from gonghui.core.numbers import count, wan

    year = timezone.localdate().year
    f = figures(user=user, year=year)
    url = f"{reverse('assistance_dash:figures')}?year={year}"
    return {"note": f"{year}年", "figures": [
        ("在档困难职工（户）", count(f["on_file_total"]), url),
        ("本年新建档（户）", count(f["entered"]), url),
        ("救助金发放（万元）", wan(f["paid_total"]), url),
        ("金秋助学（人）", count(sum(n for _l, n, _s in f["tiers"])), url),
    ]}
