"""Every write of scheduling: schedules and sessions, booking, the waitlist, cancellation, check-in,
no-shows and suspension, courses. Each function takes its ``actor``, checks permission and state, runs in
one transaction and leaves an audit record; the worker is told by SMS and an in-app message.

Capacity is never exceeded: a place is taken by ``UPDATE … SET taken = taken + 1 WHERE taken < capacity``
(zero rows: the session is full and the worker joins the waitlist), in the same transaction as the
booking row, so concurrent requests for the last place give it to exactly one of them. A place freed (a
cancellation, an offer not confirmed, a session enlarged) is offered at once to the first on the
waitlist, who has ``Service.confirm_hours`` to confirm it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone

from gonghui.cases.services import worker_of
from gonghui.core import audit, inbox, sms
from gonghui.core.errors import Conflict
from gonghui.core.numbering import next_value
from gonghui.orgs.scoping import assigned_perms, in_scope
from gonghui.registry.models import BindingStatus, Membership, WorkerAccount

from . import recurrence
from .models import (
    HOLDING,
    LIVE,
    PERM_MANAGE,
    PERM_PROVIDE,
    Attendance,
    Booking,
    Channel,
    Course,
    Kind,
    Place,
    Schedule,
    Service,
    Session,
    Status,
    Suspension,
)


class PlaceName(NamedTuple):
    """A room of a centre named on a form: found, or added, by the service that uses it."""

    centre: object
    name: str


def _place(place):
    if isinstance(place, PlaceName):
        return Place.objects.get_or_create(centre=place.centre, name=place.name)[0]
    return place


#: a check-in code as ``Booking.code`` makes it (secrets.token_urlsafe)
CODE = re.compile(r"[A-Za-z0-9_-]{8,32}")

#: at most this many sessions from one schedule (a year of slots of a busy clinic is about 1,000)
MAX_SESSIONS = 3000


# --- who may -----------------------------------------------------------------------------------------------

def may_manage(user, org) -> bool:
    return in_scope(user, org.path, PERM_MANAGE)


def is_provider(user, target) -> bool:
    """``user`` is named on the session or course (or, for a course meeting, on its course) and holds the
    providers' assignment-scoped permission."""
    if user is None or not user.is_authenticated or PERM_PROVIDE not in assigned_perms(user):
        return False
    if target.providers.filter(pk=user.pk).exists():
        return True
    return isinstance(target, Session) and target.course_id is not None and \
        target.course.providers.filter(pk=user.pk).exists()


def may_serve(user, target) -> bool:
    """Staff of the organisation above the session, or one of its providers: check-in, attendance."""
    return may_manage(user, target.org) or is_provider(user, target)


def _require_manage(actor, org, what: str) -> None:
    if not may_manage(actor, org):
        raise PermissionDenied(f"您没有{what}的权限。")


def _now():
    return timezone.now()


# --- telling the worker ------------------------------------------------------------------------------------

def tell(worker, title: str, body: str) -> None:
    """An in-app message to the worker's account (when they have one) and an SMS to their phone, both
    after the caller's transaction commits."""
    account = (WorkerAccount.objects.filter(worker=worker, status=BindingStatus.BOUND).select_related("user")
               .first())
    if account is not None:
        inbox.deliver(account.user, title, body)
    if worker.phone:
        sms.send_later(worker.phone, f"【职工服务】{body}")


def when(target) -> str:
    if isinstance(target, Course):
        first = target.meetings.order_by("date", "starts_at").first()
        return f"课程“{target.title}”" + (f"（{first.date:%m月%d日}开课）" if first else "")
    return f"{target.service.name}（{target.date:%m月%d日} {target.starts_at:%H:%M}-{target.ends_at:%H:%M}）"


# --- schedules and sessions --------------------------------------------------------------------------------

