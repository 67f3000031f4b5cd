"""Counselling contacts, their confidential notes, the mailbox and group courses.

**Confidentiality.** A contact's note (``Contact.note_enc``) is encrypted at rest (``core.pii``, field
``counselling_note``) and decrypted only in ``services.note_read`` for the counsellor who wrote it. No page,
export, API route, admin page or audit summary shows it to anyone else — not the centre's staff, not the
system or audit administrator. The one exception is ``services.disclose``: in an emergency (a risk to life)
the named crisis lead (role 心理危机干预负责人) may read one note, giving a written justification; the act is
audited and the counsellor is told. A mailbox letter is read by the worker who wrote it and the counsellors
of the practice the federation contracted.

What others may see of a contact is only that it happened: its date, channel and length (the figures), and
for a contact flagged at risk, the flag (the crisis lead's list)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from gonghui.core import pii
from gonghui.orgs.models import Org
from gonghui.orgs.scoping import ScopedQuerySet
from gonghui.registry.models import Enterprise, Worker
from gonghui.scheduling.models import Booking

PERM_COUNSEL = "counselling.counsel"
PERM_DISCLOSE = "counselling.disclose_note"


class Channel(models.TextChoices):
    BOOKED = "booked", "预约咨询"
    WALK_IN = "walk_in", "现场咨询"
    HOTLINE = "hotline", "心理热线"
    MAILBOX = "mailbox", "心理信箱"


class ContactQuerySet(ScopedQuerySet):
    scope_field = "org__path"


class Contact(models.Model):
    org = models.ForeignKey(Org, verbose_name="服务单位", on_delete=models.PROTECT, related_name="+")
    counsellor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="咨询师", on_delete=models.PROTECT,
                                   related_name="+")
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    booking = models.OneToOneField(Booking, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    client_label = models.CharField("来访者称呼", max_length=20, blank=True)
    occurred_on = models.DateField("日期")
    minutes = models.PositiveSmallIntegerField("时长（分钟）", default=0)
    note_enc = models.BinaryField("咨询记录（密文）", null=True, blank=True)
    risk = models.BooleanField("风险需跟进", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = "咨询记录"
        verbose_name_plural = "咨询记录"
        ordering = ["-occurred_on", "-pk"]
        permissions = [("counsel", "心理咨询（本人的咨询与信箱）"), ("disclose_note", "紧急情况下查阅咨询记录")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.occurred_on}"

    def who(self) -> str:
        """The client as the counsellor sees them: the name of whom they met, a masked name for a letter
        (the mailbox does not need to know who wrote), the label a caller gave."""
        if self.worker_id:
            return pii.mask_name(self.worker.name) if self.channel == Channel.MAILBOX else self.worker.name
        return self.client_label or "匿名"

    def set_note(self, text: str) -> None:
        self.note_enc = pii.encrypt(text, field="counselling_note") if text else None


class Disclosure(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="disclosures")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("理由", max_length=500)
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"紧急查阅 {self.at:%Y-%m-%d}"


class Letter(models.Model):
    org = models.ForeignKey(Org, verbose_name="信箱", on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="+")
    subject = models.CharField("标题", max_length=60)
    body_enc = models.BinaryField("来信（密文）")
    written_at = models.DateTimeField(auto_now_add=True)
    answer_enc = models.BinaryField("回信（密文）", null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-written_at"]

    def __str__(self) -> str:
        return self.subject

    @property
    def writer(self) -> str:
        return pii.mask_name(self.worker.name)

    def body(self) -> str:
        return pii.decrypt(self.body_enc, field="counselling_letter")

    def answer(self) -> str:
        return pii.decrypt(self.answer_enc, field="counselling_letter") if self.answer_enc else ""


class GroupCourseQuerySet(ScopedQuerySet):
    scope_field = "org__path"


class GroupCourse(models.Model):
    """A psychological course given at an enterprise (the women workers' courses): counted, not booked."""

    org = models.ForeignKey(Org, verbose_name="组织单位", on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    enterprise_name = models.CharField("企业名称", max_length=100)
    held_on = models.DateField("日期")
    title = models.CharField("课程", max_length=60)
    participants = models.PositiveIntegerField("参加人数")
    women = models.BooleanField("女职工专场", default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = GroupCourseQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.enterprise_name} {self.title}"
