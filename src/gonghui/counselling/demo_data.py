"""Demo data of counselling, built through the real services at the moments they happened
(``core.demo.at``): the counselling practice under agreement and its two counsellors, the room's calendar
(Tuesday and Thursday afternoons, an hour a session) with past sessions and their notes and the coming
weeks' bookings, hotline calls, mailbox letters (some answered) and the women workers' group courses at
enterprises. The notes are invented and only their authors (counsellor1, counsellor2) can read them.
Deterministic, idempotent."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from gonghui.accounts.demo_accounts import ensure_partner_people
from gonghui.accounts.models import PartnerKind
from gonghui.cases.demo_data import worker_account
from gonghui.core.demo import at
from gonghui.orgs.models import Org, ServiceCentre
from gonghui.registry.models import Enterprise, Worker, WorkerAccount
from gonghui.scheduling import services as scheduling
from gonghui.scheduling.models import Place, Schedule, Service, Session

from . import services

SEED = 800  # 800+ consultations in four years
NOTES = ["工作压力大，睡眠差。做了放松训练，约两周后复诊。", "与班组长关系紧张。讨论了沟通方式，布置了情绪记录作业。",
         "子女教育焦虑。给予支持，建议家庭沟通。", "刚到晋江务工，思乡、孤独。介绍了工会活动和职工书屋。",
         "婚姻矛盾，情绪低落。评估后建议每周一次咨询。"]
LETTERS = [("夜班睡不着", "换到夜班三个月了，白天怎么也睡不着，人很烦躁，怎么办？"),
           ("和同事处不好", "车间里有个同事总针对我，我不知道该怎么处理，又不想辞职。"),
           ("孩子不听话", "孩子在老家上初中，打电话总是不说话，我很担心他。"),
           ("压力很大", "厂里订单多，天天加班，感觉喘不过气来。"),
           ("想家", "第一次出来打工，很想家，晚上经常哭。"),
           ("情绪低落", "最近做什么都提不起兴趣，不知道是不是生病了。")]
ANSWERS = ("谢谢你的来信。你的感受很常见，不必自责。建议先试试规律作息和睡前放松练习；"
           "如果持续两周没有好转，欢迎预约面谈，咨询内容严格保密。")
ENTERPRISES_COURSES = ["女职工情绪管理与压力调适", "婚恋家庭与亲子沟通", "职场人际关系", "心理健康与幸福力"]


def build_counselling(today: dt.date | None = None) -> dict[str, int]:
    if Schedule.objects.filter(service__code="counselling").exists() or not Worker.objects.exists():
        return {"contacts": 0}
    today = today or timezone.localdate()
    rng = random.Random(SEED)  # noqa: S311 - deterministic demo data
    root = Org.objects.get(depth=1)
    clerk = get_user_model().objects.get(username="city_staff")
    counsellors = ensure_partner_people(name="晋江市心语心理咨询中心", kind=PartnerKind.COUNSELLING, role="counsellor",
                                        people=["苏婉清", "林建平"], prefix="counsellor", title="国家二级心理咨询师",
                                        phone="0595-85620000")
    centre = ServiceCentre.objects.filter(org=root).order_by("pk").first()
    room = Place.objects.get_or_create(centre=centre, name="心理咨询室")[0]
    service = Service.objects.get(code="counselling")
    start, end = today - dt.timedelta(days=180), today + dt.timedelta(days=42)
    for weekday, counsellor in ((1, counsellors[0]), (3, counsellors[1])):
        with at(start - dt.timedelta(days=7)):
            scheduling.schedule_create(
                actor=clerk, service=service, org=root, place=room, title=f"心理咨询室（{counsellor.name}）",
                weekdays=[weekday], blocks=[["14:30", "17:30"]], slot_minutes=60, capacity=1, starts_on=start,
                ends_on=end, providers=[counsellor])
    workers = list(Worker.objects.filter(membership="member").order_by("-pk")[:300])
    rng.shuffle(workers)
    pool = iter(workers)
    contacts = 0
    for session in Session.objects.filter(service=service).order_by("date", "starts_at"):
        if rng.random() > (0.35 if session.date < today else 0.25):
            continue
        worker = next(pool)
        with at(min(session.date, today) - dt.timedelta(days=rng.randint(2, 8)), 12):
            try:
                booking = scheduling.book(actor=clerk, worker=worker, session=session, channel="phone")
            except ValidationError:
                continue
        if session.date >= today:
            continue
        counsellor = session.providers.get()
        with at(session.date, session.starts_at.hour):
            scheduling.check_in(actor=clerk, booking=booking)
            booking.refresh_from_db()
            contact = services.contact_for_booking(actor=counsellor, booking=booking)
            services.note_write(actor=counsellor, contact=contact, note=rng.choice(NOTES), risk=rng.random() < 0.04)
        contacts += 1
    for day in sorted({s.date for s in Session.objects.filter(service=service, date__lt=today)}):
        with at(day, 18):
            for session in Session.objects.filter(service=service, date=day, closed=False):
                scheduling.session_close(actor=clerk, session=session)
    for n in range(40):  # the hotline
        day = today - dt.timedelta(days=rng.randint(1, 360))
        counsellor = counsellors[n % 2]
        with at(day, rng.randint(9, 16)):
            services.contact_log(actor=counsellor, channel="hotline", occurred_on=day, minutes=rng.randint(10, 50),
                                 client_label=rng.choice(["陈先生", "王女士", "匿名", "李女士", "张先生"]),
                                 note=rng.choice(NOTES), risk=n == 7)
        contacts += 1
    letters = _mailbox(rng, counsellors, today)
    groups = _group_courses(rng, clerk, root, today)
    return {"contacts": contacts, "letters": letters, "groups": groups}


def _mailbox(rng, counsellors, today) -> int:
    writers = list(Worker.objects.filter(phone__gt="").exclude(
        pk__in=WorkerAccount.objects.filter(worker__isnull=False).values("worker")).order_by("pk")[:6])
    made = 0
    for n, writer in enumerate(writers):
        user = worker_account(writer, writer.phone)
        subject, body = LETTERS[n % len(LETTERS)]
        day = today - dt.timedelta(days=30 - 4 * n)
        with at(day, 21):
            letter = services.letter_write(actor=user, subject=subject, body=body)
        if n < 4:
            with at(day + dt.timedelta(days=2), 10):
                services.letter_answer(actor=counsellors[n % 2], letter=letter, answer=ANSWERS)
        made += 1
    return made


def _group_courses(rng, clerk, root, today) -> int:
    enterprises = list(Enterprise.objects.order_by("-size", "pk")[:10])  # the largest employers
    for n, enterprise in enumerate(enterprises):
        day = today - dt.timedelta(days=20 + 30 * n)
        with at(day, 15):
            services.group_course_add(actor=clerk, org=root, enterprise=enterprise, enterprise_name=enterprise.name,
                                      held_on=day, title=ENTERPRISES_COURSES[n % len(ENTERPRISES_COURSES)],
                                      participants=rng.randint(40, 320), women=n % 3 != 2)
    return len(enterprises)