def _check_capacity(capacity) -> int:
    try:
        capacity = int(capacity)
    except (TypeError, ValueError):
        raise ValidationError({"capacity": "名额应为整数。"}) from None
    if not 1 <= capacity <= 500:
        raise ValidationError({"capacity": "名额应在1到500之间。"})
    return capacity


def _check_providers(org, providers) -> list:
    """Providers are partner users holding the providers' role, of an organisation under agreement with the
    session's union or one above it."""
    providers = list(providers or [])
    for user in providers:
        if PERM_PROVIDE not in assigned_perms(user) or user.partner is None:
            raise ValidationError({"providers": f"{user.display_name}不是签约的服务人员"
                                                "（咨询师、医生、老师或值班律师）。"})
        if not org.path.startswith(user.partner.org.path):
            raise ValidationError({"providers": f"{user.display_name}所在的{user.partner.name}"
                                                f"未与{org.name}或其上级工会签约。"})
    return providers


def schedule_create(*, actor, service: Service, org, title: str, weekdays, blocks, capacity, starts_on: dt.date,
                    ends_on: dt.date, slot_minutes: int | None = None, place: Place | PlaceName | None = None,
                    on_holiday: str = "skip", on_make_up: str = "skip", providers=()) -> Schedule:
    """A recurring schedule and all its sessions from ``starts_on`` to ``ends_on`` (holidays and make-up
    working days as its rules say)."""
    _require_manage(actor, org, "在该单位排班")
    errors = {}
    weekdays = sorted({int(d) for d in weekdays or [] if str(d).isdigit() and 0 <= int(d) <= 6})
    if not weekdays:
        errors["weekdays"] = "请选择每周的开放日。"
    if not (title or "").strip():
        errors["title"] = "请填写排班名称，例如“每周三脊椎养护门诊”。"
    if ends_on < starts_on:
        errors["ends_on"] = "结束日期不能早于开始日期。"
    elif (ends_on - starts_on).days > recurrence.MAX_DAYS:
        errors["ends_on"] = f"一次排班最长{recurrence.MAX_DAYS}天，明年请重新排班。"
    if slot_minutes is not None and not 5 <= int(slot_minutes) <= 240:
        errors["slot_minutes"] = "每号时长应在5到240分钟之间。"
    if errors:
        raise ValidationError(errors)
    capacity = _check_capacity(capacity)
    providers = _check_providers(org, providers)
    times = recurrence.slots(blocks, slot_minutes)
    days = recurrence.dates(weekdays, starts_on, ends_on, on_holiday=on_holiday, on_make_up=on_make_up)
    if len(days) * len(times) > MAX_SESSIONS:
        raise ValidationError(f"该排班将生成{len(days) * len(times)}个场次，超过上限{MAX_SESSIONS}，"
                              "请缩短日期范围或加长每号时长。")
    if not days:
        raise ValidationError("所选日期范围内没有开放日（可能都是节假日）。")
    with transaction.atomic():
        place = _place(place)
        schedule = Schedule.objects.create(
            service=service, org=org, place=place, title=title.strip(), weekdays=weekdays, blocks=blocks,
            slot_minutes=slot_minutes or None, capacity=capacity, starts_on=starts_on, ends_on=ends_on,
            on_holiday=on_holiday, on_make_up=on_make_up, created_by=actor)
        schedule.providers.set(providers)
        sessions = Session.objects.bulk_create([
            Session(service=service, org=org, schedule=schedule, place=place, date=day, starts_at=start,
                    ends_at=end, capacity=capacity) for day in days for start, end in times])
        _name_providers(sessions, providers)
        audit.record(actor=actor, action="scheduling.schedule_create", obj=schedule,
                     summary=f"{service.name}排班“{schedule.title}”：{starts_on}至{ends_on}，{len(sessions)}个场次")
    return schedule


def _name_providers(sessions, providers) -> None:
    through = Session.providers.through
    through.objects.bulk_create([through(session_id=s.pk, user_id=u.pk) for s in sessions for u in providers])


