"""Demo data of health services and women's care, built through the real services at the moments they
happened (``core.demo.at``): a year of Wednesday spine clinics at the city centre with their visits (and the
no-shows the clerk recorded), next Wednesday's clinic with a full slot, its waitlist and a promotion waiting
for the demo worker to confirm, two tai chi courses (one completed, one taking enrolments), a screening
programme for women at 青阳 (last season's results, next month's bookings) and the care rooms. Deterministic,
idempotent. The clinic's, teacher's and doctors' names are invented."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from gonghui.accounts.demo_accounts import ensure_partner_people
from gonghui.accounts.models import PartnerKind
from gonghui.cases.demo_data import DEMO_WORKER_PHONE
from gonghui.core.demo import at
from gonghui.orgs.models import CentreKind, Org, ServiceCentre
from gonghui.registry.models import Worker, WorkerAccount
from gonghui.scheduling import services as scheduling
from gonghui.scheduling.models import Place, Schedule, Service, Session

from . import services
from .models import CareRoom

SEED = 2014  # the clinic opened in April 2014
COMPLAINTS = [("颈肩酸痛，久坐后加重", "颈椎手法放松、理疗20分钟", "每小时起身活动，做颈部米字操"),
              ("腰部酸胀，弯腰时疼痛", "腰椎推拿、热敷", "避免久站久坐，注意腰部保暖"),
              ("长期低头作业，头晕", "颈椎牵引、穴位按摩", "调整工位高度，两周后复诊"),
              ("搬运后腰痛三天", "腰背肌松解、理疗", "一周内避免搬重物"),
              ("肩背僵硬", "肩胛区手法松解", "做扩胸运动，每天两次")]


def _clerk():
    return get_user_model().objects.get(username="city_staff")


def _centre(org: Org) -> ServiceCentre:
    return ServiceCentre.objects.filter(org=org).exclude(kind=CentreKind.SANITATION).order_by("pk").first()


def build_health(today: dt.date | None = None) -> dict[str, int]:
    if Schedule.objects.filter(service__code="spine_clinic").exists() or not Worker.objects.exists():
        return {"visits": 0}
    today = today or timezone.localdate()
    rng = random.Random(SEED)  # noqa: S311 - deterministic demo data
    root = Org.objects.get(depth=1)
    clerk = _clerk()
    doctors = ensure_partner_people(name="晋江市职工健康指导中心", kind=PartnerKind.CLINIC, role="health_provider",
                                    people=["骆志华", "蔡美玲", "柯国强"], prefix="doctor", title="医师",
                                    phone="0595-85610000", address="晋江市青阳街道（演示地址）")
    teacher = doctors[2]  # the health-guidance centre's tai chi teacher (八段)
    screeners = ensure_partner_people(name="晋江市妇幼保健院（女职工筛查）", kind=PartnerKind.CLINIC,
                                      role="health_provider", people=["颜秀琴"], prefix="screening", title="医师")
    centre = _centre(root)
    room = Place.objects.get_or_create(centre=centre, name="脊椎养护室")[0]
    workers = list(Worker.objects.filter(membership="member").order_by("pk")[:400])
    rng.shuffle(workers)
    clinic = Service.objects.get(code="spine_clinic")
    start = today - dt.timedelta(days=340)  # a year back (a schedule covers at most 400 days)
    with at(start - dt.timedelta(days=7)):
        scheduling.schedule_create(
            actor=clerk, service=clinic, org=root, place=room, title="每周三脊椎养护门诊", weekdays=[2],
            blocks=[["09:00", "11:30"], ["14:30", "17:00"]], slot_minutes=30, capacity=2, starts_on=start,
            ends_on=today + dt.timedelta(days=56), providers=doctors[:2])
    visits = _clinic_history(rng, clinic, clerk, doctors, workers[:250], today)
    _waitlist_in_progress(clinic, clerk, workers[250:260], today)
    courses = _taichi(root, centre, clerk, teacher, workers[260:330], today)
    screenings = _screenings(rng, screeners, today)
    rooms = _care_rooms()
    return {"visits": visits, "courses": courses, "screenings": screenings, "care_rooms": rooms}


def _clinic_history(rng, clinic, clerk, doctors, workers, today) -> int:
    """The past Wednesdays: 1–2 bookings in about half the slots, most came (the doctor wrote the visit),
    the rest were recorded as no-shows when the clerk closed the day's sign-in."""
    visits = 0
    pool = iter(workers * 4)
    past = Session.objects.filter(service=clinic, date__lt=today).order_by("date", "starts_at")
    for session in past:
        if rng.random() > 0.5:
            continue
        for _ in range(rng.choice((1, 1, 2))):
            worker = next(pool)
            with at(session.date - dt.timedelta(days=rng.randint(1, 6)), 20):
                try:
                    booking = scheduling.book(actor=clerk, worker=worker, session=session, channel="phone")
                except ValidationError:  # suspended after no-shows: the clerk told them on the phone
                    continue
            if rng.random() < 0.88:
                with at(session.date, session.starts_at.hour, session.starts_at.minute):
                    scheduling.check_in(actor=clerk, booking=booking)
                    booking.refresh_from_db()
                    complaint, treatment, advice = rng.choice(COMPLAINTS)
                    services.record_write(actor=doctors[session.starts_at.hour >= 12], booking=booking,
                                          values={"complaint": complaint, "treatment": treatment, "advice": advice},
                                          abnormal=rng.random() < 0.05)
                visits += 1
    for day in sorted({s.date for s in past}):
        with at(day, 17, 30):
            for session in Session.objects.filter(service=clinic, date=day, closed=False):
                scheduling.session_close(actor=clerk, session=session)
    return visits


