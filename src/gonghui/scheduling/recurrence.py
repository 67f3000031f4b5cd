"""The dates and times a recurring schedule holds sessions: pure functions over the official calendar
(``core.calendar.exceptions``: public holidays and make-up working days)."""

from __future__ import annotations

import datetime as dt
import itertools

from django.core.exceptions import ValidationError

from gonghui.core import calendar
from gonghui.core.models import CalendarDay

#: a schedule covers at most this many days (a year and a bit); a longer one is made again next year
MAX_DAYS = 400
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def dates(weekdays, starts_on: dt.date, ends_on: dt.date, *, on_holiday: str = "skip",
          on_make_up: str = "skip") -> list[dt.date]:
    """The days from ``starts_on`` to ``ends_on`` on ``weekdays`` (0 = Monday): a public holiday on such a
    day is left out unless ``on_holiday == "keep"``; a weekend day worked to make up for a holiday (调休上班)
    holds the sessions of a working day when ``on_make_up == "hold"``."""
    wanted = {int(d) for d in weekdays}
    exceptions = calendar.exceptions(starts_on, ends_on)
    out = []
    day = starts_on
    while day <= ends_on:
        kind = exceptions.get(day)
        if kind == CalendarDay.HOLIDAY:
            held = day.weekday() in wanted and on_holiday == "keep"
        elif kind == CalendarDay.WORKDAY and day.weekday() >= 5:
            held = on_make_up == "hold" or day.weekday() in wanted
        else:
            held = day.weekday() in wanted
        if held:
            out.append(day)
        day += dt.timedelta(days=1)
    return out


def parse_time(text: str) -> dt.time:
    try:
        return dt.datetime.strptime(str(text).strip(), "%H:%M").time()
    except ValueError:
        raise ValidationError(f"时间“{text}”应写作 时:分，例如 09:00。") from None


def parse_blocks(text: str) -> list[list[str]]:
    """``"09:00-11:30, 14:30-17:00"`` → ``[["09:00", "11:30"], ["14:30", "17:00"]]``; refuses an empty, a
    reversed or an overlapping block."""
    blocks = []
    for part in str(text or "").replace("，", ",").replace("；", ",").replace(";", ",").split(","):
        part = part.strip().replace("—", "-").replace("–", "-").replace("～", "-").replace("~", "-")
        if not part:
            continue
        if part.count("-") != 1:
            raise ValidationError(f"时段“{part}”应写作 开始-结束，例如 09:00-11:30。")
        start, end = (parse_time(t) for t in part.split("-"))
        if end <= start:
            raise ValidationError(f"时段“{part}”的结束时间应晚于开始时间。")
        blocks.append([start.strftime("%H:%M"), end.strftime("%H:%M")])
    if not blocks:
        raise ValidationError("请填写至少一个时段，例如 09:00-11:30。")
    blocks.sort()
    for (_, end), (start, _) in itertools.pairwise(blocks):
        if start < end:
            raise ValidationError("时段不能重叠。")
    return blocks


def slots(blocks, slot_minutes: int | None) -> list[tuple[dt.time, dt.time]]:
    """Each block as one session, or cut into whole slots of ``slot_minutes`` (a remainder shorter than a
    slot is left out)."""
    out = []
    for start_text, end_text in blocks:
        start, end = parse_time(start_text), parse_time(end_text)
        if not slot_minutes:
            out.append((start, end))
            continue
        at = dt.datetime.combine(dt.date.min, start)
        stop = dt.datetime.combine(dt.date.min, end)
        step = dt.timedelta(minutes=slot_minutes)
        while at + step <= stop:
            out.append((at.time(), (at + step).time()))
            at += step
    return out
