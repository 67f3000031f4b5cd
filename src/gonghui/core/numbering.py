"""Readable numbers of documents: ``PREFIX-YEAR-000123``, one sequence per prefix and year, gap-free and
safe under concurrency on both databases. Used for cases (``YLHZ-2026-000123``), payment batches
(``ZF-2026-000007``) and every later numbered document.

The counter row is incremented with one ``UPDATE … SET last = last + 1`` inside the caller's
transaction: on PostgreSQL a second caller waits on the row lock until the first commits and then
reads the next value; on SQLite the write lock serialises the callers. If the caller's transaction rolls
back, so does the increment: no number is lost. The first number of a year inserts the row
(``INSERT … ON CONFLICT DO NOTHING``, which waits for a concurrent insert of the same row) and then
increments it like any other.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.db.models import F

from .models import NumberCounter

PREFIX = re.compile(r"[A-Z]{2,8}")


def next_value(prefix: str, year: int) -> int:
    if not PREFIX.fullmatch(prefix):
        raise ValueError(f"a number prefix is 2-8 capital letters, not {prefix!r}")
    counters = NumberCounter.objects.filter(prefix=prefix, year=year)
    with transaction.atomic():
        if not counters.update(last=F("last") + 1):
            NumberCounter.objects.bulk_create([NumberCounter(prefix=prefix, year=year, last=0)],
                                              ignore_conflicts=True)
            counters.update(last=F("last") + 1)
        return counters.values_list("last", flat=True).get()


def next_number(prefix: str, year: int) -> str:
    """The next ``PREFIX-YEAR-000123`` (six digits; a seventh when a year passes 999,999)."""
    return f"{prefix}-{year}-{next_value(prefix, year):06d}"


def reserve(prefix: str, year: int, count: int) -> list[str]:
    """``count`` consecutive numbers at once (a bulk import's): one update of the counter, not one per
    number; the same sequence as ``next_number``, in the caller's transaction."""
    if count <= 0:
        return []
    last = next_value(prefix, year)
    if count > 1:
        NumberCounter.objects.filter(prefix=prefix, year=year).update(last=F("last") + (count - 1))
    return [f"{prefix}-{year}-{value:06d}" for value in range(last, last + count)]
