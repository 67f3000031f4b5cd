"""The identification of a needy household and the amounts of aid, from the rules of the year and place
(HardshipRules, LivingStandard, AidCap — data, with shipped examples from RULES.md).

    per person per month = (household yearly income − unavoidable medical and education costs) ÷ 12 ÷ size
    below 低保 × deep multiplier (1)          → deep hardship
    below 低保 × relative multiplier (2)      → relative hardship
    an accident or disaster, or unavoidable costs above 80% of income → accidental hardship
    a migrant worker employed here less than 12 months → not eligible (yet)

``classify`` is a pure function (tested table-driven); the lookups find the figures of a town and year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q

from gonghui.core.numbers import money

from .models import ACCIDENTAL_CAUSES, AidCap, AidKind, Category, HardshipRules, LivingStandard

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Classification:
    category: str
    per_capita: Decimal
    working: list[str] = field(default_factory=list)


def plain(value: Decimal) -> str:
    """1.00 → 1, 0.80 → 0.8, 12.0 → 12: a multiplier or a number of months as people write it."""
    text = f"{Decimal(value).normalize():f}"
    return text


def months_between(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


def classify(*, income: Decimal, medical: Decimal, education: Decimal, size: int, standard: Decimal,
             rules, cause: str = "", migrant: bool = False, employed_since: dt.date | None = None,
             on: dt.date) -> Classification:
    if size < 1:
        raise ValidationError("请先填写家庭成员（至少包括申请人本人）。")
    costs = medical + education
    per_capita = max((income - costs) / 12 / size, Decimal("0")).quantize(CENT, ROUND_HALF_UP)
    working = [
        f"家庭年收入{money(income)}元，医疗、教育刚性支出{money(costs)}元，{size}口人：",
        f"人均月收入 =（{money(income)} − {money(costs)}）÷ 12 ÷ {size} = {money(per_capita)}元",
        f"当地低保标准{money(standard)}元/人·月",
    ]
    if migrant:
        months = months_between(employed_since, on) if employed_since else 0
        if months < rules.migrant_months:
            working.append(f"外来务工职工在本市实际就业{months}个月，未满{rules.migrant_months}个月，暂不符合建档条件")
            return Classification(Category.NONE, per_capita, working)
    deep_line = (standard * rules.deep_multiplier).quantize(CENT)
    relative_line = (standard * rules.relative_multiplier).quantize(CENT)
    if per_capita < deep_line:
        working.append(f"低于低保标准×{plain(rules.deep_multiplier)}（{money(deep_line)}元）：深度困难")
        return Classification(Category.DEEP, per_capita, working)
    if per_capita < relative_line:
        working.append(f"不低于{money(deep_line)}元、低于低保标准×{plain(rules.relative_multiplier)}"
                       f"（{money(relative_line)}元）：相对困难")
        return Classification(Category.RELATIVE, per_capita, working)
    heavy = income > 0 and costs > income * rules.accident_share
    if cause in ACCIDENTAL_CAUSES or heavy or (income <= 0 and costs > 0):
        why = "因意外事故或自然灾害致困" if cause in ACCIDENTAL_CAUSES else \
            f"刚性支出超过家庭年收入的{plain(rules.accident_share * 100)}%"
        working.append(f"人均收入不低于{money(relative_line)}元，但{why}：意外致困")
        return Classification(Category.ACCIDENT, per_capita, working)
    working.append(f"人均月收入不低于{money(relative_line)}元，且无意外致困情形：不符合困难职工认定条件")
    return Classification(Category.NONE, per_capita, working)


def rules_for(year: int) -> HardshipRules:
    """The year's rules; a year without its own takes the latest earlier one."""
    found = HardshipRules.objects.filter(year__lte=year).order_by("-year").first() or \
        HardshipRules.objects.order_by("year").first()
    if found is None:
        raise ValidationError("尚未设置困难职工认定规则，请联系总工会管理员。")
    return found


def standard_for(org, year: int) -> Decimal:
    """The 低保 of the organisation's town (or the nearest level above it that has one, or the city-wide
    standard) in the year, or the latest earlier year that has one."""
    paths = [org.path[:i] for i in range(len(org.path), 0, -org.steplen)]
    rows = list(LivingStandard.objects.filter(Q(org__path__in=paths) | Q(org__isnull=True), year__lte=year)
                .select_related("org"))
    if not rows:
        raise ValidationError("尚未设置当地低保标准，请联系总工会管理员。")
    best = max(rows, key=lambda r: (r.year, len(r.org.path) if r.org_id else 0))
    return best.monthly


def cap_for(*, year: int, kind: str, category: str) -> AidCap | None:
    return (AidCap.objects.filter(year__lte=year, kind=kind, category=category).order_by("-year").first())


def aid_amount(*, kind: str, category: str, standard: Decimal, requested: Decimal, self_paid: Decimal,
               cap: AidCap | None, already: Decimal = Decimal("0")) -> tuple[Decimal, list[str]]:
    """The aid: what was asked (for medical aid: the self-paid costs), limited by every bound of the cap;
    the yearly bounds (months of 低保, the ceiling) less what the household already got of this kind."""
    label = AidKind(kind).label
    if cap is None:
        raise ValidationError(f"{Category(category).label}家庭没有{label}的救助标准，不能核准。")
    base = self_paid if kind == AidKind.MEDICAL else requested
    amount = base
    working = [f"{'自付医疗费用' if kind == AidKind.MEDICAL else '申请金额'}{money(base)}元"]
    if cap.share is not None:
        share = (base * cap.share).quantize(CENT, ROUND_HALF_UP)
        working.append(f"按自付费用的{plain(cap.share * 100)}%：{money(share)}元")
        amount = min(amount, share)
    less = f"，减去本年度已获{money(already)}元" if already else ""
    if cap.months is not None:
        by_months = (standard * cap.months).quantize(CENT, ROUND_HALF_UP)
        working.append(f"每年不超过{plain(cap.months)}个月低保标准：{money(by_months)}元{less}")
        amount = min(amount, by_months - already)
    if cap.ceiling is not None:
        working.append(f"年度上限{money(cap.ceiling)}元{less}")
        amount = min(amount, cap.ceiling - already)
    amount = max(amount, Decimal("0")).quantize(CENT)
    working.append(f"核准{label}{money(amount)}元")
    return amount, working