def session_create(*, actor, service: Service, org, date: dt.date, starts_at: dt.time, ends_at: dt.time, capacity,
                   place: Place | PlaceName | None = None, providers=(), course: Course | None = None) -> Session:
    """A one-off session (or a meeting of ``course``)."""
    _require_manage(actor, org, "在该单位排班")
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": "结束时间应晚于开始时间。"})
    capacity = course.capacity if course is not None else _check_capacity(capacity)
    providers = _check_providers(org, providers)
    with transaction.atomic():
        place = _place(place)
        session = Session.objects.create(service=service, org=org, place=place, date=date, starts_at=starts_at,
                                         ends_at=ends_at, capacity=capacity, course=course)
        session.providers.set(providers)
        audit.record(actor=actor, action="scheduling.session_create", obj=session, summary=f"新增场次：{session}")
    return session


def course_create(*, actor, service: Service, org, title: str, capacity, required, meetings, place=None,
                  providers=(), completion_title: str = "", description: str = "") -> Course:
    """A course and its meetings (``[(date, start, end), …]``)."""
    _require_manage(actor, org, "在该单位开设课程")
    if service.kind != Kind.COURSE:
        raise ValidationError(f"“{service.name}”不是课程类服务。")
    errors = {}
    if not (title or "").strip():
        errors["title"] = "请填写课程名称。"
    if not meetings:
        errors["meetings"] = "请填写课程的上课时间。"
    try:
        required = int(required)
    except (TypeError, ValueError):
        required = -1
    if not 1 <= required <= max(len(meetings), 1):
        errors["required"] = f"结业所需出勤次数应在1到{max(len(meetings), 1)}之间。"
    if errors:
        raise ValidationError(errors)
    capacity = _check_capacity(capacity)
    providers = _check_providers(org, providers)
    with transaction.atomic():
        place = _place(place)
        course = Course.objects.create(service=service, org=org, place=place, title=title.strip(), capacity=capacity,
                                       required=required, completion_title=completion_title.strip(),
                                       description=description.strip())
        course.providers.set(providers)
        Session.objects.bulk_create([
            Session(service=service, org=org, course=course, place=place, date=day, starts_at=start, ends_at=end,
                    capacity=capacity) for day, start, end in sorted(meetings)])
        audit.record(actor=actor, action="scheduling.course_create", obj=course,
                     summary=f"开设课程“{course.title}”：{len(meetings)}次课，{capacity}个名额")
    return course


def session_cancel(*, actor, session: Session, reason: str) -> int:
    """The centre calls a session off: everyone booked or waiting is told. Returns how many were told."""
    _require_manage(actor, session.org, "取消场次")
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError({"reason": "请说明取消原因（将通知已预约的职工）。"})
    with transaction.atomic():
        if not Session.objects.filter(pk=session.pk, cancelled=False).update(cancelled=True, cancel_reason=reason):
            raise Conflict("该场次已取消。")
        if session.course_id:  # one meeting of a course: the enrolments stand, everyone is told
            bookings = list(Booking.objects.filter(course_id=session.course_id, status__in=LIVE)
                            .select_related("worker"))
            for booking in bookings:
                tell(booking.worker, "课程停课",
                     f"课程“{session.course.title}”{session.date:%m月%d日}的课因{reason}停课。")
        else:
            bookings = list(Booking.objects.filter(session=session, status__in=LIVE).select_related("worker"))
            Booking.objects.filter(pk__in=[b.pk for b in bookings]).update(status=Status.CALLED_OFF,
                                                                          cancelled_at=_now())
            for booking in bookings:
                tell(booking.worker, "预约场次取消", f"很抱歉，您预约的{when(session)}因{reason}取消，请另行预约。")
        audit.record(actor=actor, action="scheduling.session_cancel", obj=session,
                     summary=f"取消场次{session}：{reason}；通知{len(bookings)}人")
    return len(bookings)


