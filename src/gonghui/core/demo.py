"""Demo data built at past moments: ``with at(day, hour): service(...)`` runs the real services as if it
were that day and hour in Beijing, so every clock, timeline and audit row of the demo is the real thing."""

from __future__ import annotations

import contextlib
import datetime as dt
from unittest import mock

from django.utils import timezone


@contextlib.contextmanager
def at(day: dt.date, hour: int = 10, minute: int = 0):
    # in UTC, as timezone.now() gives it (the audit chain hashes the moment as it is read back)
    moment = dt.datetime.combine(day, dt.time(hour, minute),
                                 tzinfo=timezone.get_current_timezone()).astimezone(dt.UTC)
    with mock.patch("django.utils.timezone.now", lambda: moment):
        yield
