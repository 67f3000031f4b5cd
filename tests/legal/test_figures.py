"""The figures of legal services equal a recount of the cases, one by one (the demo's consultations, aid
cases in every stage, duty half-days and mediations in every district), and the API gives each kind of
case with its clocks."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
from django.utils import timezone

from gonghui.cases.models import Case, CaseClock, Rating
from gonghui.legal.figures import ITEMS, legal_figures
from gonghui.legal.models import AgreementPayment, AidClient, RewardLine

pytestmark = pytest.mark.django_db


@pytest.fixture
def legal_demo(registry, staff):
    from gonghui.cases.demo_data import build_cases
    from gonghui.legal.demo_data import build_legal

    build_cases()
    made = build_legal()
    assert made["cases"] and made["mediations"] == 7
    for n, case in enumerate(Case.objects.filter(item__code__in=list(ITEMS), closed_at__isnull=False)[:6]):
        Rating.objects.create(case=case, score=[5, 4, 2, 5, 3, 1][n])
    return made


def test_the_figures_equal_a_recount(legal_demo, staff, login):
    user = staff["city_staff"]
    year = timezone.localdate().year
    f = legal_figures(user=user, year=year)
    cases = [c for c in Case.objects.select_related("item", "applicant__org") if c.item.code in ITEMS
             and c.submitted_at and timezone.localtime(c.submitted_at).year == year]
    by_item = Counter(c.item.code for c in cases)
    assert f["counts"] == [(label, by_item[code]) for code, label in ITEMS.items()]
    assert sum(sum(row[1:]) for row in f["towns"]) == len(cases) == sum(sum(row[1:]) for row in f["claims"])
    towns = Counter((c.applicant.org.path[:8], c.item.code) for c in cases)
    from gonghui.orgs.models import Org

    for row in f["towns"]:
        path = Org.objects.get(name=row[0], depth=2).path
        assert row[1:] == [towns[(path, code)] for code in ITEMS]
    assert dict(f["districts"]) == dict(Counter(c.result.get("district") for c in cases if c.item.code == "mediation"))
    clients = [a for a in AidClient.objects.all() if a.case in cases]
    assert f["aid"]["clients"] == len(clients)
    assert f["aid"]["recovered"] == sum((a.recovered or Decimal("0") for a in clients), Decimal("0")) > 0
    assert f["mediation_money"]["agreed"] == sum(p.amount for p in AgreementPayment.objects.all())
    assert len(f["clocks"]) >= 5 and any(rate["total"] for rate in f["clocks"])
    for rate in f["clocks"]:
        code = next(k for k, v in ITEMS.items() if v == rate["item"])
        clocks = [c for c in CaseClock.objects.filter(case__item__code=code, label=rate["clock"])
                  if c.case in cases]
        today = timezone.localdate()
        ended = [c for c in clocks if c.stopped_on or (c.paused_on is None and c.due_on < today)]
        assert rate["total"] == len(ended)
        assert rate["on_time"] == sum(1 for c in ended if c.stopped_on and not c.missed)
    lawyers = {row["name"]: row for row in f["lawyers"]}
    rewards = Counter()
    for reward in RewardLine.objects.select_related("lawyer"):
        rewards[reward.lawyer.name] += reward.amount
    assert {n: r["rewards"] for n, r in lawyers.items() if r["rewards"]} == dict(rewards)
    consults = Counter(c.assignments.get().user.name for c in cases if c.item.code == "legal_consult")
    assert consults and rewards
    assert {n: r["consultations"] for n, r in lawyers.items() if r["consultations"]} == dict(consults)
    rated = [r for r in Rating.objects.select_related("case__item") if r.case in cases]
    satisfaction = {s["item"]: s for s in f["satisfaction"]}
    for code, label in ITEMS.items():
        mine = [r.score for r in rated if r.case.item.code == code]
        assert satisfaction[label]["count"] == len(mine)
    # the page shows the same figures; a town sees none of the city's legal services
    page = login("city_staff").get(f"/dash/legal/?year={year}").content.decode()
    assert f'data-testid="count-2">{by_item["legal_aid"]}<' in page
    assert login("qingyang_staff").get("/dash/legal/").status_code == 200
    assert legal_figures(user=staff["qingyang_staff"], year=year)["counts"] == [(label, 0) for label in ITEMS.values()]
    home = login("city_staff").get("/dash/").content.decode()
    assert "法律服务" in home and "援助追回金额（万元）" in home
