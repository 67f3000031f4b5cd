"""Capacity under concurrent booking, on PostgreSQL (where requests really run at once): 50 workers ask for
the last place of a session at the same moment; one gets it, 49 join the waitlist in order, and the count
of places taken never passes the capacity."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from gonghui.scheduling import services
from gonghui.scheduling.models import Booking, Session, Status

N = 50


@pytest.fixture
def fifty_workers(city, people):
    from gonghui.core.idnumber import check_char
    from gonghui.registry.importing import WorkerImporter
    from gonghui.registry.models import Worker
    from tests.files import WORKER_HEADER, csv_bytes

    digits = "零一二三四五六七八九"
    uscc = people["王芳"].enterprise.uscc
    rows = []
    for n in range(N):
        body = f"3505821990{n // 28 + 1:02d}{n % 28 + 1:02d}{n:03d}"
        rows.append([f"并发{digits[n // 10]}{digits[n % 10]}", body + check_char(body), f"1390000{n:04d}", uscc, "", "", "", ""])
    result = WorkerImporter(scope=city["jinjiang"]).run(csv_bytes(WORKER_HEADER, rows), "w.csv")
    assert result.created == N, result.errors
    return list(Worker.objects.filter(name__startswith="并发").order_by("name"))


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_fifty_simultaneous_bookings_for_the_last_place(session, staff, fifty_workers, book):
    s = session(capacity=2)
    book("王芳", s)  # one place left
    clerk = staff["city_staff"]
    barrier = threading.Barrier(N)
    errors: list = []

    def run(worker):
        try:
            barrier.wait(timeout=30)
            services.book(actor=clerk, worker=worker, session=Session.objects.get(pk=s.pk), channel="phone")
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(w,)) for w in fifty_workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    s.refresh_from_db()
    assert s.taken == s.capacity == 2
    statuses = list(Booking.objects.filter(session=s).values_list("status", flat=True))
    assert statuses.count(Status.BOOKED) == 2 and statuses.count(Status.WAITING) == N - 1
    # the waitlist promotes in the order the bookings were made
    waiting = list(Booking.objects.filter(session=s, status=Status.WAITING).order_by("pk"))
    winner = Booking.objects.get(session=s, status=Status.BOOKED, worker__name__startswith="并发")
    services.cancel(actor=clerk, booking=winner)
    assert Booking.objects.get(pk=waiting[0].pk).status == Status.OFFERED