# --- booking -----------------------------------------------------------------------------------------------

def suspension_of(worker, service) -> Suspension | None:
    return (Suspension.objects.filter(worker=worker, service=service, until__gte=timezone.localdate(),
                                      lifted_by__isnull=True).order_by("-until").first())


def unavailable(worker, service: Service) -> str:
    """Why ``worker`` may not book ``service`` now, in Chinese, or ``""``."""
    if not service.active:
        return f"“{service.name}”暂停预约。"
    if service.women_only and worker.gender != "F":
        return f"“{service.name}”是女职工关爱项目，仅限女职工预约。"
    if service.members_only and worker.membership != Membership.MEMBER:
        return f"“{service.name}”面向工会会员。"
    suspension = suspension_of(worker, service)
    if suspension is not None:
        return f"您因{suspension.reason}，{suspension.until:%Y年%m月%d日}前暂停预约“{service.name}”。"
    return ""


def _acting_for(actor, worker, org, channel: str) -> str:
    if channel == Channel.M:
        own = worker_of(actor)
        if own is None or own.pk != worker.pk:
            raise PermissionDenied("只能为本人预约。")
        return channel
    _require_manage(actor, org, "为职工代约")
    return channel


def book(*, actor, worker, session: Session | None = None, course: Course | None = None,
         channel: str = Channel.M) -> Booking:
    """Book a place, or join the waitlist when the session or course is full."""
    target = session if session is not None else course
    if target is None:
        raise ValidationError("请选择场次或课程。")
    _acting_for(actor, worker, target.org, channel)
    service = target.service
    reason = unavailable(worker, service)
    if reason:
        raise ValidationError(reason)
    if target.cancelled:
        raise ValidationError("该场次已取消。")
    if isinstance(target, Session):
        if target.course_id:
            raise ValidationError("课程请整体报名。")
        if target.start <= _now() and channel != Channel.WALK_IN:
            raise ValidationError("该场次已开始或已结束，请选择其他场次。")
    else:
        first = target.meetings.order_by("date", "starts_at").first()
        if target.completed_on or (first is not None and first.date < timezone.localdate()):
            raise ValidationError("该课程已开课，报名已截止。")
    if Booking.objects.filter(**{"session" if session else "course": target}, worker=worker, status__in=LIVE).exists():
        raise ValidationError("您已预约该场次，无需重复预约。" if session else "您已报名该课程。")
    expire_offers(target)
    model = type(target)
    try:
        with transaction.atomic():
            has_place = not Booking.objects.filter(**{"session" if session else "course": target},
                                                   status__in=(Status.WAITING,)).exists() and \
                model.objects.filter(pk=target.pk, taken__lt=F("capacity"), cancelled=False).update(
                    taken=F("taken") + 1)
            booking = Booking.objects.create(
                number=f"YY-{timezone.localdate().year}-{next_value('YY', timezone.localdate().year):06d}",
                service=service, org=target.org, session=session, course=course, worker=worker,
                status=Status.BOOKED if has_place else Status.WAITING, channel=channel, booked_by=actor)
            audit.record(actor=actor, action="scheduling.book", obj=booking,
                         summary=f"{booking.get_channel_display()}：{when(target)}，{booking.get_status_display()}")
            if has_place:
                tell(worker, "预约成功", f"您已预约{when(target)}，预约号{booking.number}。请凭预约二维码到场签到。")
            else:
                ahead = Booking.objects.filter(**{"session" if session else "course": target},
                                               status=Status.WAITING, pk__lt=booking.pk).count()
                tell(worker, "已加入候补",
                     f"{when(target)}已约满，您已加入候补，排第{ahead + 1}位。有名额空出时会通知您确认。")
    except IntegrityError:
        raise Conflict("您已预约该场次，无需重复预约。") from None
    return booking


