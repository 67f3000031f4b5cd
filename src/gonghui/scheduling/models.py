"""Scheduling (预约排班), one capability for every service that is "come at a time, with limited places":
the counselling room, the Wednesday spine clinic, tai chi courses, women's screenings, and later
activities, training and the lawyers' duty rosters.

- A **service** (``Service``) is declared by a module (``scheduling.registry.declare``) and carries the
  booking rules the administrator may change: how long before the start a worker may cancel, how long a
  promoted worker has to confirm, and the no-show rule (N no-shows within D days suspend booking for S
  days). ``women_only`` opens it to women members alone.
- A **session** (``Session``) is one bookable time with a capacity: a slot of a recurring schedule
  (``Schedule``: weekdays, time blocks cut into slots, what to do on public holidays and make-up working
  days), a one-off session, or a meeting of a **course** (``Course``: booked as a whole, attendance per
  meeting, completion after enough meetings).
- A **booking** (``Booking``) holds a place (booked, offered to a promoted worker, attended, no-show) or
  waits for one (waiting). ``Session.taken`` / ``Course.taken`` count the places held and are changed only
  by a conditional ``UPDATE … SET taken = taken + 1 WHERE taken < capacity``: concurrent bookings of the
  last place give it to one of them, on SQLite and PostgreSQL alike.
- **Providers** (a counsellor, the clinic's doctors, a teacher, a lawyer on duty) are partner users with
  an assignment-scoped role: they see the sessions they are named on and those sessions' bookings,
  never a subtree.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from gonghui.orgs.models import Org, ServiceCentre
from gonghui.orgs.scoping import ScopedQuerySet
from gonghui.registry.models import Worker

PERM_MANAGE = "scheduling.manage_sessions"  # centre staff: schedules, bookings on a worker's behalf, check-in
PERM_PROVIDE = "scheduling.provide_session"  # providers: the sessions they are named on (assignment-scoped)


class Kind(models.TextChoices):
    APPOINTMENT = "appointment", "预约"
    COURSE = "course", "课程"


class Service(models.Model):
    """A scheduled service; the row is created from the module's declaration after ``migrate`` and its
    rules are then the administrator's to change (the defaults are examples)."""

    code = models.CharField("编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=60)
    module = models.CharField("模块", max_length=40)
    kind = models.CharField("类型", max_length=12, choices=Kind.choices, default=Kind.APPOINTMENT)
    summary = models.CharField("简介", max_length=200, blank=True)
    women_only = models.BooleanField("仅限女职工", default=False)
    members_only = models.BooleanField("仅限会员", default=True)
    confidential = models.BooleanField("保密（预约不进入职工档案）", default=False,
                                       help_text="心理咨询等：只有开设单位办理签到的工作人员和服务人员看到谁预约了。")
    cancel_hours = models.PositiveSmallIntegerField("最晚取消（开始前小时）", default=24)
    confirm_hours = models.PositiveSmallIntegerField("候补确认时限（小时）", default=24)
    no_show_limit = models.PositiveSmallIntegerField("爽约次数上限", default=3)
    no_show_days = models.PositiveSmallIntegerField("爽约统计期（日）", default=90)
    suspend_days = models.PositiveSmallIntegerField("暂停预约（日）", default=30)
    order = models.PositiveSmallIntegerField("排序", default=100)
    active = models.BooleanField("开放预约", default=True)

    class Meta:
        verbose_name = "预约服务"
        verbose_name_plural = "预约服务"
        ordering = ["order", "code"]
        permissions = [("manage_sessions", "排班、代约和签到"), ("provide_session", "提供预约服务（本人排班）")]

    def __str__(self) -> str:
        return self.name


class Place(models.Model):
    centre = models.ForeignKey(ServiceCentre, verbose_name="服务中心", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("场所", max_length=60)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "场所"
        verbose_name_plural = "场所"
        ordering = ["centre_id", "name"]

    def __str__(self) -> str:
        return f"{self.centre.name}·{self.name}"


class OnHoliday(models.TextChoices):
    SKIP = "skip", "法定节假日停诊/停课"
    KEEP = "keep", "节假日照常"


class OnMakeUp(models.TextChoices):
    SKIP = "skip", "调休上班日不加开"
    HOLD = "hold", "调休上班日照常开放"


class Schedule(models.Model):
    """A recurring schedule: on ``weekdays`` (0 = Monday) between ``starts_on`` and ``ends_on``, each time
    block (``[["09:00", "11:30"], ["14:30", "17:00"]]``) is one session, or cut into slots of
    ``slot_minutes``; ``capacity`` places each. ``on_holiday``: a public holiday on such a weekday has no
    session (or keeps it). ``on_make_up``: a weekend day worked to make up for a holiday (调休上班) holds
    the sessions of a working day (or not)."""

    service = models.ForeignKey(Service, verbose_name="服务", on_delete=models.PROTECT, related_name="schedules")
    org = models.ForeignKey(Org, verbose_name="开设单位", on_delete=models.PROTECT, related_name="+")
    place = models.ForeignKey(Place, verbose_name="场所", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    title = models.CharField("名称", max_length=60)
    weekdays = models.JSONField("星期", default=list)
    blocks = models.JSONField("时段", default=list)
    slot_minutes = models.PositiveSmallIntegerField("每号时长（分钟）", null=True, blank=True)
    capacity = models.PositiveSmallIntegerField("每场名额")
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    on_holiday = models.CharField("节假日", max_length=8, choices=OnHoliday.choices, default=OnHoliday.SKIP)
    on_make_up = models.CharField("调休上班日", max_length=8, choices=OnMakeUp.choices, default=OnMakeUp.SKIP)
    providers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name="服务人员", blank=True,
                                       related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "排班规则"
        verbose_name_plural = "排班规则"

    def __str__(self) -> str:
        return self.title


class CourseQuerySet(ScopedQuerySet):
    scope_field = "org__path"

    def assigned_to(self, user):
        return Course.objects.filter(providers=user).values("pk")


class Course(models.Model):
    """A series of meetings taken as a whole (tai chi, a health-guidance course): enrolment is one booking
    of the course, attendance is recorded per meeting, and ``required`` meetings attended complete it
    with the title ``completion_title`` (健身运动骨干)."""

    service = models.ForeignKey(Service, verbose_name="服务", on_delete=models.PROTECT, related_name="courses")
    org = models.ForeignKey(Org, verbose_name="开设单位", on_delete=models.PROTECT, related_name="+")
    place = models.ForeignKey(Place, verbose_name="场所", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    title = models.CharField("课程名称", max_length=60)
    description = models.CharField("课程介绍", max_length=300, blank=True)
    capacity = models.PositiveSmallIntegerField("名额")
    taken = models.PositiveSmallIntegerField("已占名额", default=0)
    required = models.PositiveSmallIntegerField("结业所需出勤次数")
    completion_title = models.CharField("结业称号", max_length=30, blank=True)
    providers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name="授课老师", blank=True,
                                       related_name="+")
    cancelled = models.BooleanField("已取消", default=False)
    completed_on = models.DateField("结业日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = "课程"
        verbose_name_plural = "课程"
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(taken__lte=models.F("capacity")),
                                              name="course_taken_within_capacity")]

    def __str__(self) -> str:
        return self.title


class SessionQuerySet(ScopedQuerySet):
    scope_field = "org__path"

    def assigned_to(self, user):
        return Session.objects.filter(providers=user).values("pk")


class Session(models.Model):
    service = models.ForeignKey(Service, verbose_name="服务", on_delete=models.PROTECT, related_name="sessions")
    org = models.ForeignKey(Org, verbose_name="开设单位", on_delete=models.PROTECT, related_name="+")
    schedule = models.ForeignKey(Schedule, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, null=True, blank=True, related_name="meetings")
    place = models.ForeignKey(Place, verbose_name="场所", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    date = models.DateField("日期", db_index=True)
    starts_at = models.TimeField("开始")
    ends_at = models.TimeField("结束")
    capacity = models.PositiveSmallIntegerField("名额")
    taken = models.PositiveSmallIntegerField("已占名额", default=0)
    providers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name="服务人员", blank=True,
                                       related_name="+")
    cancelled = models.BooleanField("已取消", default=False)
    cancel_reason = models.CharField("取消原因", max_length=200, blank=True)
    closed = models.BooleanField("签到已结束", default=False)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = "场次"
        verbose_name_plural = "场次"
        ordering = ["date", "starts_at", "pk"]
        indexes = [models.Index(fields=["service", "date"])]
        constraints = [models.CheckConstraint(condition=Q(taken__lte=models.F("capacity")),
                                              name="session_taken_within_capacity")]

    def __str__(self) -> str:
        return f"{self.service.name} {self.date:%Y-%m-%d} {self.starts_at:%H:%M}"

    @property
    def start(self) -> dt.datetime:
        from django.utils import timezone

        return timezone.make_aware(dt.datetime.combine(self.date, self.starts_at))

    @property
    def end(self) -> dt.datetime:
        from django.utils import timezone

        return timezone.make_aware(dt.datetime.combine(self.date, self.ends_at))

    @property
    def free(self) -> int:
        return max(self.capacity - self.taken, 0)


class Status(models.TextChoices):
    WAITING = "waiting", "候补中"
    OFFERED = "offered", "候补递补待确认"
    BOOKED = "booked", "已预约"
    ATTENDED = "attended", "已签到"
    NO_SHOW = "no_show", "爽约"
    CANCELLED = "cancelled", "已取消"
    EXPIRED = "expired", "递补未确认"
    LAPSED = "lapsed", "候补未递补"
    CALLED_OFF = "called_off", "场次取消"


#: the statuses that hold a place (counted in ``taken``)
HOLDING = (Status.OFFERED, Status.BOOKED, Status.ATTENDED, Status.NO_SHOW)
#: the statuses of a live booking: one per worker per session or course
LIVE = (Status.WAITING, Status.OFFERED, Status.BOOKED, Status.ATTENDED)


class Channel(models.TextChoices):
    M = "m", "手机预约"
    DESK = "desk", "窗口代约"
    PHONE = "phone", "电话预约"
    WALK_IN = "walk_in", "现场登记"


class BookingQuerySet(ScopedQuerySet):
    scope_field = "org__path"

    def assigned_to(self, user):
        return Booking.objects.filter(Q(session__providers=user) | Q(course__providers=user)).values("pk")


def _code() -> str:
    return secrets.token_urlsafe(12)


class Booking(models.Model):
    number = models.CharField("预约号", max_length=24, unique=True)
    code = models.CharField("签到码", max_length=24, unique=True, default=_code)
    service = models.ForeignKey(Service, verbose_name="服务", on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(Org, verbose_name="开设单位", on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(Session, verbose_name="场次", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="bookings")
    course = models.ForeignKey(Course, verbose_name="课程", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="bookings")
    worker = models.ForeignKey(Worker, verbose_name="职工", on_delete=models.PROTECT, related_name="bookings")
    status = models.CharField("状态", max_length=12, choices=Status.choices, db_index=True)
    channel = models.CharField("渠道", max_length=8, choices=Channel.choices, default=Channel.M)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField("预约时间", auto_now_add=True)
    offered_until = models.DateTimeField("确认截止", null=True, blank=True)
    checked_in_at = models.DateTimeField("签到时间", null=True, blank=True)
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                      related_name="+")
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)
    reminded_at = models.DateTimeField("提醒时间", null=True, blank=True)
    completed_on = models.DateField("结业日期", null=True, blank=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = "预约"
        verbose_name_plural = "预约"
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["worker", "status"]), models.Index(fields=["session", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(session__isnull=True) ^ Q(course__isnull=True),
                                   name="booking_one_target"),
            models.UniqueConstraint(fields=["session", "worker"], condition=Q(status__in=LIVE),
                                    name="booking_one_live_per_session"),
            models.UniqueConstraint(fields=["course", "worker"], condition=Q(status__in=LIVE),
                                    name="booking_one_live_per_course"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def target(self):
        return self.session if self.session_id else self.course

    @property
    def status_label(self) -> str:
        """As the worker reads it: a course taken to its end reads 已结课 (its attendance is per meeting)."""
        if self.course_id and self.status == Status.ATTENDED:
            return "已结业" if self.completed_on else "已结课"
        return self.get_status_display()


class Attendance(models.Model):
    """A course enrolment's attendance at one meeting."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="attendances")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["booking", "session"], name="attendance_once")]

    def __str__(self) -> str:
        return f"{self.booking_id}@{self.session_id}"


class Suspension(models.Model):
    """Booking of ``service`` suspended for a worker until ``until`` after too many no-shows."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    starts_on = models.DateField("开始")
    until = models.DateField("暂停至")
    reason = models.CharField("原因", max_length=200)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")

    class Meta:
        verbose_name = "暂停预约"
        verbose_name_plural = "暂停预约"

    def __str__(self) -> str:
        return f"{self.worker_id} {self.service_id} {self.until}"
