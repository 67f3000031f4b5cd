"""Numbers as every page, panel and export shows them: thousands separated, money to the fen, and 万元
(ten thousand yuan) where a leader's report uses it."""

from __future__ import annotations

from decimal import Decimal


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