def waiting_ahead(booking: Booking) -> int:
    field = "session" if booking.session_id else "course"
    return Booking.objects.filter(**{field: booking.target}, status=Status.WAITING, pk__lt=booking.pk).count()


def _offer_deadline(target) -> dt.datetime:
    service = target.service
    until = _now() + dt.timedelta(hours=service.confirm_hours)
    start = target.start if isinstance(target, Session) else None
    if start is not None and start < until:
        until = max(start - dt.timedelta(minutes=30), _now() + dt.timedelta(minutes=30))
    return until


def promote(target) -> Booking | None:
    """Offer a free place of ``target`` to the first on its waitlist (inside the caller's transaction)."""
    field = "session" if isinstance(target, Session) else "course"
    model = type(target)
    while True:
        first = (Booking.objects.filter(**{field: target}, status=Status.WAITING).select_related("worker")
                 .order_by("pk").first())
        if first is None:
            return None
        if not model.objects.filter(pk=target.pk, taken__lt=F("capacity"), cancelled=False).update(
                taken=F("taken") + 1):
            return None
        until = _offer_deadline(target)
        if Booking.objects.filter(pk=first.pk, status=Status.WAITING).update(status=Status.OFFERED,
                                                                             offered_until=until):
            first.status, first.offered_until = Status.OFFERED, until
            tell(first.worker, "候补递补成功，请确认",
                 f"{when(target)}有名额空出，已为您保留，请在{timezone.localtime(until):%m月%d日%H:%M}前"
                 f"到“我的预约”确认，逾期名额将递补给下一位。")
            audit.record(actor=None, action="scheduling.promote", obj=first,
                         summary=f"候补递补：{when(target)}，确认截止{timezone.localtime(until):%m-%d %H:%M}")
            return first
        model.objects.filter(pk=target.pk).update(taken=F("taken") - 1)


def _release(booking: Booking) -> None:
    """Give back the place ``booking`` held and offer it to the next on the waitlist."""
    target = booking.session if booking.session_id else booking.course
    type(target).objects.filter(pk=target.pk, taken__gt=0).update(taken=F("taken") - 1)
    target.refresh_from_db(fields=["taken"])
    if not target.cancelled and (not isinstance(target, Session) or target.start > _now()):
        promote(target)


def confirm(*, actor, booking: Booking) -> Booking:
    """The promoted worker takes the place offered."""
    _acting_for(actor, booking.worker, booking.org, Channel.M if worker_of(actor) else Channel.DESK)
    with transaction.atomic():
        if not Booking.objects.filter(pk=booking.pk, status=Status.OFFERED, offered_until__gt=_now()).update(
                status=Status.BOOKED, offered_until=None):
            booking.refresh_from_db()
            if booking.status == Status.OFFERED:
                expire_offers(booking.target)
                raise Conflict("确认时限已过，名额已递补给下一位。")
            raise Conflict("该预约无需确认。")
        audit.record(actor=actor, action="scheduling.confirm", obj=booking,
                     summary=f"确认候补递补：{when(booking.target)}")
    booking.refresh_from_db()
    return booking


def cancel(*, actor, booking: Booking) -> Booking:
    """Cancel a booking or leave the waitlist: the worker up to ``cancel_hours`` before the start; the
    centre's staff at any time (a worker phoning in)."""
    own = worker_of(actor)
    by_worker = own is not None and own.pk == booking.worker_id
    if not by_worker:
        _require_manage(actor, booking.org, "取消该预约")
    target = booking.target
    start = target.start if isinstance(target, Session) else _course_start(target)
    if by_worker and booking.status in HOLDING and start is not None and \
            _now() > start - dt.timedelta(hours=booking.service.cancel_hours):
        raise ValidationError(f"开始前{booking.service.cancel_hours}小时内不能在网上取消，如有急事请致电服务中心。")
    with transaction.atomic():
        before = booking.status
        if not Booking.objects.filter(pk=booking.pk, status__in=(Status.WAITING, Status.OFFERED, Status.BOOKED)).update(
                status=Status.CANCELLED, cancelled_at=_now()):
            raise Conflict("该预约已签到、已取消或已结束，不能取消。")
        if before in HOLDING:
            _release(booking)
        audit.record(actor=actor, action="scheduling.cancel", obj=booking,
                     summary=f"取消预约：{when(target)}（原状态：{Status(before).label}）")
    booking.refresh_from_db()
    return booking


