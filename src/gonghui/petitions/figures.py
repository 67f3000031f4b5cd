"""The figures of petitions and the hotline on /dash/, for a year (by the day each was registered, China's
time), counted from the rows of the user's subtree (the handling union's: an accusation is never counted
for the union it accuses): volume by channel, type, town and month; group visits; repeats; the on-time rate
of each clock; call-back satisfaction; the share resolved at the first level. The test recounts them."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from django.db.models import Count
from django.utils import timezone

from gonghui.cases.models import Case, CaseClock
from gonghui.core import audit
from gonghui.orgs.models import Org

from .handler import FINAL, REPLIED, REVIEWED
from .models import Channel, Kind, Petition, Satisfaction
from .services import ITEMS


def _year_range(year: int) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    return dt.datetime(year, 1, 1, tzinfo=zone), dt.datetime(year + 1, 1, 1, tzinfo=zone)


def year_petitions(*, user, year: int):
    start, end = _year_range(year)
    return Petition.objects.filter(case__in=Case.objects.visible_to(user).filter(
        item__code__in=ITEMS, submitted_at__gte=start, submitted_at__lt=end))


def _rate(done: int, total: int) -> str:
    return f"{done * 100 / total:.1f}%" if total else "—"


def petition_figures(*, user, year: int) -> dict:
    rows = list(year_petitions(user=user, year=year).values_list(
        "case_id", "case__item__code", "channel", "kind", "registered_org__path", "case__submitted_at", "people",
        "repeat_of_id", "satisfaction", "case__state", "level"))
    channels, kinds, months = Counter(), Counter(), Counter()
    towns: dict[str, Counter] = defaultdict(Counter)
    for _pk, code, channel, kind, path, submitted, *_rest in rows:
        channels[channel] += 1
        kinds[kind] += 1
        months[f"{timezone.localtime(submitted):%Y-%m}"] += 1
        towns[path[:2 * Org.steplen]][code] += 1
    names = dict(Org.objects.filter(path__in=list(towns)).values_list("path", "name"))
    groups = [r for r in rows if r[6] >= 5]
    ids = [r[0] for r in rows]
    on_time = []
    today = timezone.localdate()
    for key, label in (("notice", "告知是否受理（15日）"), ("handle", "办理（60日）"), ("review", "复查（30日）"),
                       ("rereview", "复核（30日）"), ("ordinary", "热线一般（3个工作日）"),
                       ("difficult", "热线疑难（13个工作日）"), ("complex", "热线复杂（30个工作日）"),
                       ("callback", "热线回访（1个工作日）")):
        clocks = list(CaseClock.objects.filter(case_id__in=ids, key=key).values_list("stopped_on", "due_on", "missed"))
        ended = [c for c in clocks if c[0] is not None or c[1] < today]  # finished, or already past its date
        late = sum(1 for stopped, due, missed in ended if missed or (stopped or today) > due)
        if clocks:
            on_time.append((label, len(ended), len(ended) - late, _rate(len(ended) - late, len(ended))))
    callbacks = Counter(r[8] for r in rows if r[8])
    concluded = [r for r in rows if r[1] == "petition" and r[9] in (REPLIED, REVIEWED, FINAL)]
    first_level = sum(1 for r in concluded if r[9] == REPLIED)
    satisfied = callbacks.get(Satisfaction.SATISFIED, 0) + callbacks.get(Satisfaction.FAIR, 0)
    reached = sum(n for k, n in callbacks.items() if k != Satisfaction.UNREACHED)
    return {
        "year": year, "total": len(rows),
        "petitions": sum(1 for r in rows if r[1] == "petition"), "orders": sum(1 for r in rows if r[1] == "hotline"),
        "by_channel": [(Channel(k).label, n) for k, n in channels.most_common()],
        "by_kind": [(Kind(k).label, n) for k, n in kinds.most_common()],
        "by_month": sorted(months.items()),
        "by_town": sorted(((names.get(p, p), c["petition"], c["hotline"]) for p, c in towns.items()),
                          key=lambda r: -(r[1] + r[2])),
        "groups": len(groups), "group_people": sum(r[6] for r in groups),
        "repeats": sum(1 for r in rows if r[7]),
        "on_time": on_time,
        "callbacks": [(Satisfaction(k).label, n) for k, n in callbacks.most_common()],
        "satisfaction": _rate(satisfied, reached),
        "concluded": len(concluded), "first_level": first_level, "first_level_rate": _rate(first_level, len(concluded)),
    }


def panel(user, period=None) -> dict:
    """The leaders' home: this year's petitions and hotline orders, the on-time rate of handling."""
    from django.urls import reverse

    from gonghui.core.numbers import count

    year = timezone.localdate().year
    found = year_petitions(user=user, year=year)
    by_item = dict(found.values_list("case__item__code").annotate(n=Count("pk")).order_by())
    f = petition_figures(user=user, year=year)
    handle = next((r[3] for r in f["on_time"] if r[0].startswith("办理")), "—")
    url = f"{reverse('petitions_dash:figures')}?year={year}"
    return {"note": f"{year}年", "figures": [
        ("信访事项（件）", count(by_item.get("petition", 0)), url),
        ("12351热线工单（件）", count(by_item.get("hotline", 0)), url),
        ("按期办结率", handle, url),
        ("首次办理化解率", f["first_level_rate"], url),
    ]}


def supervision_export(*, actor, cases) -> bytes:
    """The routed cases under supervision as an .xlsx: the petitioner masked whoever exports (audited)."""
    from gonghui.cases.services import applicant_labels
    from gonghui.core.spreadsheets import write_xlsx

    rows = [[c.number, c.item.name, c.applicant_label, c.org.name, c.state_label,
             c.due_on.isoformat() if c.due_on else "", "是" if c.missed_deadline else "",
             len(c.supervisions.all())] for c in applicant_labels(cases, actor, "export")]
    audit.record(actor=actor, action="petitions.supervision_export", object_type="cases.case",
                 summary=f"导出信访督办清单{len(rows)}件")
    return write_xlsx(["办件编号", "事项", "信访人", "承办单位", "状态", "到期日", "曾超期", "督办次数"], rows,
                      sheet="信访督办", widths={0: 20, 1: 16, 3: 22})
