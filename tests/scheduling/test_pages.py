"""The pages, as the clerk, the doctor and the worker use them: a new schedule (a mistake first, nothing typed
lost), the week's sessions, booking on /m/ with its QR code, check-in by scanning, booking on a worker's
behalf, and the figures."""

from __future__ import annotations

import datetime as dt
import io

from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from gonghui.core.pdf import qr_data_uri
from gonghui.orgs.models import ServiceCentre
from gonghui.scheduling import recurrence
from gonghui.scheduling.models import Booking, Schedule, Session, Status

from .conftest import next_weekday


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_clerk_makes_the_wednesday_clinic_after_a_mistake(staff, doctors, city):
    clerk = _as(staff["city_staff"])
    centre = ServiceCentre.objects.filter(org=city["jinjiang"]).first()
    start = next_weekday(0)
    form = {"service": "spine_clinic", "centre": centre.pk, "place": "脊椎养护室", "title": "每周三脊椎养护门诊",
            "capacity": "2", "slot_minutes": "30", "weekdays": ["2"], "blocks": "09:00-11:30，14:30-17:00",
            "starts_on": start.isoformat(), "ends_on": "", "providers": [doctors[0].pk]}
    page = clerk.post(reverse("scheduling:schedule_new"), form)
    text = page.content.decode()
    assert page.status_code == 200 and "请填写结束日期" in text
    assert "每周三脊椎养护门诊" in text and "09:00-11:30，14:30-17:00" in text and "脊椎养护室" in text
    assert 'value="2" checked' in text  # Wednesday still ticked
    form["ends_on"] = (start + dt.timedelta(weeks=4)).isoformat()
    done = clerk.post(reverse("scheduling:schedule_new"), form, follow=True)
    wednesdays = recurrence.dates([2], start, start + dt.timedelta(weeks=4))  # 4, unless one is a holiday
    assert f"已生成{len(wednesdays) * 10}个场次" in done.content.decode()
    schedule = Schedule.objects.get()
    assert schedule.place.name == "脊椎养护室" and list(schedule.providers.all()) == doctors[:1]
    week = clerk.get(reverse("scheduling:sessions") + f"?service=spine_clinic&from={start}").content.decode()
    assert week.count("09:30-10:00") == 1 and "骆医生" in week
    # 青阳's clerk sees none of the city's sessions
    assert "骆医生" not in _as(staff["qingyang_staff"]).get(
        reverse("scheduling:sessions") + f"?from={start}").content.decode()


def test_the_worker_books_on_the_phone_and_the_clerk_checks_her_in_by_scanning(session, staff, worker_user, today):
    s = session(capacity=1)
    worker = _as(worker_user("王芳"))
    listing = worker.get(reverse("scheduling_m:service", args=["spine_clinic"])).content.decode()
    assert "余1个名额" in listing
    booked = worker.post(reverse("scheduling_m:book", args=["spine_clinic"]), {"session": s.pk}, follow=True)
    text = booked.content.decode()
    assert "预约成功" in text and 'data-testid="qr"' in text
    booking = Booking.objects.get(session=s)
    # the QR holds the check-in address with her code (what the clerk's scanner types in)
    assert qr_data_uri(f"http://testserver/desk/scheduling/checkin/?code={booking.code}") in text
    # someone else finds it full and joins the waitlist
    other = _as(worker_user("张伟"))
    assert "已约满" in other.get(reverse("scheduling_m:service", args=["spine_clinic"])).content.decode()
    waiting = other.post(reverse("scheduling_m:book", args=["spine_clinic"]), {"session": s.pk}, follow=True)
    assert "已加入候补，排第1位" in waiting.content.decode()
    # another worker cannot open her booking
    assert other.get(reverse("scheduling_m:booking", args=[booking.number])).status_code == 404
    today(s.date)
    clerk = _as(staff["city_staff"])
    scanned = clerk.get(reverse("scheduling:checkin") + f"?code=http://x/desk/scheduling/checkin/?code={booking.code}")
    assert "王芳" in scanned.content.decode() and "确认签到" in scanned.content.decode()
    done = clerk.post(reverse("scheduling:check_in", args=[booking.pk]),
                      {"back": reverse("scheduling:session", args=[s.pk])}, follow=True)
    assert "王芳签到成功" in done.content.decode() and "已签到" in done.content.decode()
    bad = clerk.get(reverse("scheduling:checkin") + "?code=nothing").content.decode()
    assert "未找到该预约码" in bad
    assert "不在本中心" in _as(staff["qingyang_staff"]).get(
        reverse("scheduling:checkin") + f"?code={booking.code}").content.decode()


