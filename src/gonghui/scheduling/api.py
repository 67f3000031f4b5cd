"""Scheduling on /api/v1/ (the same services as the pages): the services open for booking and their coming
sessions; a booking made for a worker (staff, by the worker's ID number, in their subtree) or by the signed-in
worker for herself — a full session puts her on the waitlist; reading and cancelling a booking. Scopes:
``cases:read`` to read, ``cases:write`` to book and cancel. Health records and counselling are not offered."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Router, Schema

from gonghui.cases.idempotency import idempotent
from gonghui.cases.services import worker_of
from gonghui.registry.selectors import worker_search
from gonghui.web.api_auth import require_scope

from . import selectors, services
from .models import PERM_MANAGE, PERM_PROVIDE, Booking, Channel, Course, Service, Session

router = Router(tags=["scheduling"])


class ServiceOut(Schema):
    code: str
    name: str
    kind: str
    summary: str
    women_only: bool
    cancel_hours: int


class SessionOut(Schema):
    id: int
    date: dt.date
    starts_at: str
    ends_at: str
    org: str
    place: str
    capacity: int
    free: int


class BookingIn(Schema):
    session_id: int | None = None
    course_id: int | None = None
    id_number: str = ""  # staff booking for a worker; a worker booking for herself leaves it empty
    channel: str = "desk"  # desk or phone (staff); a worker's own booking is always 手机预约


class BookingOut(Schema):
    number: str
    service: str
    status: str
    status_label: str
    session_id: int | None
    course_id: int | None
    date: dt.date | None
    starts_at: str | None
    waiting_ahead: int
    offered_until: str | None


def _session_out(s: Session) -> dict:
    return {"id": s.pk, "date": s.date, "starts_at": f"{s.starts_at:%H:%M}", "ends_at": f"{s.ends_at:%H:%M}",
            "org": s.org.name, "place": str(s.place) if s.place_id else "", "capacity": s.capacity, "free": s.free}


def _booking_out(b: Booking) -> dict:
    return {"number": b.number, "service": b.service.code, "status": b.status, "status_label": b.get_status_display(),
            "session_id": b.session_id, "course_id": b.course_id, "date": b.session.date if b.session_id else None,
            "starts_at": f"{b.session.starts_at:%H:%M}" if b.session_id else None,
            "waiting_ahead": services.waiting_ahead(b) if b.status == "waiting" else 0,
            "offered_until": b.offered_until.isoformat() if b.offered_until else None}


@router.get("/scheduling/services", response=list[ServiceOut], summary="可预约的服务")
def scheduling_services(request):
    require_scope(request, "cases:read")
    return list(selectors.open_services())


@router.get("/scheduling/services/{code}/sessions", response=list[SessionOut], summary="近四周可预约的场次")
def scheduling_sessions(request, code: str, org_id: int | None = None):
    require_scope(request, "cases:read")
    service = Service.objects.filter(code=code, active=True).first()
    if service is None:
        raise Http404
    return [_session_out(s) for s in selectors.upcoming(service, org_id=org_id)]


def _visible_booking(request, number: str) -> Booking:
    worker = worker_of(request.user)
    rows = Booking.objects.filter(number=number).select_related("service", "session", "worker")
    booking = rows.filter(worker=worker).first() if worker else None
    if booking is None:
        booking = rows.filter(pk__in=Booking.objects.visible_to(request.user, PERM_MANAGE).values("pk")).first() \
            or rows.filter(pk__in=Booking.objects.visible_to(request.user, PERM_PROVIDE).values("pk")).first()
    if booking is None:
        raise Http404
    return booking


@router.post("/bookings", response={201: BookingOut}, summary="预约（已满则加入候补）")
@idempotent
def booking_create(request, payload: BookingIn):
    require_scope(request, "cases:write")
    session = Session.objects.filter(pk=payload.session_id).first() if payload.session_id else None
    course = Course.objects.filter(pk=payload.course_id).first() if payload.course_id else None
    if session is None and course is None:
        raise ValidationError({"session_id": "请指定场次或课程。"})
    if payload.id_number:
        worker = worker_search(user=request.user, q=payload.id_number).first()
        if worker is None:
            raise ValidationError({"id_number": "在您的权限范围内没有找到该身份证号的职工。"})
        channel = Channel.PHONE if payload.channel == "phone" else Channel.DESK
    else:
        worker = worker_of(request.user)
        if worker is None:
            raise ValidationError({"id_number": "请填写职工的身份证号（职工本人预约须先完成实名认证）。"})
        channel = Channel.M
    booking = services.book(actor=request.user, worker=worker, session=session, course=course, channel=channel)
    return 201, BookingOut(**_booking_out(booking)).model_dump(mode="json")


@router.get("/bookings/{number}", response=BookingOut, summary="一条预约")
def booking_get(request, number: str):
    require_scope(request, "cases:read")
    return _booking_out(_visible_booking(request, number))


@router.post("/bookings/{number}/cancel", response=BookingOut, summary="取消预约或退出候补")
def booking_cancel(request, number: str):
    require_scope(request, "cases:write")
    booking = services.cancel(actor=request.user, booking=_visible_booking(request, number))
    return _booking_out(booking)
