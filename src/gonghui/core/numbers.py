"""Numbers as every page, panel and export shows them: thousands separated, money to the fen, and 万元
(ten thousand yuan) where a leader's report uses it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError


def count(value) -> str:
    return f"{int(value or 0):,}"


def money(value) -> str:
    """``320223.96`` → ``320,223.96``."""
    return f"{Decimal(str(value or 0)).quantize(Decimal('0.01')):,}"


def wan(value) -> str:
    """Yuan in 万元, two decimals: ``320223.96`` → ``32.02``."""
    return f"{(Decimal(str(value or 0)) / 10000).quantize(Decimal('0.01')):,}"


MAX_ID = 2**63 - 1


def as_id(value) -> int | None:
    """A row id from a query parameter or form field: a positive integer that fits a 64-bit column, else None
    (a huge number made SQLite raise OverflowError: a 500 instead of "not found")."""
    text = str(value or "").strip()
    if not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def parse_amount(raw, label: str, key: str = "", *, required: bool = True,
                 ceiling: Decimal = Decimal("10000000")) -> Decimal:
    """An amount in yuan typed on a form (``12,000`` or ``12000.5``), to the fen; a blank one is 0 unless
    ``required``; else ValidationError keyed by the field (``key``) and worded by its ``label``."""
    key = key or label
    text = str(raw if raw is not None else "").replace(",", "").replace("，", "").strip()
    if not text:
        if required:
            raise ValidationError({key: f"请填写{label}。"})
        return Decimal("0.00")
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValidationError({key: f"{label}应为金额数字。"}) from None
    if not value.is_finite() or value < 0 or value > ceiling:
        raise ValidationError({key: f"{label}不是有效金额。"})
    return value.quantize(Decimal("0.01"))


def parse_day(raw, label: str, key: str = "", *, required: bool = True, future: bool = False) -> dt.date | None:
    """A date typed on a form (``2026-03-08``, or a date already); a blank one is None unless ``required``;
    a day after today is refused unless ``future``; else ValidationError keyed by ``key``, worded by
    ``label``."""
    from django.utils import timezone

    key = key or label
    if isinstance(raw, dt.date):
        day = raw
    else:
        text = str(raw if raw is not None else "").strip()
        if not text:
            if required:
                raise ValidationError({key: f"请填写{label}。"})
            return None
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise ValidationError({key: f"{label}格式应为 2026-03-08。"}) from None
    if not future and day > timezone.localdate():
        raise ValidationError({key: f"{label}不能晚于今天。"})
    return day