def _demo_worker():
    account = WorkerAccount.objects.filter(user__username=DEMO_WORKER_PHONE).select_related("worker").first()
    return account.worker if account else None


def _waitlist_in_progress(clinic, clerk, workers, today) -> None:
    """Next Wednesday 9:00 is full (two booked), two wait; one of the booked cancels three days before, and
    the first on the waitlist — the demo worker, 13800000001 — is offered the place to confirm on /m/."""
    session = Session.objects.filter(service=clinic, date__gt=today, starts_at=dt.time(9)).order_by("date").first()
    if session is None:
        return
    demo = _demo_worker()
    waiting = [demo] if demo else []
    queue = [workers[0], workers[1], *waiting, workers[2]]
    first = None
    for worker in queue:
        booking = scheduling.book(actor=clerk, worker=worker, session=session, channel="phone")
        first = first or booking
    later = list(Session.objects.filter(service=clinic, date=session.date, starts_at__gt=dt.time(9)))
    for worker, slot in zip(workers[3:8], later[::2], strict=False):  # other slots of the day
        scheduling.book(actor=clerk, worker=worker, session=slot, channel="phone")
    scheduling.cancel(actor=clerk, booking=first)  # she phoned: something came up


def _taichi(root, centre, clerk, teacher, workers, today) -> int:
    taichi = Service.objects.get(code="taichi")
    hall = Place.objects.get_or_create(centre=centre, name="职工健身活动室")[0]
    made = 0
    # the spring course, over
    spring = today - dt.timedelta(days=200)
    spring += dt.timedelta(days=(1 - spring.weekday()) % 7)  # a Tuesday
    meetings = [(spring + dt.timedelta(weeks=n), dt.time(19), dt.time(20, 30)) for n in range(8)]
    with at(spring - dt.timedelta(days=20)):
        course = scheduling.course_create(
            actor=clerk, service=taichi, org=root, place=hall, title="24式太极拳（第一期）", capacity=30, required=6,
            completion_title="健身运动骨干", meetings=meetings, providers=[teacher],
            description="八段太极名师授课，每周二晚，共8次")
    rng = random.Random(8)  # noqa: S311 - deterministic demo data
    with at(spring - dt.timedelta(days=10)):
        enrolled = [scheduling.book(actor=clerk, worker=w, course=course, channel="desk") for w in workers[:28]]
    for day, _start, _end in meetings:
        with at(day, 19):
            for booking in enrolled:
                if rng.random() < 0.85:
                    scheduling.check_in(actor=teacher, booking=booking)
    with at(meetings[-1][0], 21):
        scheduling.course_complete(actor=teacher, course=course)
    made += 1
    # the winter course, taking enrolments
    first = today + dt.timedelta(days=(1 - today.weekday()) % 7 or 7)
    with at(today - dt.timedelta(days=5)):
        course = scheduling.course_create(
            actor=clerk, service=taichi, org=root, place=hall, title="24式太极拳（第二期）", capacity=30, required=6,
            completion_title="健身运动骨干", providers=[teacher], description="零基础可报，每周二晚，共8次",
            meetings=[(first + dt.timedelta(weeks=n), dt.time(19), dt.time(20, 30)) for n in range(8)])
        for w in workers[28:46]:
            scheduling.book(actor=clerk, worker=w, course=course, channel="desk")
    return made + 1


