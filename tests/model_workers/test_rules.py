"""The allowance and subsidy arithmetic, table-driven (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gonghui.model_workers import rules

D = dt.date
RATES = [rules.Rate("provincial", True, Decimal("200"), D(2014, 1, 1)),
         rules.Rate("provincial", True, Decimal("250"), D(2026, 7, 16)),  # a raise taking effect mid-month
         rules.Rate("city", True, Decimal("100"), D(2014, 1, 1))]


@pytest.mark.parametrize(("retired_on", "died_on", "month", "amount", "days"), [
    (D(2010, 1, 1), None, D(2026, 3, 1), "200.00", 31),            # a full month at the rate
    (D(2026, 3, 1), None, D(2026, 3, 1), "200.00", 31),            # retired on the first: the whole month
    (D(2026, 3, 16), None, D(2026, 3, 1), "103.23", 16),           # retired mid-month: 200 × 16/31
    (D(2010, 1, 1), D(2026, 4, 10), D(2026, 4, 1), "66.67", 10),   # died on the 10th: 200 × 10/30, that day paid
    (D(2010, 1, 1), None, D(2026, 7, 1), "225.81", 31),            # 200 × 15/31 + 250 × 16/31
    (D(2010, 1, 1), None, D(2026, 8, 1), "250.00", 31),            # the new rate thereafter
    (D(2010, 1, 1), None, D(2024, 2, 1), "200.00", 29),            # a leap February is a full month too
    (D(2026, 7, 20), None, D(2026, 7, 1), "96.77", 12),            # retired after the raise: 250 × 12/31
])
def test_a_months_allowance(retired_on, died_on, month, amount, days):
    found = rules.allowance(rules.Person("provincial", retired_on, died_on), month, RATES)
    assert (found.amount, found.days) == (Decimal(amount), days)


@pytest.mark.parametrize(("retired_on", "died_on", "month"), [
    (None, None, D(2026, 3, 1)),                       # working: no rate for working model workers
    (D(2026, 4, 1), None, D(2026, 3, 1)),              # retires next month
    (D(2010, 1, 1), D(2026, 2, 28), D(2026, 3, 1)),    # died the month before
])
def test_no_allowance(retired_on, died_on, month):
    assert rules.allowance(rules.Person("provincial", retired_on, died_on), month, RATES) is None


def test_the_working_of_a_part_month_is_shown():
    found = rules.allowance(rules.Person("provincial", D(2010, 1, 1), None), D(2026, 7, 1), RATES)
    assert found.working == "200.00元/月×15/31天 + 250.00元/月×16/31天 = 225.81元"
    assert found.monthly == Decimal("250")


@pytest.mark.parametrize(("self_paid", "already", "amount"), [
    ("11875", "0", "9500.00"),       # 80%
    ("20000", "9500", "10500.00"),   # 16,000 by the share, but only 10,500 left of the 20,000 cap
    ("5000", "20000", "0.00"),       # the cap reached
])
def test_a_subsidy_is_a_share_within_the_yearly_cap(self_paid, already, amount):
    rule = rules.SubsidyRuleOf(Decimal("80"), Decimal("20000"), True)
    found, working = rules.subsidy(self_paid=Decimal(self_paid), rule=rule, already=Decimal(already))
    assert found == Decimal(amount)
    assert working[0].startswith(f"自付费用{Decimal(self_paid):,.2f}元 × 80%")
    assert ("按年度封顶核定" in working[-1]) == (Decimal(amount) < Decimal(self_paid) * Decimal("0.8"))
