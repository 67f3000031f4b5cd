"""Pages of scheduling on /desk/: the sessions of a centre, one session (bookings, waitlist, check-in,
booking on a worker's behalf, walk-ins, calling it off, closing it), check-in by QR code, new schedules,
one-off sessions and courses, suspensions; a provider's own sessions. Thin: parse, call a service."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from gonghui.core.numbers import as_id
from gonghui.registry.models import Worker
from gonghui.registry.selectors import worker_search
from gonghui.web.actions import form_result, perform

from . import forms, recurrence, registry, selectors, services
from .models import PERM_MANAGE, PERM_PROVIDE, Booking, Service, Status, Suspension


def _require_manage(request) -> None:
    if not request.user.has_perm(PERM_MANAGE):
        raise PermissionDenied("您没有排班和签到的权限。")


def _date(text, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(str(text or ""))
    except ValueError:
        return default


@login_required
def sessions(request):
    _require_manage(request)
    today = timezone.localdate()
    start = _date(request.GET.get("from"), today)
    service = request.GET.get("service", "")
    rows = (selectors.sessions_for(request.user).filter(date__gte=start, date__lt=start + dt.timedelta(days=7))
            .select_related("service", "org", "place__centre", "course").prefetch_related("providers")
            .annotate(waiting=Count("bookings", filter=Q(bookings__status=Status.WAITING))))
    if service:
        rows = rows.filter(service__code=service)
    page = Paginator(rows.order_by("date", "starts_at", "pk"), 50).get_page(request.GET.get("page"))
    return render(request, "scheduling/sessions.html", {
        "page": page, "services": Service.objects.all(), "service": service, "start": start,
        "prev": start - dt.timedelta(days=7), "next": start + dt.timedelta(days=7), "today": today})


@login_required
def mine(request):
    """A provider's (or a clerk's) own sessions and courses, from today."""
    today = timezone.localdate()
    rows = (selectors.sessions_for(request.user).filter(Q(providers=request.user) | Q(course__providers=request.user),
                                                        date__gte=today)
            .select_related("service", "org", "place__centre", "course").distinct().order_by("date", "starts_at")[:200])
    courses = selectors.courses_for(request.user).filter(providers=request.user).select_related("service", "org")
    return render(request, "scheduling/mine.html", {"rows": rows, "courses": courses, "today": today})


def _records_link(session) -> tuple[str, str] | None:
    return registry.record_of(session.service.code)


@login_required
def session(request, pk: int):
    s = selectors.session_get(user=request.user, pk=pk)
    manage = services.may_manage(request.user, s.org)
    provider = services.is_provider(request.user, s)
    bookings = list(selectors.bookings_of(s))
    if s.course_id:
        attended = set(s.attendances.values_list("booking_id", flat=True))
        for b in bookings:
            b.here = b.pk in attended
    q = request.GET.get("q", "").strip()
    found = list(worker_search(user=request.user, q=q)[:10]) if q and manage else []
    record = _records_link(s)
    return render(request, "scheduling/session.html", {
        "s": s, "bookings": [b for b in bookings if b.status != Status.WAITING],
        "waiting": [b for b in bookings if b.status == Status.WAITING], "manage": manage, "provider": provider,
        "today": timezone.localdate(), "q": q, "found": found, "record": record if provider else None,
        "no_shows": services.no_show_counts({b.worker_id for b in bookings}, s.service),
        "is_past": s.start <= timezone.now(), "attended": sum(b.status == Status.ATTENDED for b in bookings)})


def _session_back(pk: int) -> str:
    return reverse("scheduling:session", args=[pk])


@login_required
@require_POST
def book_for(request, pk: int):
    s = selectors.session_get(user=request.user, pk=pk)
    worker = Worker.objects.visible_to(request.user).filter(pk=as_id(request.POST.get("worker"))).first()
    if worker is None:
        messages.error(request, "请先查找并选择职工。")
        return redirect(_session_back(pk))
    how = request.POST.get("how", "desk")
    if how == "walk_in":
        return perform(request, lambda: services.walk_in(actor=request.user, worker=worker, session=s),
                       success=f"{worker.name}已现场登记并签到。", then=_session_back(pk))
    channel = "phone" if how == "phone" else "desk"
    target = {"course": s.course} if s.course_id else {"session": s}
    return perform(request, lambda: services.book(actor=request.user, worker=worker, channel=channel, **target),
                   success=f"已为{worker.name}预约（如已约满则加入候补）。", then=_session_back(pk))


def _booking(request, pk: int) -> Booking:
    booking = Booking.objects.filter(
        Q(pk__in=Booking.objects.visible_to(request.user, PERM_MANAGE).values("pk"))
        | Q(pk__in=Booking.objects.visible_to(request.user, PERM_PROVIDE).values("pk")), pk=pk) \
        .select_related("session", "course", "worker", "service", "org").first()
    if booking is None:
        raise Http404
    return booking


@login_required
@require_POST
def booking_check_in(request, pk: int):
    booking = _booking(request, pk)
    back = request.POST.get("back") or ""
    then = back if back.startswith("/desk/") else reverse("scheduling:checkin")
    return perform(request, lambda: services.check_in(actor=request.user, booking=booking),
                   success=f"{booking.worker.name}签到成功。", then=then)


@login_required
@require_POST
def booking_cancel(request, pk: int):
    booking = _booking(request, pk)
    then = _session_back(booking.session_id) if booking.session_id else reverse("scheduling:course",
                                                                                args=[booking.course_id])
    return perform(request, lambda: services.cancel(actor=request.user, booking=booking),
                   success=f"已取消{booking.worker.name}的预约。", then=then)


@login_required
@require_POST
def session_cancel(request, pk: int):
    s = selectors.session_get(user=request.user, pk=pk)
    return perform(request, lambda: services.session_cancel(actor=request.user, session=s,
                                                            reason=request.POST.get("reason", "")),
                   success="场次已取消，已通知预约的职工。", then=_session_back(pk))


@login_required
@require_POST
def session_close(request, pk: int):
    s = selectors.session_get(user=request.user, pk=pk)
    return perform(request, lambda: services.session_close(actor=request.user, session=s),
                   success="已结束签到，未到场的预约记为爽约。", then=_session_back(pk))


@login_required
def checkin(request):
    """Check-in by the booking's QR code: a scanner types the code (or the address it holds) into the box,
    or a phone's camera opens this page with ``?code=``."""
    if not (request.user.has_perm(PERM_MANAGE) or request.user.has_perm(PERM_PROVIDE)):
        raise PermissionDenied("您没有签到的权限。")
    code = request.GET.get("code", "").strip()
    booking = services.find_by_code(code) if code else None
    error = ""
    if booking is not None:
        session = booking.session if booking.session_id else services.meeting_today(booking.course)
        target = session or booking.course
        if target is None or not services.may_serve(request.user, target):
            booking, error = None, "该预约不在本中心，或您没有为其签到的权限。"
    elif code:
        error = "未找到该预约码，请重新扫码或按姓名查找。"
    return render(request, "scheduling/checkin.html", {"code": code, "booking": booking, "error": error,
                                                       "today": timezone.localdate()})


