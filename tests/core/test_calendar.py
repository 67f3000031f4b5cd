"""Working days on the official calendar (承诺时限 are counted in them)."""

import datetime as dt

import pytest

from gonghui.core import calendar
from gonghui.core.models import CalendarDay

D = dt.date.fromisoformat


@pytest.mark.parametrize("start, days, expected", [
    ("2026-11-27", 1, "2026-11-30"),   # Friday + 1 → Monday: an ordinary weekend
    ("2026-02-13", 1, "2026-02-14"),   # Saturday 14 Feb 2026 is worked before the Spring Festival
    ("2026-02-14", 1, "2026-02-24"),   # 15–23 Feb off: the next working day is Tuesday the 24th
    ("2026-02-27", 1, "2026-02-28"),   # Saturday 28 Feb is worked too
    ("2025-09-30", 1, "2025-10-09"),   # National Day and Mid-Autumn: 1–8 Oct 2025 off
    ("2025-09-26", 1, "2025-09-28"),   # Sunday 28 Sep 2025 is worked
    ("2026-04-30", 3, "2026-05-08"),   # Labour Day 1–5 May 2026: 6, 7, 8 May
    ("2026-12-30", 2, "2027-01-01"),   # 2027 not yet published: plain weeks
    ("2026-03-02", 0, "2026-03-02"),
])
def test_adding_working_days(db, start, days, expected):
    assert calendar.add_working_days(D(start), days) == D(expected)


def test_a_long_time_limit_crosses_several_holidays(db):
    # 60 working days from 2 Jan 2026 skip New Year's make-up rules, the Spring Festival and Qingming
    end = calendar.add_working_days(D("2026-01-02"), 60)
    assert calendar.working_days_between(D("2026-01-02"), end) == 60
    assert calendar.is_working_day(end)


def test_single_days(db):
    assert not calendar.is_working_day(D("2026-10-05"))   # Monday, National Day
    assert calendar.is_working_day(D("2026-10-10"))       # Saturday, worked
    assert not calendar.is_working_day(D("2026-10-11"))   # Sunday
    assert calendar.year_has_calendar(2026) and not calendar.year_has_calendar(2027)


def test_an_administrator_adds_a_year(db):
    CalendarDay.objects.create(date=D("2027-01-01"), kind=CalendarDay.HOLIDAY, name="元旦")
    assert calendar.add_working_days(D("2026-12-31"), 1) == D("2027-01-04")
