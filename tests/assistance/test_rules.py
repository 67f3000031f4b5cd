"""The identification of a needy household and the aid amounts, table-driven from the example rules
(RULES.md: below 低保 deep, below 2× relative, costs above 80% of income or an accident: accidental;
migrants after 12 months of work)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from gonghui.assistance import rules

RULES = SimpleNamespace(deep_multiplier=Decimal("1"), relative_multiplier=Decimal("2"),
                        accident_share=Decimal("0.8"), migrant_months=12)
ON = dt.date(2026, 12, 3)
STANDARD = Decimal("850")


@pytest.mark.parametrize(("income", "medical", "size", "cause", "migrant", "since", "category", "per_capita"), [
    # (24,000 − 6,000) ÷ 12 ÷ 4 = 375: below 850
    ("24000", "6000", 4, "illness", False, None, "deep", "375.00"),
    # exactly 850 is not below 低保: relative (the boundary)
    ("40800", "0", 4, "other", False, None, "relative", "850.00"),
    # one yuan a year less is below it
    ("40799", "0", 4, "other", False, None, "deep", "849.98"),
    # 1,699.99 is below 2 × 850; 1,700 is not
    ("81599.52", "0", 4, "other", False, None, "relative", "1699.99"),
    ("81600", "0", 4, "other", False, None, "none", "1700.00"),
    # above the relative line, but an accident: accidental hardship
    ("90000", "0", 3, "accident", False, None, "accident", "2500.00"),
    # above the line after costs, but costs are 85% of the income: accidental (by costs)
    ("400000", "340000", 2, "illness", False, None, "accident", "2500.00"),
    # a migrant with 11 months of work here: not yet, however poor
    ("12000", "0", 3, "illness", True, dt.date(2026, 1, 4), "none", "333.33"),
    # a migrant with a full year: classified as anyone else
    ("12000", "0", 3, "illness", True, dt.date(2025, 12, 3), "deep", "333.33"),
    # costs above the income: nothing left per person, deep
    ("10000", "20000", 2, "illness", False, None, "deep", "0.00"),
])
def test_classification(income, medical, size, cause, migrant, since, category, per_capita):
    found = rules.classify(income=Decimal(income), medical=Decimal(medical), education=Decimal("0"), size=size,
                           standard=STANDARD, rules=RULES, cause=cause, migrant=migrant, employed_since=since, on=ON)
    assert (found.category, found.per_capita) == (category, Decimal(per_capita))
    assert any("人均月收入" in line for line in found.working)


def test_a_migrant_is_told_how_long_they_have_worked_here():
    found = rules.classify(income=Decimal("12000"), medical=Decimal("0"), education=Decimal("0"), size=3,
                           standard=STANDARD, rules=RULES, migrant=True, employed_since=dt.date(2026, 6, 1), on=ON)
    assert "实际就业6个月，未满12个月" in found.working[-1]


@pytest.mark.parametrize(("kind", "category", "requested", "self_paid", "cap", "already", "amount"), [
    # living aid, deep: at most 12 months of 850 = 10,200
    ("living", "deep", "15000", "0", {"months": "12"}, "0", "10200.00"),
    ("living", "deep", "6000", "0", {"months": "12"}, "0", "6000.00"),
    # relative: 8 months = 6,800, less 2,000 already granted this year
    ("living", "relative", "9000", "0", {"months": "8"}, "2000", "4800.00"),
    # medical, relative: 80% of the self-paid costs, at most 16,000
    ("medical", "relative", "0", "7400", {"share": "0.8", "ceiling": "16000"}, "0", "5920.00"),
    ("medical", "relative", "0", "30000", {"share": "0.8", "ceiling": "16000"}, "0", "16000.00"),
    # medical, deep: the self-paid costs up to 20,000 a year, 15,000 already paid
    ("medical", "deep", "0", "9000", {"ceiling": "20000"}, "15000", "5000.00"),
])
def test_aid_amounts(kind, category, requested, self_paid, cap, already, amount):
    bounds = SimpleNamespace(**{k: Decimal(cap[k]) if k in cap else None for k in ("months", "share", "ceiling")})
    found, working = rules.aid_amount(kind=kind, category=category, standard=STANDARD, requested=Decimal(requested),
                                      self_paid=Decimal(self_paid), cap=bounds, already=Decimal(already))
    assert found == Decimal(amount)
    assert working[-1].endswith(f"{Decimal(amount):,.2f}元")


def test_no_standard_no_aid():
    with pytest.raises(Exception, match="没有生活救助的救助标准"):
        rules.aid_amount(kind="living", category="deep", standard=STANDARD, requested=Decimal("100"),
                         self_paid=Decimal("0"), cap=None)


@pytest.mark.django_db
def test_a_towns_own_standard_comes_before_the_citys(city):
    from gonghui.assistance.models import LivingStandard

    qingyang = city["qingyang"]
    assert rules.standard_for(qingyang, 2026) == Decimal("850")  # the shipped city-wide example
    LivingStandard.objects.create(org=qingyang, year=2026, monthly=Decimal("880"))
    assert rules.standard_for(qingyang, 2026) == Decimal("880")
    assert rules.standard_for(city["meiling"], 2026) == Decimal("850")
    assert rules.standard_for(qingyang, 2027) == Decimal("880")  # a year without its own takes the latest
