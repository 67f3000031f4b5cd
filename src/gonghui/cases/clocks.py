"""Deadlines of cases: clocks that start, pause while the case waits on the applicant, resume, stop, and
can be extended once. Working days come from core.calendar (the official holiday calendar); a clock in
calendar days (where a law says days) counts every day.

A pause keeps the time left: returned with 3 working days left, resubmitted a week later, the case again
has 3 working days from the resubmission. A clock that runs past its date is marked ``missed``, and
``Case.missed_deadline`` keeps that on the record after the case closes.

``Case.due_on`` / ``amber_on`` / ``urgency`` summarise the running clocks (the nearest date) and are
written here and by the daily sweep (cases.tasks), so the queue sorts on stored columns.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from gonghui.core import calendar

from .catalogue import effective_clocks
from .models import Case, CaseClock, ClockUnit, State, Urgency

AMBER_DAYS = 2  # a case turns amber with a third of its clock left, at least 1 day and at most this many


def today() -> dt.date:
    return timezone.localdate()


def _add(unit: str, start: dt.date, days: int) -> dt.date:
    return calendar.add_working_days(start, days) if unit == ClockUnit.WORKING else start + dt.timedelta(days=days)


def _left(unit: str, start: dt.date, end: dt.date) -> int:
    """Days of ``unit`` after ``start`` up to ``end``; negative when ``end`` has passed."""
    if end >= start:
        return calendar.working_days_between(start, end) if unit == ClockUnit.WORKING else (end - start).days
    return -(calendar.working_days_between(end, start) if unit == ClockUnit.WORKING else (start - end).days)


def _amber_on(clock: CaseClock) -> dt.date:
    """The day from which at most a third of the clock's days are left (1 to ``AMBER_DAYS``)."""
    days = max(1, min(AMBER_DAYS, clock.days // 3))
    if clock.unit == ClockUnit.WORKING:
        return calendar.subtract_working_days(clock.due_on, days)
    return clock.due_on - dt.timedelta(days=days)


def start(case: Case, event: str, on: dt.date) -> None:
    """Start the item's clocks that start at ``event`` (``submit`` or ``accept``), once per case."""
    existing = set(case.clock_set.values_list("key", flat=True))
    for spec in effective_clocks(case.item.clocks, case.item.time_limit_days):
        if spec["starts"] != event or spec["key"] in existing:
            continue
        CaseClock.objects.create(case=case, key=spec["key"], label=spec["label"], unit=spec["unit"],
                                 days=spec["days"], stops=spec["stops"], started_on=on,
                                 due_on=_add(spec["unit"], on, spec["days"]))


def pause(case: Case, on: dt.date) -> None:
    for clock in case.clock_set.filter(stopped_on__isnull=True, paused_on__isnull=True):
        clock.paused_on = on
        clock.remaining_at_pause = _left(clock.unit, on, clock.due_on)
        clock.save(update_fields=["paused_on", "remaining_at_pause"])


def resume(case: Case, on: dt.date) -> None:
    for clock in case.clock_set.filter(stopped_on__isnull=True, paused_on__isnull=False):
        if clock.remaining_at_pause is not None and clock.remaining_at_pause >= 0:
            clock.due_on = _add(clock.unit, on, clock.remaining_at_pause)
        clock.paused_on = None
        clock.remaining_at_pause = None
        clock.save(update_fields=["due_on", "paused_on", "remaining_at_pause"])


STOPS_AT = {
    "accept": {State.ACCEPTED, State.NOT_ACCEPTED},
    "decide": {State.APPROVED, State.DENIED, State.NOT_ACCEPTED},
}


def stop_reached(case: Case, state: str, on: dt.date) -> bool:
    """Stop the clocks whose goal ``state`` reaches (a closed case stops them all). Returns whether a
    clock was stopped past its date."""
    late = False
    closing = state in (State.FULFILLED, State.NOT_ACCEPTED, State.DENIED, State.WITHDRAWN)
    for clock in case.clock_set.filter(stopped_on__isnull=True):
        if closing or state in STOPS_AT.get(clock.stops, ()):
            clock.stopped_on = on
            clock.missed = clock.missed or (clock.paused_on is None and on > clock.due_on)
            late = late or clock.missed
            clock.save(update_fields=["stopped_on", "missed"])
    return late


def extend(clock: CaseClock, *, days: int, reason: str, by) -> None:
    clock.due_on = _add(clock.unit, clock.due_on, days)
    clock.extended_days = days
    clock.extension_reason = reason
    clock.extension_by = by
    clock.save(update_fields=["due_on", "extended_days", "extension_reason", "extension_by"])


def refresh(case: Case, on: dt.date | None = None) -> None:
    """Write the case's summary of its running clocks (nearest due date, colour, missed)."""
    on = on or today()
    running = [c for c in case.clock_set.all() if c.running]
    missed = case.missed_deadline or any(c.missed for c in case.clock_set.all())
    if running:
        nearest = min(running, key=lambda c: c.due_on)
        due, amber = nearest.due_on, _amber_on(nearest)
        urgency = Urgency.RED if on > due else (Urgency.AMBER if on >= amber else Urgency.GREEN)
        missed = missed or on > due
    else:
        due = amber = None
        urgency = Urgency.NONE
    Case.objects.filter(pk=case.pk).update(due_on=due, amber_on=amber, urgency=urgency, missed_deadline=missed)
    case.due_on, case.amber_on, case.urgency, case.missed_deadline = due, amber, urgency, missed


def sweep(on: dt.date | None = None) -> dict[str, int]:
    """The daily job: recolour open cases by their stored dates and mark clocks that ran past their date.
    A handful of set-based UPDATEs, whatever the number of cases."""
    on = on or today()
    open_cases = Case.objects.filter(due_on__isnull=False)
    missed = CaseClock.objects.filter(stopped_on__isnull=True, paused_on__isnull=True, due_on__lt=on,
                                      missed=False).update(missed=True)
    red = open_cases.filter(due_on__lt=on).exclude(urgency=Urgency.RED, missed_deadline=True).update(
        urgency=Urgency.RED, missed_deadline=True)
    amber = open_cases.filter(Q(amber_on__lte=on) & Q(due_on__gte=on)).exclude(urgency=Urgency.AMBER).update(
        urgency=Urgency.AMBER)
    green = open_cases.filter(amber_on__gt=on).exclude(urgency=Urgency.GREEN).update(urgency=Urgency.GREEN)
    return {"missed_clocks": missed, "red": red, "amber": amber, "green": green}