def _course_start(course: Course):
    first = course.meetings.order_by("date", "starts_at").first()
    return first.start if first else None


def expire_offers(target=None) -> int:
    """Offers not confirmed in time lapse, and their places go to the next on the waitlist."""
    stale = Booking.objects.filter(status=Status.OFFERED, offered_until__lte=_now())
    if target is not None:
        stale = stale.filter(**{"session" if isinstance(target, Session) else "course": target})
    count = 0
    for booking in stale.select_related("session", "course", "service", "worker"):
        with transaction.atomic():
            if not Booking.objects.filter(pk=booking.pk, status=Status.OFFERED).update(status=Status.EXPIRED):
                continue
            tell(booking.worker, "候补名额已失效",
                 f"您未在时限内确认{when(booking.target)}的候补名额，名额已递补给下一位。")
            audit.record(actor=None, action="scheduling.offer_expire", obj=booking, summary="候补递补逾期未确认")
            _release(booking)
            count += 1
    return count


# --- at the centre ----------------------------------------------------------------------------------------

def find_by_code(text: str) -> Booking | None:
    """The booking of a scanned QR code: the code itself or the check-in address that holds it."""
    text = (text or "").strip().rstrip("/")
    code = text.rsplit("/", 1)[-1] if "/" in text else text
    code = code.split("=")[-1]
    if not CODE.fullmatch(code):  # a smudged scan, or anything else typed in
        return None
    return Booking.objects.filter(code=code).select_related("session", "course", "worker", "service", "org").first()


def meeting_today(course: Course) -> Session | None:
    return course.meetings.filter(date=timezone.localdate(), cancelled=False).order_by("starts_at").first()


def check_in(*, actor, booking: Booking) -> Booking:
    """The worker is here: by their QR code or found by the clerk. A course's enrolment checks in to
    today's meeting."""
    target = booking.target
    session = booking.session if booking.session_id else meeting_today(booking.course)
    if session is None:
        raise ValidationError(f"课程“{booking.course.title}”今天没有课。")
    if not may_serve(actor, session):
        raise PermissionDenied("您没有为该场次签到的权限。")
    if session.cancelled:
        raise ValidationError("该场次已取消。")
    today = timezone.localdate()
    if session.date != today:
        raise ValidationError(f"该预约是{session.date:%Y年%m月%d日}的，不是今天。")
    if booking.status == Status.WAITING:
        raise ValidationError("该职工在候补名单中，尚未获得名额。")
    if booking.status in (Status.CANCELLED, Status.EXPIRED, Status.LAPSED, Status.CALLED_OFF):
        raise ValidationError(f"该预约{booking.get_status_display()}，不能签到。")
    with transaction.atomic():
        if booking.course_id:
            if booking.status not in (Status.BOOKED,):
                raise Conflict(f"该报名{booking.get_status_display()}。")
            _, created = Attendance.objects.get_or_create(booking=booking, session=session, defaults={"by": actor})
            if not created:
                raise Conflict(f"{booking.worker.name}今天已签到。")
        elif not Booking.objects.filter(pk=booking.pk, status__in=(Status.BOOKED, Status.OFFERED)).update(
                status=Status.ATTENDED, checked_in_at=_now(), checked_in_by=actor, offered_until=None):
            raise Conflict(f"{booking.worker.name}已签到。" if booking.status == Status.ATTENDED
                           else "该预约不能签到。")
        audit.record(actor=actor, action="scheduling.check_in", obj=booking, summary=f"签到：{when(target)}")
    booking.refresh_from_db()
    return booking


