"""The figures of legal services on /dash/: consultations, legal-aid cases and mediations of a year (by the
day they were submitted, in China's time), counted straight from the rows in the user's subtree — by town,
by mediation district, by claim and by month; the amounts recovered; the on-time rate of each statutory
clock; the lawyers' workload and rewards; the workers' satisfaction. The test recounts them case by case."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

from django.db.models import Avg, Count, F, Q, Sum
from django.utils import timezone

from gonghui.cases.models import Case, CaseAssignment, CaseClock, Rating
from gonghui.orgs.models import Org

from .models import AgreementPayment, AidClient, ConsultMessage, MessageKind, RewardLine

ITEMS = {"legal_consult": "法律咨询", "legal_aid": "法律援助", "mediation": "劳动争议调解"}
VIEW = "cases.view_case"


def _year_range(year: int) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    return (dt.datetime(year, 1, 1, tzinfo=zone), dt.datetime(year + 1, 1, 1, tzinfo=zone))


def year_cases(*, user, year: int):
    start, end = _year_range(year)
    return Case.objects.visible_to(user).filter(item__code__in=list(ITEMS), submitted_at__gte=start,
                                                submitted_at__lt=end)


def legal_figures(*, user, year: int) -> dict:
    found = year_cases(user=user, year=year)
    rows = list(found.values_list("pk", "item__code", "applicant__org__path", "submitted_at", "form", "result",
                                  "state"))
    counts = Counter(code for _pk, code, *_rest in rows)
    towns: dict[str, Counter] = defaultdict(Counter)
    claims: dict[str, Counter] = defaultdict(Counter)
    months: dict[str, Counter] = defaultdict(Counter)
    districts: Counter = Counter()
    for _pk, code, path, submitted, form, result, _state in rows:
        towns[path[:8]][code] += 1
        claims[(form or {}).get("claim_type") or (form or {}).get("topic") or "未填写"][code] += 1
        months[f"{timezone.localtime(submitted):%Y-%m}"][code] += 1
        if code == "mediation":
            districts[(result or {}).get("district") or "未分片区"] += 1
    names = dict(Org.objects.filter(path__in=list(towns)).values_list("path", "name"))
    ids = [pk for pk, *_rest in rows]
    aid_ids = [pk for pk, code, *_rest in rows if code == "legal_aid"]
    mediation_ids = [pk for pk, code, *_rest in rows if code == "mediation"]
    aid = AidClient.objects.filter(case_id__in=aid_ids).aggregate(
        clients=Count("pk"), claimed=Sum("claimed"), awarded=Sum("awarded"), recovered=Sum("recovered"))
    agreed = AgreementPayment.objects.filter(case_id__in=mediation_ids).aggregate(
        agreed=Sum("amount"), paid=Sum("amount", filter=Q(paid_on__isnull=False)),
        on_time=Count("pk", filter=Q(paid_on__isnull=False, paid_on__lte=F("due_on"))),
        paid_count=Count("pk", filter=Q(paid_on__isnull=False)))
    return {
        "year": year,
        "counts": [(label, counts.get(code, 0)) for code, label in ITEMS.items()],
        "towns": sorted(([names.get(path, path), *[c.get(code, 0) for code in ITEMS]] for path, c in towns.items()),
                        key=lambda r: (-sum(r[1:]), r[0])),
        "claims": sorted(([claim, *[c.get(code, 0) for code in ITEMS]] for claim, c in claims.items()),
                         key=lambda r: (-sum(r[1:]), r[0])),
        "months": sorted([month, *[c.get(code, 0) for code in ITEMS]] for month, c in months.items()),
        "districts": sorted(districts.items(), key=lambda kv: (-kv[1], kv[0])),
        "aid": {k: v or (Decimal("0") if k != "clients" else 0) for k, v in aid.items()},
        "mediation_money": {k: v or (Decimal("0") if k in ("agreed", "paid") else 0) for k, v in agreed.items()},
        "clocks": _clock_rates(ids),
        "lawyers": _lawyers(user, ids, year),
        "satisfaction": _satisfaction(ids),
    }


def _clock_rates(ids: list[int]) -> list[dict]:
    """Per item and clock: how many ran out (finished or overdue), how many of those in time."""
    labels = {(code, key): label for code, key, label in CaseClock.objects.filter(case_id__in=ids).values_list(
        "case__item__code", "key", "label").distinct()}
    today = timezone.localdate()
    out = []
    for (code, key), label in sorted(labels.items(), key=lambda kv: (list(ITEMS).index(kv[0][0]), kv[0][1])):
        clocks = CaseClock.objects.filter(case_id__in=ids, case__item__code=code, key=key)
        finished = clocks.filter(Q(stopped_on__isnull=False) | Q(paused_on__isnull=True, due_on__lt=today))
        total = finished.count()
        late = finished.filter(Q(missed=True) | Q(stopped_on__isnull=True)).count()
        out.append({"item": ITEMS[code], "clock": label, "total": total, "on_time": total - late,
                    "rate": round(100 * (total - late) / total, 1) if total else None})
    return out


def _lawyers(user, ids: list[int], year: int) -> list[dict]:
    start, end = _year_range(year)
    per: dict[int, dict] = {}

    def row(user_id, name):
        return per.setdefault(user_id, {"name": name, "firm": "", "consultations": 0, "answers": 0, "aid_open": 0,
                                        "aid_closed": 0, "rewards": Decimal("0")})

    for user_id, name, firm, code, closed in CaseAssignment.objects.filter(
            case_id__in=ids, status__in=["offered", "accepted"]).values_list(
            "user_id", "user__name", "partner__name", "case__item__code", "case__closed_at"):
        entry = row(user_id, name)
        entry["firm"] = firm or ""
        if code == "legal_consult":
            entry["consultations"] += 1
        elif code == "legal_aid":
            entry["aid_closed" if closed else "aid_open"] += 1
    for user_id, name, n in (ConsultMessage.objects.filter(case_id__in=ids, kind=MessageKind.ANSWER)
                             .values_list("author_id", "author__name").annotate(n=Count("pk"))):
        if user_id:
            row(user_id, name)["answers"] += n
    rewards = RewardLine.objects.visible_to(user, VIEW).filter(created_at__gte=start, created_at__lt=end)
    for user_id, name, total in rewards.values_list("lawyer_id", "lawyer__name").annotate(s=Sum("amount")):
        row(user_id, name)["rewards"] += total or Decimal("0")
    return sorted(per.values(), key=lambda r: (-(r["consultations"] + r["aid_open"] + r["aid_closed"]), r["name"]))


def _satisfaction(ids: list[int]) -> list[dict]:
    out = []
    for code, label in ITEMS.items():
        ratings = Rating.objects.filter(case_id__in=ids, case__item__code=code)
        found = ratings.aggregate(n=Count("pk"), avg=Avg("score"), good=Count("pk", filter=Q(score__gte=4)))
        out.append({"item": label, "count": found["n"], "average": round(found["avg"], 2) if found["avg"] else None,
                    "satisfied": round(100 * found["good"] / found["n"], 1) if found["n"] else None})
    return out


def panel(user, period=None) -> dict:
    """The leaders' home: this year's consultations, aid cases, mediations and the amount recovered."""
    from django.urls import reverse

    from gonghui.core.numbers import count, wan

    year = timezone.localdate().year
    found = year_cases(user=user, year=year)
    by_item = dict(found.values_list("item__code").annotate(n=Count("pk")).order_by())
    recovered = AidClient.objects.filter(case__in=found.filter(item__code="legal_aid")).aggregate(
        s=Sum("recovered"))["s"]
    url = f"{reverse('legal_dash:figures')}?year={year}"
    return {"note": f"{year}年", "figures": [
        ("法律咨询（件）", count(by_item.get("legal_consult", 0)), url),
        ("法律援助（件）", count(by_item.get("legal_aid", 0)), url),
        ("劳动争议调解（件）", count(by_item.get("mediation", 0)), url),
        ("援助追回金额（万元）", wan(recovered), url),
    ]}
