"""Reads of scheduling, scoped: staff see the sessions of their subtree, providers the sessions and
courses they are named on, a worker their own bookings; the open sessions are public."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.utils import timezone

from .models import PERM_MANAGE, PERM_PROVIDE, Booking, Course, Service, Session, Status


def sessions_for(user):
    """The sessions ``user`` works on: their subtree's (staff) or those they are named on (providers)."""
    staff = Session.objects.visible_to(user, PERM_MANAGE)
    provided = Session.objects.visible_to(user, PERM_PROVIDE)
    return (staff | provided | Session.objects.filter(course__in=Course.objects.visible_to(user, PERM_PROVIDE))) \
        .distinct()


def courses_for(user):
    return (Course.objects.visible_to(user, PERM_MANAGE) | Course.objects.visible_to(user, PERM_PROVIDE)).distinct()


def session_get(*, user, pk: int) -> Session:
    session = sessions_for(user).filter(pk=pk).select_related("service", "org", "place__centre", "course").first()
    if session is None:
        raise Http404
    return session


def course_get(*, user, pk: int) -> Course:
    course = courses_for(user).filter(pk=pk).select_related("service", "org", "place__centre").first()
    if course is None:
        raise Http404
    return course


def open_services():
    return Service.objects.filter(active=True)


def upcoming(service: Service, *, days: int = 28, org_id: int | None = None):
    """The sessions of ``service`` a worker may still book, soonest first (course meetings excluded)."""
    now = timezone.localtime()
    rows = (Session.objects.filter(service=service, course__isnull=True, cancelled=False, date__gte=now.date(),
                                   date__lte=now.date() + dt.timedelta(days=days))
            .exclude(date=now.date(), starts_at__lte=now.time())
            .select_related("org", "place__centre").order_by("date", "starts_at"))
    return rows.filter(org_id=org_id) if org_id else rows


def open_courses(service: Service):
    today = timezone.localdate()
    return (Course.objects.filter(service=service, cancelled=False, completed_on__isnull=True)
            .exclude(meetings__date__lt=today).select_related("org", "place__centre").prefetch_related("meetings")
            .order_by("pk"))


def my_bookings(worker):
    return (Booking.objects.filter(worker=worker)
            .select_related("service", "session__place__centre", "course__place__centre", "org")
            .order_by("-created_at"))


def my_booking(worker, number: str) -> Booking:
    booking = my_bookings(worker).filter(number=number).first()
    if booking is None:
        raise Http404
    return booking


def active(bookings):
    return [b for b in bookings if b.status in (Status.WAITING, Status.OFFERED, Status.BOOKED)
            and (b.session is None or b.session.date >= timezone.localdate())]


def bookings_of(session: Session):
    """The bookings of a session, or the enrolments of the course it is a meeting of."""
    rows = Booking.objects.filter(course_id=session.course_id) if session.course_id else \
        Booking.objects.filter(session=session)
    return rows.select_related("worker", "booked_by").order_by("pk")