# --- new schedules, sessions and courses ------------------------------------------------------------------

def _form_context(request, **extra) -> dict:
    chosen = request.POST.getlist("providers") if request.method == "POST" else []
    return {"centres": forms.centres_for(request.user, PERM_MANAGE), "providers": forms.provider_choices(),
            "chosen_providers": [int(v) for v in chosen if str(v).isdigit()],
            "weekday_names": list(enumerate(recurrence.WEEKDAYS)), **extra}


@login_required
def schedule_new(request):
    _require_manage(request)
    errors, values = {}, request.POST if request.method == "POST" else {}
    if request.method == "POST":
        done, errors = form_result(
            request, lambda: services.schedule_create(actor=request.user, **forms.schedule(
                request.POST, forms.centres_for(request.user, PERM_MANAGE))),
            success=lambda made: f"排班“{made.title}”已生成{made.sessions.count()}个场次。",
            then=lambda made: f"{reverse('scheduling:sessions')}?service={made.service.code}&from={made.starts_on}")
        if done:
            return done
    return render(request, "scheduling/schedule_new.html", _form_context(
        request, errors=errors, values=values, services=Service.objects.filter(active=True, kind="appointment"),
        chosen_weekdays=[int(d) for d in (values.getlist("weekdays") if values else []) if str(d).isdigit()]))


