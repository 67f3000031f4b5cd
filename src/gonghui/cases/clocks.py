"""Deadlines of cases: clocks that start, pause while the case waits on the applicant, resume, stop, and
can be extended once — each as the step being taken declares (``Transition.clocks``), never by a step's
name. Working days come from core.calendar (the official holiday calendar); a clock in
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
from .models import Case, CaseClock, ClockUnit, Urgency
from .registry import registry
from .states import EVERY_CLOCK

AMBER_DAYS = 2  # a case turns amber with a third of its clock left, at least 1 day and at most this many


def today() -> dt.date:
    return timezone.localdate()


def add(unit: str, start: dt.date, days: int) -> dt.date:
    """The due date of ``days`` of ``unit`` from ``start``: working days on the official calendar, or a
    period of calendar days that ends on a working day (Civil Code Art. 203)."""
    if unit == ClockUnit.WORKING:
        return calendar.add_working_days(start, days)
    return calendar.add_calendar_days(start, days)


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


def item_clocks(item) -> dict[str, dict]:
    """The clocks ``item`` uses, by key, each with its unit (the item's, else its workflow's)."""
    workflow = registry.workflow_for(item)
    out = {}
    for spec in effective_clocks(item.clocks, item.time_limit_days):
        known = workflow.clock(spec["key"])
        out[spec["key"]] = {**spec, "unit": spec.get("unit") or (known.unit if known else ClockUnit.WORKING),
                            "label": spec.get("label") or (known.label if known else spec["key"])}
    return out


def apply(case: Case, step, on: dt.date) -> bool:
    """What ``step`` (a ``Transition``) does to the case's clocks, in the order it declares its effects:
    ``start`` a clock of the item not started yet, ``pause`` a running one (keeping the time left),
    ``resume`` a paused one, ``stop`` one, ``restart`` one from ``on`` (running, paused or stopped). A step
    into a state where the case ends stops every clock.
    Returns whether a clock was stopped past its date."""
    specs = item_clocks(case.item)
    handler = registry.handler_for(case.item)
    rows = {c.key: c for c in case.clock_set.all()}
    late = False

    def chosen(key: str) -> list[str]:
        return list(specs) if key == EVERY_CLOCK else [key] if key in specs else []

    for action, pattern in step.clocks:
        for key in chosen(pattern):
            clock = rows.get(key)
            if action == "start" and clock is None:
                if not handler.clock_applies(case, key):
                    continue
                spec = specs[key]
                rows[key] = CaseClock.objects.create(
                    case=case, key=key, label=spec["label"][:30], unit=spec["unit"], days=spec["days"],
                    started_on=on, due_on=add(spec["unit"], on, spec["days"]))
            elif action == "restart" and clock is not None:
                _restart(clock, on)
            elif clock is None or clock.stopped_on is not None:
                continue
            elif action == "pause" and clock.paused_on is None:
                _pause(clock, on)
            elif action == "resume" and clock.paused_on is not None:
                _resume(clock, on)
            elif action == "stop":
                late = _stop(clock, on) or late
    target = registry.workflow_for(case.item).state(step.target)
    if target is not None and target.closed:
        for clock in rows.values():
            if clock.stopped_on is None:
                late = _stop(clock, on) or late
    return late


def _restart(clock: CaseClock, on: dt.date) -> None:
    """Count the clock afresh from ``on`` (its full days; a missed earlier run stays on the case)."""
    clock.started_on = on
    clock.due_on = add(clock.unit, on, clock.days)
    clock.paused_on = clock.stopped_on = clock.remaining_at_pause = None
    clock.save(update_fields=["started_on", "due_on", "paused_on", "stopped_on", "remaining_at_pause"])


def _pause(clock: CaseClock, on: dt.date) -> None:
    clock.paused_on = on
    clock.remaining_at_pause = _left(clock.unit, on, clock.due_on)
    clock.save(update_fields=["paused_on", "remaining_at_pause"])


def _resume(clock: CaseClock, on: dt.date) -> None:
    if clock.remaining_at_pause is not None and clock.remaining_at_pause >= 0:
        clock.due_on = add(clock.unit, on, clock.remaining_at_pause)
    clock.paused_on = None
    clock.remaining_at_pause = None
    clock.save(update_fields=["due_on", "paused_on", "remaining_at_pause"])


def _stop(clock: CaseClock, on: dt.date) -> bool:
    clock.missed = clock.missed or (clock.paused_on is None and on > clock.due_on)
    clock.stopped_on = on
    clock.save(update_fields=["stopped_on", "missed"])
    return clock.missed


def extend(clock: CaseClock, *, days: int, reason: str, by) -> None:
    clock.due_on = add(clock.unit, clock.due_on, days)
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