SCREENING_RESULTS = {True: {"result": "乳腺超声：结节，BI-RADS 3类；宫颈TCT：未见异常", "advice": "半年后复查乳腺超声"},
                     False: {"result": "乳腺超声、宫颈TCT均未见异常", "advice": "每年筛查一次"}}


def _screenings(rng, screeners, today) -> int:
    """两癌筛查 at 青阳's centre: last season (results recorded) and next month (bookings)."""
    qingyang = Org.objects.get(code="qingyang")
    clerk = get_user_model().objects.get(username="qingyang_staff")
    centre = _centre(qingyang)
    service = Service.objects.get(code="women_screening")
    women = list(Worker.objects.filter(org__path__startswith=qingyang.path, gender="F", membership="member")
                 .order_by("pk")[:60])
    done = 0
    for offset, count in ((-75, 30), (30, 14)):
        day = today + dt.timedelta(days=offset)
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        with at(min(day, today) - dt.timedelta(days=14)):
            session = scheduling.session_create(actor=clerk, service=service, org=qingyang,
                                                place=Place.objects.get_or_create(centre=centre, name="体检室")[0],
                                                date=day, starts_at=dt.time(8, 30), ends_at=dt.time(11, 30),
                                                capacity=40, providers=screeners)
            bookings = [scheduling.book(actor=clerk, worker=w, session=session, channel="desk")
                        for w in (women[:count] if offset < 0 else women[30:30 + count])]
        if offset > 0:
            continue
        for booking in bookings:
            with at(day, 9):
                if rng.random() < 0.9:
                    scheduling.check_in(actor=clerk, booking=booking)
                    booking.refresh_from_db()
                    abnormal = rng.random() < 0.1
                    values = SCREENING_RESULTS[abnormal]
                    services.record_write(actor=screeners[0], booking=booking, abnormal=abnormal, values=values)
                    done += 1
        with at(day, 17):
            scheduling.session_close(actor=clerk, session=session)
    return done


ROOMS = [("jinjiang", "市职工服务中心爱心妈咪小屋", "服务中心一楼东侧", "哺乳椅、冰箱、温奶器、尿布台"),
         ("qingyang", "青阳爱心妈咪小屋", "服务中心二楼", "哺乳椅、冰箱、洗手台"),
         ("meiling", "梅岭爱心妈咪小屋", "服务中心一楼", "哺乳椅、冰箱、消毒柜"),
         ("luoshan", "罗山爱心妈咪小屋", "服务中心二楼", "哺乳椅、冰箱")]


def _care_rooms() -> int:
    made = 0
    for code, name, location, facilities in ROOMS:
        org = Org.objects.filter(code=code).first()
        centre = _centre(org) if org else None
        if centre is not None:
            CareRoom.objects.get_or_create(centre=centre, name=name, defaults={
                "location": location, "facilities": facilities, "hours": "工作日 8:00-18:00"})
            made += 1
    return made