@login_required
def session_new(request):
    _require_manage(request)
    errors, values = {}, request.POST if request.method == "POST" else {}
    if request.method == "POST":
        done, errors = form_result(
            request, lambda: services.session_create(actor=request.user, **forms.session(
                request.POST, forms.centres_for(request.user, PERM_MANAGE))),
            success="场次已新增。", then=lambda made: _session_back(made.pk))
        if done:
            return done
    return render(request, "scheduling/session_new.html", _form_context(
        request, errors=errors, values=values, services=Service.objects.filter(active=True, kind="appointment")))


@login_required
def courses(request):
    rows = (selectors.courses_for(request.user).select_related("service", "org", "place")
            .annotate(waiting=Count("bookings", filter=Q(bookings__status=Status.WAITING)))
            .order_by("-created_at"))
    if not request.user.has_perm(PERM_MANAGE) and not rows.exists() and not request.user.has_perm(PERM_PROVIDE):
        raise PermissionDenied("您没有查看课程的权限。")
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(request, "scheduling/courses.html", {"page": page, "can_add": request.user.has_perm(PERM_MANAGE)})


@login_required
def course_new(request):
    _require_manage(request)
    errors, values = {}, request.POST if request.method == "POST" else {}
    if request.method == "POST":
        done, errors = form_result(
            request, lambda: services.course_create(actor=request.user, **forms.course(
                request.POST, forms.centres_for(request.user, PERM_MANAGE))),
            success=lambda made: f"课程“{made.title}”已开设。",
            then=lambda made: reverse("scheduling:course", args=[made.pk]))
        if done:
            return done
    return render(request, "scheduling/course_new.html", _form_context(
        request, errors=errors, values=values, services=Service.objects.filter(active=True, kind="course")))


@login_required
def course(request, pk: int):
    c = selectors.course_get(user=request.user, pk=pk)
    meetings = list(c.meetings.order_by("date", "starts_at"))
    enrolments = list(c.bookings.select_related("worker").annotate(n=Count("attendances")).order_by("pk"))
    return render(request, "scheduling/course.html", {
        "c": c, "meetings": meetings, "enrolled": [b for b in enrolments if b.status != Status.WAITING],
        "waiting": [b for b in enrolments if b.status == Status.WAITING], "today": timezone.localdate(),
        "can_serve": services.may_serve(request.user, c), "manage": services.may_manage(request.user, c.org)})


@login_required
@require_POST
def course_complete(request, pk: int):
    c = selectors.course_get(user=request.user, pk=pk)
    return perform(request, lambda: services.course_complete(actor=request.user, course=c),
                   success="已办理结业。", then=reverse("scheduling:course", args=[pk]))


@login_required
def suspensions(request):
    _require_manage(request)
    rows = (Suspension.objects.filter(worker__in=Worker.objects.visible_to(request.user), lifted_by__isnull=True,
                                      until__gte=timezone.localdate())
            .select_related("worker", "service").order_by("until"))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "scheduling/suspensions.html", {"page": page})


@login_required
@require_POST
def suspension_lift(request, pk: int):
    _require_manage(request)
    s = Suspension.objects.filter(pk=pk, worker__in=Worker.objects.visible_to(request.user)).first()
    if s is None:
        raise Http404
    return perform(request, lambda: services.suspension_lift(actor=request.user, suspension=s,
                                                              reason=request.POST.get("reason", "")),
                   success=f"已解除{s.worker.name}的暂停预约。", then=reverse("scheduling:suspensions"))
