"""Working days on China's official calendar: weekends off, public holidays off, make-up weekend days on.

Deadlines of service items are committed in working days (承诺时限); ``add_working_days`` is what the
case engine uses. The exceptions to Monday–Friday live in ``CalendarDay`` (one indexed range query per
call); a year without data is treated as plain weeks, and ``year_has_calendar`` lets an admin page warn.
"""

from __future__ import annotations

import datetime as dt

from .models import CalendarDay


def _exceptions(start: dt.date, end: dt.date) -> dict[dt.date, str]:
    return dict(CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "kind"))


def exceptions(start: dt.date, end: dt.date) -> dict[dt.date, str]:
    """The days between ``start`` and ``end`` that differ from plain weeks: ``HOLIDAY`` (a public holiday)
    or ``WORKDAY`` (a weekend day worked to make up for one, 调休上班)."""
    return _exceptions(start, end)


def _working(day: dt.date, exceptions: dict[dt.date, str]) -> bool:
    kind = exceptions.get(day)
    if kind == CalendarDay.HOLIDAY:
        return False
    if kind == CalendarDay.WORKDAY:
        return True
    return day.weekday() < 5


def is_working_day(day: dt.date) -> bool:
    return _working(day, _exceptions(day, day))


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The ``days``-th working day after ``start`` (``start`` itself not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    # a generous window: the longest run of days off in China is 9 (Spring Festival)
    horizon = start + dt.timedelta(days=days * 2 + 30)
    exceptions = _exceptions(start, horizon)
    day, counted = start, 0
    while counted < days:
        day += dt.timedelta(days=1)
        if day > horizon:
            horizon = day + dt.timedelta(days=days * 2 + 30)
            exceptions |= _exceptions(day, horizon)
        if _working(day, exceptions):
            counted += 1
    return day


def add_calendar_days(start: dt.date, days: int) -> dt.date:
    """The end of a period of ``days`` calendar days from ``start`` (``start`` itself not counted). A
    period whose last day is a rest day or public holiday ends on the first working day after it (Civil
    Code Art. 203, on the same official calendar)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start + dt.timedelta(days=days)
    exceptions = _exceptions(day, day + dt.timedelta(days=30))
    while not _working(day, exceptions):
        day += dt.timedelta(days=1)
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` <= ``start``)."""
    if end <= start:
        return 0
    exceptions = _exceptions(start, end)
    return sum(_working(start + dt.timedelta(days=i), exceptions) for i in range(1, (end - start).days + 1))


def year_has_calendar(year: int) -> bool:
    return CalendarDay.objects.filter(date__year=year).exists()


def subtract_working_days(end: dt.date, days: int) -> dt.date:
    """The ``days``-th working day before ``end`` (``end`` not counted): from that day on, at most
    ``days`` working days are left until ``end`` (the case engine turns a case amber then)."""
    if days < 0:
        raise ValueError("days must not be negative")
    exceptions = _exceptions(end - dt.timedelta(days=days * 2 + 30), end)
    day, counted = end, 0
    while counted < days:
        day -= dt.timedelta(days=1)
        if _working(day, exceptions):
            counted += 1
    return day
