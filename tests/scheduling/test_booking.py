"""Booking, the waitlist and its promotion, cancellation, check-in by QR code, no-shows and suspension, and a
session called off — what the worker, the clerk and the doctor notice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gonghui.cases.models import Message
from gonghui.core.errors import Conflict
from gonghui.core.sms import ConsoleSmsBackend
from gonghui.scheduling import services
from gonghui.scheduling.models import Booking, Service, Session, Status, Suspension

from .conftest import next_weekday


def _texts(phone):
    return [text for to, text in ConsoleSmsBackend.outbox if to == phone]


def test_the_last_place_then_the_waitlist_then_promotion_on_a_cancellation(session, book, people, worker_user,
                                                                          django_capture_on_commit_callbacks):
    s = session(capacity=1)
    ConsoleSmsBackend.outbox.clear()
    first = book("张伟", s)
    with django_capture_on_commit_callbacks(execute=True):
        second = book("王芳", s)
    assert (first.status, second.status) == (Status.BOOKED, Status.WAITING)
    assert any("已约满，您已加入候补，排第1位" in t for t in _texts(people["王芳"].phone))
    s.refresh_from_db()
    assert s.taken == 1
    # 张伟 cancels: 王芳 is offered the place, by SMS and an in-app message, with a time to confirm
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(actor=worker_user("张伟"), booking=first)
    second.refresh_from_db()
    assert second.status == Status.OFFERED and second.offered_until > timezone.now()
    assert any("有名额空出，已为您保留" in t for t in _texts(people["王芳"].phone))
    assert Message.objects.filter(recipient=worker_user("王芳"), title="候补递补成功，请确认").exists()
    s.refresh_from_db()
    assert s.taken == 1  # the offered place is held for her
    services.confirm(actor=worker_user("王芳"), booking=second)
    second.refresh_from_db()
    assert second.status == Status.BOOKED


def test_an_offer_not_confirmed_in_time_goes_to_the_next(session, book, worker_user, monkeypatch):
    s = session(capacity=1)
    first, second, third = book("张伟", s), book("王芳", s), book("李强", s)
    services.cancel(actor=worker_user("张伟"), booking=first)
    second.refresh_from_db()
    later = second.offered_until + dt.timedelta(minutes=1)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    assert services.expire_offers() == 1
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.status, third.status) == (Status.EXPIRED, Status.OFFERED)
    with pytest.raises(Conflict):
        services.confirm(actor=worker_user("王芳"), booking=second)


def test_one_booking_per_worker_per_session(session, book):
    s = session(capacity=3)
    book("王芳", s)
    with pytest.raises(ValidationError, match="无需重复预约"):
        book("王芳", s)


def test_a_worker_books_only_for_herself(session, worker_user, people):
    with pytest.raises(PermissionDenied):
        services.book(actor=worker_user("王芳"), worker=people["张伟"], session=session())


def test_the_worker_cannot_cancel_within_the_window_but_the_centre_can(session, book, worker_user, staff, today):
    s = session(capacity=2)
    booking = book("王芳", s)
    today(s.date - dt.timedelta(days=1))  # noon the day before: within 24 hours of 9:00
    with pytest.raises(ValidationError, match="24小时内不能在网上取消"):
        services.cancel(actor=worker_user("王芳"), booking=booking)
    services.cancel(actor=staff["city_staff"], booking=booking)  # she phoned the centre
    booking.refresh_from_db()
    assert booking.status == Status.CANCELLED


def test_a_man_cannot_book_a_womens_programme(session, book, people):
    s = session(service="women_screening", providers=[])
    with pytest.raises(ValidationError, match="仅限女职工"):
        book("李强", s)
    assert services.unavailable(people["李强"], s.service)
    assert book("王芳", s).status == Status.BOOKED


def test_check_in_by_the_qr_code_on_the_day(session, book, staff, doctors, today, people):
    s = session(capacity=2)
    booking = book("王芳", s)
    found = services.find_by_code(f"http://testserver/desk/scheduling/checkin/?code={booking.code}")
    assert found == booking
    with pytest.raises(ValidationError, match="不是今天"):
        services.check_in(actor=staff["city_staff"], booking=booking)
    today(s.date)
    with pytest.raises(PermissionDenied):  # another town's clerk
        services.check_in(actor=staff["qingyang_staff"], booking=booking)
    services.check_in(actor=doctors[0], booking=booking)  # the clinic's doctor may check in too
    booking.refresh_from_db()
    assert booking.status == Status.ATTENDED and booking.checked_in_by == doctors[0]
    with pytest.raises(Conflict, match="已签到"):
        services.check_in(actor=staff["city_staff"], booking=booking)


def test_no_shows_suspend_booking_for_a_while(session, book, people, staff, today, worker_user):
    clinic = Service.objects.get(code="spine_clinic")
    clinic.no_show_limit, clinic.no_show_days, clinic.suspend_days = 2, 90, 30
    clinic.save()
    first = next_weekday(2)
    sessions = [session(capacity=2, day=first + dt.timedelta(weeks=n)) for n in range(3)]
    for s in sessions:
        book("李强", s)
    today(sessions[0].date + dt.timedelta(days=1))
    assert services.daily()["sessions_closed"] == 1
    assert Booking.objects.get(session=sessions[0]).status == Status.NO_SHOW
    assert not Suspension.objects.exists()
    today(sessions[1].date + dt.timedelta(days=1))
    services.daily()
    suspension = Suspension.objects.get(worker=people["李强"])
    assert suspension.until == sessions[1].date + dt.timedelta(days=31)
    later = session(capacity=2, day=sessions[2].date + dt.timedelta(weeks=1))
    with pytest.raises(ValidationError, match="暂停预约"):
        book("李强", later)
    # the centre lifts it with a reason, and he may book again
    services.suspension_lift(actor=staff["city_staff"], suspension=suspension, reason="生病住院，有病历")
    assert book("李强", later).status == Status.BOOKED


def test_the_centre_calls_a_session_off_and_everyone_is_told(session, book, staff, people,
                                                             django_capture_on_commit_callbacks):
    s = session(capacity=1)
    book("王芳", s)
    book("张伟", s)
    ConsoleSmsBackend.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        told = services.session_cancel(actor=staff["city_staff"], session=s, reason="医生外出义诊")
    assert told == 2
    assert set(Booking.objects.filter(session=s).values_list("status", flat=True)) == {Status.CALLED_OFF}
    for name in ("王芳", "张伟"):
        assert any("因医生外出义诊取消" in t for t in _texts(people[name].phone))
    with pytest.raises(ValidationError, match="已取消"):
        book("李强", Session.objects.get(pk=s.pk))


def test_the_day_before_each_booking_is_reminded_once(session, book, today, people,
                                                      django_capture_on_commit_callbacks):
    s = session(capacity=2)
    book("王芳", s)
    today(s.date - dt.timedelta(days=1))
    ConsoleSmsBackend.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.daily()["reminded"] == 1
        assert services.daily()["reminded"] == 0
    assert any("在明天" in t for t in _texts(people["王芳"].phone))


def test_a_walk_in_takes_a_free_place_and_is_checked_in(session, staff, people, today):
    s = session(capacity=1)
    today(s.date)
    booking = services.walk_in(actor=staff["city_staff"], worker=people["李强"], session=s)
    assert booking.status == Status.ATTENDED and booking.channel == "walk_in"
    with pytest.raises(ValidationError, match="已满"):
        services.walk_in(actor=staff["city_staff"], worker=people["王芳"], session=s)
    assert not Booking.objects.filter(worker=people["王芳"], status=Status.WAITING).exists()


def test_a_course_is_taken_whole_and_completed_with_enough_attendance(city, staff, doctors, book, today, people):
    start = next_weekday(0)
    course = services.course_create(
        actor=staff["city_staff"], service=Service.objects.get(code="taichi"), org=city["jinjiang"],
        title="24式太极拳（第一期）", capacity=2, required=2, completion_title="健身运动骨干",
        meetings=[(start + dt.timedelta(days=n), dt.time(19), dt.time(20, 30)) for n in (0, 2, 4)],
        providers=[doctors[1]])
    wang, zhang, li = book("王芳", course), book("张伟", course), book("李强", course)
    assert [b.status for b in (wang, zhang, li)] == [Status.BOOKED, Status.BOOKED, Status.WAITING]
    meetings = list(course.meetings.order_by("date"))
    with pytest.raises(ValidationError, match="整体报名"):
        book("李强", meetings[0])
    for n in (0, 2):
        today(meetings[n].date)
        services.check_in(actor=doctors[1], booking=wang)
    today(meetings[0].date)
    services.check_in(actor=staff["city_staff"], booking=zhang)
    with pytest.raises(ValidationError, match="结课后"):
        services.course_complete(actor=doctors[1], course=course)
    today(meetings[2].date)
    assert services.course_complete(actor=doctors[1], course=course) == 1
    wang.refresh_from_db()
    zhang.refresh_from_db()
    assert wang.completed_on == meetings[2].date and zhang.completed_on is None


def test_a_course_meeting_called_off_tells_the_class_and_keeps_their_places(city, staff, doctors, book, people,
                                                                            django_capture_on_commit_callbacks):
    start = next_weekday(1)
    course = services.course_create(
        actor=staff["city_staff"], service=Service.objects.get(code="taichi"), org=city["jinjiang"], title="太极",
        capacity=5, required=1, meetings=[(start + dt.timedelta(days=7 * n), dt.time(19), dt.time(20)) for n in (0, 1)],
        providers=[doctors[1]])
    enrolment = book("王芳", course)
    ConsoleSmsBackend.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        told = services.session_cancel(actor=staff["city_staff"], session=course.meetings.order_by("date").first(),
                                       reason="台风")
    assert told == 1
    assert any("因台风停课" in t for t in _texts(people["王芳"].phone))
    enrolment.refresh_from_db()
    assert enrolment.status == Status.BOOKED