def walk_in(*, actor, worker, session: Session) -> Booking:
    """A worker who came without booking takes a free place and is checked in at once."""
    booking = book(actor=actor, worker=worker, session=session, channel=Channel.WALK_IN)
    if booking.status == Status.WAITING:
        cancel(actor=actor, booking=booking)
        raise ValidationError("该场次已满，不能现场登记，可加入候补或预约其他场次。")
    return check_in(actor=actor, booking=booking)


def session_close(*, actor, session: Session | None) -> int:
    """The session is over: who booked and did not come is a no-show (and may be suspended); the
    waitlist lapses. ``actor`` None: the daily job. Returns the number of no-shows."""
    if actor is not None and not may_serve(actor, session):
        raise PermissionDenied("您没有结束该场次签到的权限。")
    if actor is not None and session.start > _now():
        raise ValidationError("场次还未开始，不能结束签到。")
    with transaction.atomic():
        if not Session.objects.filter(pk=session.pk, closed=False).update(closed=True):
            raise Conflict("该场次已结束签到。")
        if session.course_id:
            audit.record(actor=actor, action="scheduling.session_close", obj=session, summary=f"结束签到：{session}")
            return 0
        absent = list(Booking.objects.filter(session=session, status__in=(Status.BOOKED, Status.OFFERED))
                      .select_related("worker"))
        Booking.objects.filter(pk__in=[b.pk for b in absent if b.status == Status.BOOKED]).update(status=Status.NO_SHOW)
        Booking.objects.filter(pk__in=[b.pk for b in absent if b.status == Status.OFFERED]).update(
            status=Status.EXPIRED)
        Booking.objects.filter(session=session, status=Status.WAITING).update(status=Status.LAPSED)
        no_shows = [b for b in absent if b.status == Status.BOOKED]
        for booking in no_shows:
            _suspend_if_due(booking.worker, session.service)
        audit.record(actor=actor, action="scheduling.session_close", obj=session,
                     summary=f"结束签到：{session}，爽约{len(no_shows)}人")
    return len(no_shows)


def no_shows(worker, service: Service, on: dt.date | None = None) -> int:
    on = on or timezone.localdate()
    return Booking.objects.filter(worker=worker, service=service, status=Status.NO_SHOW,
                                  session__date__gt=on - dt.timedelta(days=service.no_show_days),
                                  session__date__lte=on).count()


def no_show_counts(worker_ids, service: Service) -> dict[int, int]:
    """``no_shows`` of many workers at once (a session's list), in one query."""
    on = timezone.localdate()
    rows = (Booking.objects.filter(worker_id__in=list(worker_ids), service=service, status=Status.NO_SHOW,
                                   session__date__gt=on - dt.timedelta(days=service.no_show_days),
                                   session__date__lte=on)
            .values_list("worker_id").annotate(n=Count("pk")).order_by())
    return dict(rows)


def _suspend_if_due(worker, service: Service) -> Suspension | None:
    today = timezone.localdate()
    count = no_shows(worker, service, today)
    if count < service.no_show_limit or suspension_of(worker, service) is not None:
        return None
    until = today + dt.timedelta(days=service.suspend_days)
    suspension = Suspension.objects.create(worker=worker, service=service, starts_on=today, until=until,
                                           reason=f"{service.no_show_days}天内爽约{count}次")
    tell(worker, "预约暂停", f"您{service.no_show_days}天内预约“{service.name}”爽约{count}次，"
                         f"{until:%Y年%m月%d日}前暂停预约。如有异议请联系服务中心。")
    audit.record(actor=None, action="scheduling.suspend", obj=suspension,
                 summary=f"{worker.name}暂停预约{service.name}至{until}")
    return suspension


