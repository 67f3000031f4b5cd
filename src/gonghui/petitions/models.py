"""Petitions (信访) and the 12351 hotline's work orders: what a case of either item carries besides the
engine's own record — the channel, the matter's type, whom it is about, the group and its representatives,
where it was registered and how it was routed — and the supervision notices and logged calls.

Invariants (services.py keeps them): an accusation (检举控告) is never handled by, routed to or shown to
the organisation accused or any union below it; a group visit names at most 5 representatives; a case is
handled by the union that registered it until it is transferred (转送) or assigned (交办).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from gonghui.cases.models import Case, DeliveryWay
from gonghui.orgs.models import Org

from .choices import MAX_REPRESENTATIVES, Channel, Difficulty, Kind, Route, Satisfaction

__all__ = ["MAX_REPRESENTATIVES", "Channel", "Difficulty", "HotlineCall", "Kind", "Petition", "Route", "Satisfaction",
           "Supervision"]


class Petition(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="petition")
    channel = models.CharField("来源渠道", max_length=10, choices=Channel.choices)
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    subject_org = models.ForeignKey(Org, verbose_name="反映的工会或镇街", on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+")
    subject_name = models.CharField("反映对象", max_length=100, blank=True)
    accused_org = models.ForeignKey(Org, verbose_name="被检举控告的单位", on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+")
    accused_person = models.CharField("被检举控告人", max_length=40, blank=True)
    people = models.PositiveIntegerField("信访人数", default=1)
    representatives = models.JSONField("推选的代表", default=list, blank=True)
    caller_phone = models.CharField("来电号码", max_length=20, blank=True)
    recording_ref = models.CharField("录音编号", max_length=60, blank=True)
    registered_org = models.ForeignKey(Org, verbose_name="登记单位", on_delete=models.PROTECT, related_name="+")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.SET_NULL,
                                      null=True, blank=True, related_name="+")
    route = models.CharField("办理方式", max_length=10, choices=Route.choices, default=Route.HANDLE)
    routed_from = models.ForeignKey(Org, verbose_name="转出单位", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    routed_on = models.DateField("转办日期", null=True, blank=True)
    assign_due_on = models.DateField("交办期限", null=True, blank=True)
    referred_to = models.CharField("转往机关", max_length=60, blank=True)
    repeat_of = models.ForeignKey(Case, verbose_name="重复的信访事项", on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="+")
    repeat_note = models.CharField("重复信访说明", max_length=300, blank=True)
    delivery = models.CharField("答复送达方式", max_length=12, choices=DeliveryWay.choices,
                                default=DeliveryWay.ONLINE)
    difficulty = models.CharField("难易程度", max_length=10, choices=Difficulty.choices, blank=True)
    satisfaction = models.CharField("回访满意度", max_length=12, choices=Satisfaction.choices, blank=True)
    level = models.PositiveSmallIntegerField("办理层次", default=1)  # 1 first handling, 2 review, 3 re-review

    class Meta:
        verbose_name = "信访事项"
        verbose_name_plural = "信访事项"
        permissions = [("supervise_petition", "督办下级信访事项")]

    def __str__(self) -> str:
        return self.case.number

    @property
    def is_accusation(self) -> bool:
        return self.kind == Kind.ACCUSATION

    @property
    def is_group(self) -> bool:
        return self.people >= 5


class Supervision(models.Model):
    """督办: an upper union's notice to the union handling a routed case, which must answer it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="supervisions")
    by_org = models.ForeignKey(Org, verbose_name="督办单位", on_delete=models.PROTECT, related_name="+")
    to_org = models.ForeignKey(Org, verbose_name="承办单位", on_delete=models.PROTECT, related_name="+")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    sent_at = models.DateTimeField("督办时间")
    text = models.TextField("督办意见")
    answer_due = models.DateField("回复期限")
    answer = models.TextField("办理情况回复", blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    answered_at = models.DateTimeField("回复时间", null=True, blank=True)

    class Meta:
        verbose_name = "督办"
        verbose_name_plural = "督办"
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.by_org} 督办 {self.case_id}"


class HotlineCall(models.Model):
    """A call to 12351 answered on the spot (an enquiry): logged, no work order. A call that needs follow-up
    becomes a work order (``order``)."""

    org = models.ForeignKey(Org, verbose_name="接听单位", on_delete=models.PROTECT, related_name="+")
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField("来电时间")
    caller_phone = models.CharField("来电号码", max_length=20)
    caller_name = models.CharField("来电人", max_length=40, blank=True)
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    topic = models.CharField("来电内容", max_length=500)
    answer = models.CharField("答复内容", max_length=500, blank=True)
    recording_ref = models.CharField("录音编号", max_length=60, blank=True)
    order = models.ForeignKey(Case, verbose_name="工单", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")

    class Meta:
        verbose_name = "热线来电"
        verbose_name_plural = "热线来电"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"12351来电 {self.at:%Y-%m-%d %H:%M}"