def test_booking_on_the_phone_for_a_worker(session, staff, people):
    s = session(capacity=2)
    clerk = _as(staff["city_staff"])
    found = clerk.get(reverse("scheduling:session", args=[s.pk]) + "?q=王芳").content.decode()
    assert 'data-testid="found-worker"' in found
    clerk.post(reverse("scheduling:book_for", args=[s.pk]), {"worker": people["王芳"].pk, "how": "phone"})
    booking = Booking.objects.get(session=s)
    assert booking.channel == "phone" and booking.status == Status.BOOKED
    page = clerk.get(reverse("scheduling:session", args=[s.pk])).content.decode()
    assert "电话预约" in page and "136****0001" in page


def test_a_past_session_closed_by_the_clerk_records_the_no_show(session, book, staff, today):
    s = session(capacity=2)
    book("李强", s)
    today(s.date + dt.timedelta(days=1))
    clerk = _as(staff["city_staff"])
    page = clerk.get(reverse("scheduling:session", args=[s.pk])).content.decode()
    assert 'data-testid="close-form"' in page
    clerk.post(reverse("scheduling:session_close", args=[s.pk]))
    page = clerk.get(reverse("scheduling:session", args=[s.pk])).content.decode()
    assert "爽约" in page and "1次" in page
    assert Session.objects.get(pk=s.pk).closed


def test_the_figures_count_by_service_and_month_and_export(session, book, staff, today, city):
    s = session(capacity=3)
    book("王芳", s)
    book("张伟", s)
    today(s.date)
    from gonghui.scheduling import services

    services.check_in(actor=staff["city_staff"], booking=Booking.objects.get(worker__name="王芳"))
    today(s.date + dt.timedelta(days=1))
    services.daily()
    leader = _as(staff["city_staff"])
    page = leader.get(reverse("scheduling_dash:figures") + f"?year={s.date.year}").content.decode()
    assert "脊椎养护门诊" in page and "50.0%" in page  # one came, one did not
    sheet = load_workbook(io.BytesIO(leader.get(reverse("scheduling_dash:figures") +
                                               f"?year={s.date.year}&format=xlsx").content)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert ["按服务", "脊椎养护门诊", 1, 3, 2, 1, 1, "50.0%"] in rows
    # 青阳 sees none of the city centre's
    town = _as(staff["qingyang_staff"]).get(reverse("scheduling_dash:figures") + f"?year={s.date.year}")
    assert "脊椎养护门诊" not in town.content.decode()


def test_the_doctor_sees_only_her_own_sessions(session, doctors, staff):
    mine = session(capacity=2)
    other = session(capacity=2, providers=[doctors[1]], start=dt.time(10), end=dt.time(10, 30))
    doctor = _as(doctors[0])
    page = doctor.get(reverse("scheduling:mine")).content.decode()
    assert reverse("scheduling:session", args=[mine.pk]) in page
    assert reverse("scheduling:session", args=[other.pk]) not in page
    assert doctor.get(reverse("scheduling:session", args=[other.pk])).status_code == 404
    assert doctor.get(reverse("scheduling:sessions")).status_code == 403


def test_a_doctor_lands_on_her_own_sessions(doctors, counsellors):
    for user in (doctors[0], counsellors[0]):
        response = _as(user).get(reverse("desk:start"))
        assert response.status_code == 302 and response["Location"] == reverse("scheduling:mine"), user.username


def test_a_clerk_opens_a_course_after_a_mistake_and_the_worker_enrols(staff, doctors, city, worker_user):
    clerk = _as(staff["city_staff"])
    centre = ServiceCentre.objects.filter(org=city["jinjiang"]).first()
    first = next_weekday(1)
    form = {"service": "taichi", "centre": centre.pk, "place": "职工健身活动室", "title": "24式太极拳", "capacity": "20",
            "required": "2", "completion_title": "健身运动骨干", "providers": [doctors[1].pk],
            "meetings": f"{first} 19:00-20:30\n{first + dt.timedelta(weeks=1)} 晚上七点"}
    page = clerk.post(reverse("scheduling:course_new"), form).content.decode()
    assert "第2行" in page and "应写作 2026-03-04 19:00-20:30" in page and "24式太极拳" in page
    form["meetings"] = f"{first} 19:00-20:30\n{first + dt.timedelta(weeks=1)} 19:00-20:30"
    done = clerk.post(reverse("scheduling:course_new"), form, follow=True).content.decode()
    assert "课程“24式太极拳”已开设" in done and done.count("19:00-20:30") == 2
    worker = _as(worker_user("王芳"))
    listing = worker.get(reverse("scheduling_m:service", args=["taichi"])).content.decode()
    assert "24式太极拳" in listing and "出勤满2次结业" in listing
    from gonghui.scheduling.models import Course

    course = Course.objects.get()
    enrolled = worker.post(reverse("scheduling_m:book", args=["taichi"]), {"course": course.pk}, follow=True)
    assert "预约成功" in enrolled.content.decode()
    assert "王芳" in clerk.get(reverse("scheduling:course", args=[course.pk])).content.decode()
