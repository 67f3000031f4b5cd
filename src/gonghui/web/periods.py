"""The year a figures page shows, as ``?year=`` asks: a number outside the years the platform has (from
``FIRST_YEAR`` to next year, or ``latest``) is brought inside; anything else gives ``default`` (this year)."""

from __future__ import annotations

from django.utils import timezone

FIRST_YEAR = 2016


def chosen_year(request, *, default: int | None = None, latest: int | None = None) -> tuple[int, list[int]]:
    """``(year, the years to offer, newest first)``."""
    this_year = timezone.localdate().year
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() else (default if default is not None else this_year)
    year = min(max(year, FIRST_YEAR), latest if latest is not None else this_year + 1)
    return year, list(range(this_year, FIRST_YEAR - 1, -1))
