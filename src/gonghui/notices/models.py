"""Public notices (公示), shared by every programme that must publish before it decides: a needy-worker
file, a Golden Autumn student, a model worker's benefits. A module publishes a notice with its entries
(each a row of the module: ``source`` and ``object_id``); the public sees the entries masked as the rules
require; anyone may object within the window (working days on the official calendar); staff record each
objection's investigation and answer; an entry is *cleared* once the window has closed with no objection
open or upheld against it (services.cleared), and only then may the module approve it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from gonghui.cases.models import Case
from gonghui.orgs.models import Org
from gonghui.orgs.scoping import ScopedQuerySet

PERM_PUBLISH = "cases.handle_case"  # the centre's staff publish and answer objections


class NoticeState(models.TextChoices):
    DRAFT = "draft", "待发布"
    PUBLISHED = "published", "公示中"
    CLOSED = "closed", "公示期满"


class NoticeQuerySet(ScopedQuerySet):
    scope_field = "org__path"


class PublicNotice(models.Model):
    number = models.CharField("公示编号", max_length=24, unique=True)
    source = models.CharField("来源", max_length=30)
    org = models.ForeignKey(Org, verbose_name="发布单位", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("标题", max_length=100)
    body = models.TextField("说明", blank=True)
    window_days = models.PositiveSmallIntegerField("公示期（工作日）", default=5)
    state = models.CharField("状态", max_length=10, choices=NoticeState.choices, default=NoticeState.DRAFT)
    published_on = models.DateField("发布日期", null=True, blank=True)
    closes_on = models.DateField("公示截止", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = "公示"
        verbose_name_plural = "公示"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def shown_state(self) -> str:
        if self.state == NoticeState.PUBLISHED and not self.is_open:
            return NoticeState.CLOSED.label
        return self.get_state_display()

    @property
    def is_open(self) -> bool:
        return self.state == NoticeState.PUBLISHED and self.closes_on is not None and \
            timezone.localdate() <= self.closes_on


class NoticeEntry(models.Model):
    """One person or household on the notice, as the public sees it (masked) and as the module knows it."""

    notice = models.ForeignKey(PublicNotice, on_delete=models.CASCADE, related_name="entries")
    source = models.CharField(max_length=30)
    object_id = models.PositiveBigIntegerField()
    case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    name_masked = models.CharField("姓名", max_length=50)
    id_masked = models.CharField("身份证号", max_length=24, blank=True)
    unit = models.CharField("单位", max_length=100, blank=True)
    summary = models.CharField("公示内容", max_length=200)

    class Meta:
        verbose_name = "公示对象"
        verbose_name_plural = "公示对象"
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["notice", "source", "object_id"], name="notice_entry_once")]

    def __str__(self) -> str:
        return self.name_masked


class ObjectionState(models.TextChoices):
    OPEN = "open", "待核查"
    UPHELD = "upheld", "异议成立"
    REJECTED = "rejected", "异议不成立"


class Objection(models.Model):
    """An objection to an entry (or to the whole notice), from anyone, by name or anonymously; investigated
    and answered by the publishing centre."""

    notice = models.ForeignKey(PublicNotice, on_delete=models.CASCADE, related_name="objections")
    entry = models.ForeignKey(NoticeEntry, on_delete=models.CASCADE, null=True, blank=True,
                              related_name="objections")
    text = models.TextField("异议内容")
    contact = models.CharField("联系方式", max_length=50, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    state = models.CharField("状态", max_length=10, choices=ObjectionState.choices, default=ObjectionState.OPEN)
    findings = models.TextField("核查情况", blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "异议"
        verbose_name_plural = "异议"
        ordering = ["received_at", "pk"]

    def __str__(self) -> str:
        return f"{self.notice_id}: {self.get_state_display()}"