def suspension_lift(*, actor, suspension: Suspension, reason: str) -> None:
    _require_manage(actor, suspension.worker.org, "解除暂停预约")
    if len((reason or "").strip()) < 2:
        raise ValidationError({"reason": "请说明解除的原因。"})
    with transaction.atomic():
        if not Suspension.objects.filter(pk=suspension.pk, lifted_by__isnull=True).update(lifted_by=actor):
            raise Conflict("该暂停已解除。")
        audit.record(actor=actor, action="scheduling.suspension_lift", obj=suspension, summary=f"解除暂停：{reason}")


# --- courses -----------------------------------------------------------------------------------------------

def course_complete(*, actor, course: Course) -> int:
    """The course is over: every enrolment with ``required`` meetings attended is completed (结业). Returns
    how many completed."""
    if not may_serve(actor, course):
        raise PermissionDenied("您没有为该课程办理结业的权限。")
    last = course.meetings.order_by("-date").values_list("date", flat=True).first()
    if last is not None and last > timezone.localdate():
        raise ValidationError(f"课程最后一次课在{last:%Y年%m月%d日}，结课后才能办理结业。")
    today = timezone.localdate()
    with transaction.atomic():
        if not Course.objects.filter(pk=course.pk, completed_on__isnull=True).update(completed_on=today):
            raise Conflict("该课程已办理结业。")
        enrolled = list(Booking.objects.filter(course=course, status=Status.BOOKED).select_related("worker"))
        done = [b for b in enrolled if b.attendances.count() >= course.required]
        Booking.objects.filter(pk__in=[b.pk for b in done]).update(status=Status.ATTENDED, completed_on=today)
        Booking.objects.filter(pk__in=[b.pk for b in enrolled if b not in done]).update(status=Status.ATTENDED)
        Booking.objects.filter(course=course, status=Status.WAITING).update(status=Status.LAPSED)
        for booking in done:
            title = f"，获“{course.completion_title}”称号" if course.completion_title else ""
            tell(booking.worker, "课程结业", f"您已完成课程“{course.title}”{title}。")
        audit.record(actor=actor, action="scheduling.course_complete", obj=course,
                     summary=f"课程“{course.title}”结业：{len(done)}/{len(enrolled)}人")
    return len(done)


# --- the daily job -----------------------------------------------------------------------------------------

def daily(on: dt.date | None = None) -> dict[str, int]:
    """Reminders for tomorrow's bookings (once), offers past their time, and yesterday's sessions closed
    (no-shows recorded). Safe to run every hour: nothing is done twice."""
    on = on or timezone.localdate()
    reminded = 0
    tomorrow = on + dt.timedelta(days=1)
    due = (Booking.objects.filter(status=Status.BOOKED, reminded_at__isnull=True, session__date=tomorrow,
                                  session__cancelled=False).select_related("session__service", "worker"))
    due_courses = (Booking.objects.filter(status=Status.BOOKED, reminded_at__isnull=True,
                                          course__meetings__date=tomorrow).select_related("course", "worker"))
    for booking in [*due, *due_courses]:
        target = booking.session or booking.course
        with transaction.atomic():
            if Booking.objects.filter(pk=booking.pk, reminded_at__isnull=True).update(reminded_at=_now()):
                tell(booking.worker, "预约提醒", f"提醒：您预约的{when(target)}在明天，请按时到场并出示预约二维码。")
                reminded += 1
    # a course enrolment is reminded of each meeting: clear the mark once the meeting is over
    Booking.objects.filter(course__isnull=False, status=Status.BOOKED, reminded_at__isnull=False,
                           reminded_at__date__lt=on).update(reminded_at=None)
    expired = expire_offers()
    closed = 0
    for session in Session.objects.filter(date__lt=on, closed=False, cancelled=False).select_related("service"):
        try:
            session_close(actor=None, session=session)
            closed += 1
        except Conflict:
            pass
    return {"reminded": reminded, "offers_expired": expired, "sessions_closed": closed}
