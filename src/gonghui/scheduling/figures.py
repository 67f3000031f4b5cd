"""Scheduling in figures on /dash/ (and its Excel export), counted from the rows in the viewer's subtree:
sessions, places, bookings, attendance and no-shows by service, by centre and by month of a year; courses
with their enrolments and completions."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractMonth
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from gonghui.core.numbers import count
from gonghui.core.spreadsheets import write_xlsx
from gonghui.orgs.models import Org
from gonghui.web.downloads import xlsx
from gonghui.web.periods import chosen_year

from .models import Booking, Course, Service, Session, Status

VIEW = "cases.view_case"
HEAD = ["场次", "名额", "预约", "签到", "爽约", "爽约率"]


def _rate(no_show: int, attended: int) -> str:
    done = no_show + attended
    return f"{no_show * 100 / done:.1f}%" if done else "—"


def _row(agg: dict) -> list:
    return [agg["sessions"], agg["places"] or 0, agg["booked"], agg["attended"], agg["no_show"],
            _rate(agg["no_show"], agg["attended"])]


def figures(*, user, year: int) -> dict:
    sessions = Session.objects.visible_to(user, VIEW).filter(date__year=year, cancelled=False, course__isnull=True)
    bookings = Booking.objects.filter(session__in=sessions.values("pk"))

    def grouped(key: str, book_key: str) -> dict:
        out: dict = defaultdict(lambda: {"sessions": 0, "places": 0, "booked": 0, "attended": 0, "no_show": 0})
        for row in sessions.values(key).annotate(sessions=Count("pk"), places=Sum("capacity")).order_by():
            out[row[key]].update(sessions=row["sessions"], places=row["places"])
        for row in bookings.values(book_key).annotate(
                booked=Count("pk", filter=Q(status__in=(Status.BOOKED, Status.ATTENDED, Status.NO_SHOW))),
                attended=Count("pk", filter=Q(status=Status.ATTENDED)),
                no_show=Count("pk", filter=Q(status=Status.NO_SHOW))).order_by():
            out[row[book_key]].update(booked=row["booked"], attended=row["attended"], no_show=row["no_show"])
        return out

    by_service = grouped("service_id", "service_id")
    by_org = grouped("org_id", "org_id")
    months = defaultdict(lambda: {"sessions": 0, "places": 0, "booked": 0, "attended": 0, "no_show": 0})
    for row in sessions.annotate(m=ExtractMonth("date")).values("m").annotate(
            sessions=Count("pk"), places=Sum("capacity")).order_by():
        months[row["m"]].update(sessions=row["sessions"], places=row["places"])
    for row in bookings.annotate(m=ExtractMonth("session__date")).values("m").annotate(
            booked=Count("pk", filter=Q(status__in=(Status.BOOKED, Status.ATTENDED, Status.NO_SHOW))),
            attended=Count("pk", filter=Q(status=Status.ATTENDED)),
            no_show=Count("pk", filter=Q(status=Status.NO_SHOW))).order_by():
        months[row["m"]].update(booked=row["booked"], attended=row["attended"], no_show=row["no_show"])
    names = dict(Service.objects.values_list("pk", "name"))
    orgs = dict(Org.objects.filter(pk__in=list(by_org)).values_list("pk", "name"))
    courses = Course.objects.visible_to(user, VIEW).filter(meetings__date__year=year).distinct()
    course_rows = []
    for c in courses.select_related("service").annotate(
            enrolled=Count("bookings", filter=Q(bookings__status__in=(Status.BOOKED, Status.ATTENDED)), distinct=True),
            completed=Count("bookings", filter=Q(bookings__completed_on__isnull=False), distinct=True)).order_by("pk"):
        course_rows.append([c.service.name, c.title, c.enrolled, c.completed, c.completion_title or "—"])
    total = {k: sum(v[k] for v in by_service.values()) for k in ("sessions", "places", "booked", "attended", "no_show")}
    return {
        "year": year,
        "services": [[names[pk], *_row(v)] for pk, v in sorted(by_service.items(), key=lambda kv: names[kv[0]])],
        "orgs": sorted(([orgs.get(pk, ""), *_row(v)] for pk, v in by_org.items()), key=lambda r: -r[1]),
        "months": [[f"{m}月", *_row(months[m])] for m in range(1, 13) if m in months],
        "total": ["合计", *_row(total)],
        "courses": course_rows,
        "completed": sum(r[3] for r in course_rows),
    }


def panel(user, period=None) -> dict:
    year = timezone.localdate().year
    f = figures(user=user, year=year)
    url = reverse("scheduling_dash:figures")
    total = f["total"]
    return {"figures": [("场次", count(total[1]), url), ("预约", count(total[3]), url), ("签到", count(total[4]), url),
                        ("爽约率", total[6], url), ("课程结业", count(f["completed"]), url)],
            "note": f"{year}年，心理咨询、脊椎养护门诊、女职工关爱等预约服务"}


@login_required
def page(request):
    if not request.user.has_perm(VIEW):
        raise PermissionDenied("您没有查看统计数据的权限。")
    year, years = chosen_year(request)
    f = figures(user=request.user, year=year)
    if request.GET.get("format") == "xlsx":
        rows = [["按服务", *r] for r in [*f["services"], f["total"]]] + [["按开设单位", *r] for r in f["orgs"]] + \
            [["按月份", *r] for r in f["months"]]
        return xlsx(write_xlsx(["分组", "名称", *HEAD], rows, sheet=f"{year}年"), f"预约服务统计-{year}.xlsx")
    tables = [("按服务", [*f["services"], f["total"]] if f["services"] else [], "by-service", "服务"),
              ("按开设单位", f["orgs"], "by-org", "开设单位"), ("按月份", f["months"], "by-month", "月份")]
    return render(request, "scheduling/dash.html", {"f": f, "years": years, "head": HEAD, "tables": tables})
