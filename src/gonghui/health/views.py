"""Pages of health services: the provider's record of a visit or a screening on /desk/, the worker's own
records and the care rooms on /m/, the panel on /dash/. Thin: parse, call a service."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils import timezone

from gonghui.cases.services import worker_of
from gonghui.core.numbers import count
from gonghui.scheduling.models import Booking, Session, Status
from gonghui.web.actions import form_result

from . import services
from .models import FIELDS, KIND_OF_SERVICE, CareRoom, HealthRecord


@login_required
def record(request, pk: int):
    booking = Booking.objects.filter(pk=pk).select_related("worker", "service", "session", "org").first()
    if booking is None or not services.is_provider_of(request.user, booking):
        raise Http404
    kind = KIND_OF_SERVICE.get(booking.service.code)
    if kind is None:
        raise Http404
    errors, values = {}, {}
    if request.method == "POST":
        values = request.POST
        done, errors = form_result(request, lambda: services.record_write(
            actor=request.user, booking=booking, values=request.POST, abnormal=request.POST.get("abnormal") == "1"),
            success="记录已保存。", then=reverse("scheduling:session", args=[booking.session_id]))
        if done:
            return done
    current = services.record_read(actor=request.user, booking=booking)
    if current is not None and not values:
        values = current.content() | {"abnormal": "1" if current.abnormal else ""}
    earlier = (HealthRecord.objects.filter(booking__worker=booking.worker, booking__service=booking.service,
                                           booking__org=booking.org).exclude(booking=booking)
               .select_related("booking__session", "author").order_by("-booking__session__date")[:10])
    return render(request, "health/record.html", {
        "b": booking, "fields": FIELDS[kind], "values": values, "errors": errors, "earlier": earlier,
        "title": "筛查结果" if kind == "screening" else "就诊记录"})


@login_required(login_url=reverse_lazy("portal:login"))
def mine(request):
    """The worker's own visits and screening results, and the care rooms."""
    worker = worker_of(request.user)
    records = HealthRecord.objects.none()
    if worker is not None:
        records = (HealthRecord.objects.filter(booking__worker=worker)
                   .select_related("booking__session", "booking__service").order_by("-booking__session__date"))
    rooms = CareRoom.objects.filter(active=True).select_related("centre").order_by("centre__name", "name")
    return render(request, "health/m_mine.html", {"records": records, "rooms": rooms, "worker": worker})


def panel(user, period=None) -> dict:
    year = timezone.localdate().year
    sessions = Session.objects.visible_to(user, "cases.view_case").filter(date__year=year)
    done = Booking.objects.filter(session__in=sessions.values("pk"), status=Status.ATTENDED).aggregate(
        visits=Count("pk", filter=Q(service__code="spine_clinic")),
        screenings=Count("pk", filter=Q(service__code="women_screening")))
    url = reverse("scheduling_dash:figures")
    return {"figures": [("脊椎养护就诊", count(done["visits"]), url), ("两癌筛查", count(done["screenings"]), url),
                        ("爱心妈咪小屋", count(CareRoom.objects.filter(active=True).count()), "")],
            "note": f"{year}年（人次）"}
