"""The arithmetic of the model workers' benefits, pure and table-tested: a month's honour allowance (pro
rata by the days entitled, a rate change taking effect mid-month) and a hospital claim's subsidy (a share
of the self-paid costs by level, within the yearly cap)."""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from gonghui.core.numbers import money

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Rate:
    level: str
    retired: bool
    monthly: Decimal
    effective_from: dt.date


@dataclass(frozen=True)
class Person:
    level: str
    retired_on: dt.date | None
    died_on: dt.date | None


@dataclass(frozen=True)
class Allowance:
    monthly: Decimal  # the rate of the last day entitled
    days: int
    amount: Decimal
    working: str


def rate_on(rates: list[Rate], level: str, retired: bool, day: dt.date) -> Decimal:
    """The monthly rate for a level and status on a day (the latest that took effect by then; 0 if none)."""
    found = [r for r in rates if r.level == level and r.retired == retired and r.effective_from <= day]
    return max(found, key=lambda r: r.effective_from).monthly if found else Decimal("0")


def allowance(person: Person, month: dt.date, rates: list[Rate]) -> Allowance | None:
    """The honour allowance of ``month`` (its first day): each day at the rate of that day for the person's
    status (working or retired from ``retired_on``), none after the day of death; a full month at one rate is
    the rate itself, a part month the rate × days ÷ days of the month, rounded to the cent once."""
    days_in = monthrange(month.year, month.month)[1]
    spans: list[tuple[Decimal, int]] = []  # (rate, days) in order
    for n in range(days_in):
        day = month + dt.timedelta(days=n)
        if person.died_on and day > person.died_on:
            break
        rate = rate_on(rates, person.level, bool(person.retired_on and person.retired_on <= day), day)
        if rate <= 0:
            continue
        if spans and spans[-1][0] == rate:
            spans[-1] = (rate, spans[-1][1] + 1)
        else:
            spans.append((rate, 1))
    if not spans:
        return None
    days = sum(d for _, d in spans)
    exact = sum((rate * d / days_in for rate, d in spans), Decimal("0"))
    amount = exact.quantize(CENT, rounding=ROUND_HALF_UP)
    if len(spans) == 1 and days == days_in:
        working = f"{money(spans[0][0])}元/月"
    else:
        working = " + ".join(f"{money(rate)}元/月×{d}/{days_in}天" for rate, d in spans) + f" = {money(amount)}元"
    return Allowance(monthly=spans[-1][0], days=days, amount=amount, working=working)


@dataclass(frozen=True)
class SubsidyRuleOf:
    share: Decimal  # percent
    yearly_cap: Decimal
    retired_only: bool


def subsidy(*, self_paid: Decimal, rule: SubsidyRuleOf, already: Decimal) -> tuple[Decimal, list[str]]:
    """What a claim pays: the share of the self-paid costs, no more than what is left of the yearly cap after
    the subsidies already approved that year."""
    share = (self_paid * rule.share / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    left = max(rule.yearly_cap - already, Decimal("0"))
    amount = min(share, left)
    working = [f"自付费用{money(self_paid)}元 × {rule.share.normalize():f}% = {money(share)}元"]
    if already:
        working.append(f"本年度已补助{money(already)}元，封顶{money(rule.yearly_cap)}元，尚可补助{money(left)}元")
    if amount < share:
        working.append(f"按年度封顶核定为{money(amount)}元")
    return amount, working
