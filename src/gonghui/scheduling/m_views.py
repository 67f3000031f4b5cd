"""The worker's booking pages on /m/: the services open for booking, a service's coming sessions and
courses, booking or joining the waitlist, their bookings with the QR code to check in, confirming a place
offered from the waitlist, cancelling. Thin: parse, call a service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_POST

from gonghui.cases.services import worker_of
from gonghui.core.numbers import as_id
from gonghui.core.pdf import qr_data_uri
from gonghui.web.actions import perform

from . import registry, selectors, services
from .models import Course, Service, Session, Status

LOGIN = reverse_lazy("portal:login")


def _worker(request):
    worker = worker_of(request.user)
    if worker is None:
        messages.info(request, "请先完成实名认证（绑定职工档案）后再预约。")
    return worker


def home(request):
    """The services open for booking (public), and a signed-in worker's live bookings."""
    worker = worker_of(request.user)
    bookings = selectors.active(list(selectors.my_bookings(worker)[:50])) if worker else []
    return render(request, "scheduling/m_home.html", {
        "services": selectors.open_services(), "bookings": bookings, "worker": worker,
        "offers": [b for b in bookings if b.status == Status.OFFERED]})


def service(request, code: str):
    svc = Service.objects.filter(code=code, active=True).first()
    if svc is None:
        raise Http404
    worker = worker_of(request.user)
    org_id = as_id(request.GET.get("org"))
    weeks = 4 if request.GET.get("weeks") == "4" else 2
    sessions = list(selectors.upcoming(svc, org_id=org_id, days=7 * weeks)) if svc.kind == "appointment" else []
    days: dict = {}
    for s in sessions:
        days.setdefault(s.date, []).append(s)
    # a day's sessions at one place say it once, in the day's heading
    days = {day: (rows, _place(rows[0]) if len({_place(r) for r in rows}) == 1 else "") for day, rows in days.items()}
    mine = {}
    if worker:
        for b in selectors.active(list(selectors.my_bookings(worker).filter(service=svc))):
            mine[("s", b.session_id) if b.session_id else ("c", b.course_id)] = b
    for s in sessions:
        s.mine = mine.get(("s", s.pk))
    courses = list(selectors.open_courses(svc)) if svc.kind == "course" else []
    for c in courses:
        c.mine = mine.get(("c", c.pk))
        c.free_places = max(c.capacity - c.taken, 0)
    return render(request, "scheduling/m_service.html", {
        "svc": svc, "days": sorted(days.items()), "courses": courses, "worker": worker, "weeks": weeks,
        "unavailable": services.unavailable(worker, svc) if worker else ""})


def _place(session) -> str:
    return str(session.place) if session.place_id else session.org.name


@login_required(login_url=LOGIN)
@require_POST
def book(request, code: str):
    worker = _worker(request)
    back = reverse("scheduling_m:service", args=[code])
    if worker is None:
        return redirect(back)
    session = Session.objects.filter(pk=as_id(request.POST.get("session")), service__code=code).first()
    course = Course.objects.filter(pk=as_id(request.POST.get("course")), service__code=code).first()
    if session is None and course is None:
        messages.error(request, "请选择场次。")
        return redirect(back)
    result = {}

    def act():
        result["booking"] = services.book(actor=request.user, worker=worker, session=session, course=course)

    response = perform(request, act, success="", then=back)
    booking = result.get("booking")
    if booking is not None:
        messages.success(request, "预约成功，请凭二维码到场签到。" if booking.status == Status.BOOKED else
                         f"已约满，您已加入候补，排第{services.waiting_ahead(booking) + 1}位，有名额时会通知您。")
        return redirect(reverse("scheduling_m:booking", args=[booking.number]))
    return response


@login_required(login_url=LOGIN)
def booking(request, number: str):
    worker = _worker(request)
    if worker is None:
        return redirect("scheduling_m:home")
    b = selectors.my_booking(worker, number)
    checkin_url = request.build_absolute_uri(reverse("scheduling:checkin")) + f"?code={b.code}"
    show_qr = b.status in (Status.BOOKED, Status.OFFERED) and (
        b.course_id or b.session.date >= timezone.localdate())
    record = registry.record_of(b.service.code)
    return render(request, "scheduling/m_booking.html", {
        "b": b, "qr": qr_data_uri(checkin_url) if show_qr else "", "ahead": services.waiting_ahead(b)
        if b.status == Status.WAITING else 0, "record": record,
        "meetings": b.course.meetings.order_by("date", "starts_at") if b.course_id else [],
        "attended": set(b.attendances.values_list("session_id", flat=True)) if b.course_id else set()})


def _on_mine(request, number: str, step, success: str):
    """A step the worker takes on her own booking (its page says what came of it)."""
    worker = _worker(request)
    if worker is None:
        return redirect("scheduling_m:home")
    booking = selectors.my_booking(worker, number)
    return perform(request, lambda: step(actor=request.user, booking=booking), success=success,
                   then=reverse("scheduling_m:booking", args=[number]))


@login_required(login_url=LOGIN)
@require_POST
def confirm(request, number: str):
    return _on_mine(request, number, services.confirm, "已确认，名额为您保留。")


@login_required(login_url=LOGIN)
@require_POST
def cancel(request, number: str):
    return _on_mine(request, number, services.cancel, "预约已取消。")


@login_required(login_url=LOGIN)
def history(request):
    worker = _worker(request)
    rows = list(selectors.my_bookings(worker)[:200]) if worker else []
    return render(request, "scheduling/m_history.html", {"rows": rows})
