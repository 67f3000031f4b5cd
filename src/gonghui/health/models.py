"""Health records of a booking (a clinic visit, a screening result) and the care rooms.

A record's content is encrypted at rest (``core.pii``, field ``health_record``) and readable only by the
providers of the service at the union that runs it (the clinic's doctors, the programme's screening
doctors) and by the worker; every reading by a provider is audited. The centre's staff see that a visit
took place (the booking), never what was recorded."""

from __future__ import annotations

import json

from django.conf import settings
from django.db import models

from gonghui.core import pii
from gonghui.orgs.models import ServiceCentre
from gonghui.scheduling.models import Booking

PERM_RECORD = "health.record_health"

#: the fields of each kind of record: (key, label)
FIELDS = {
    "visit": (("complaint", "主诉"), ("treatment", "处置（理疗、手法等）"), ("advice", "建议")),
    "screening": (("result", "筛查结果"), ("advice", "医生建议")),
}
KIND_OF_SERVICE = {"spine_clinic": "visit", "women_screening": "screening"}


class HealthRecord(models.Model):
    booking = models.OneToOneField(Booking, on_delete=models.PROTECT, related_name="health_record")
    kind = models.CharField("类型", max_length=12, choices=[("visit", "就诊记录"), ("screening", "筛查结果")])
    content_enc = models.BinaryField("内容（密文）")
    abnormal = models.BooleanField("需复查", default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("记录时间", auto_now=True)

    class Meta:
        verbose_name = "健康记录"
        verbose_name_plural = "健康记录"
        permissions = [("record_health", "记录和查看所服务项目的健康记录")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.booking_id}"

    def content(self) -> dict:
        return json.loads(pii.decrypt(self.content_enc, field="health_record") or "{}")

    def set_content(self, values: dict) -> None:
        self.content_enc = pii.encrypt(json.dumps(values, ensure_ascii=False), field="health_record")

    def rows(self) -> list[tuple[str, str]]:
        content = self.content()
        return [(label, content.get(key, "")) for key, label in FIELDS[self.kind]]


class CareRoom(models.Model):
    """A care room for nursing mothers (爱心妈咪小屋) at a centre or an enterprise."""

    centre = models.ForeignKey(ServiceCentre, verbose_name="服务中心", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("名称", max_length=60)
    location = models.CharField("位置", max_length=120)
    facilities = models.CharField("设施", max_length=200, blank=True)
    hours = models.CharField("开放时间", max_length=60, blank=True)
    opened_on = models.DateField("启用日期", null=True, blank=True)
    active = models.BooleanField("开放", default=True)

    class Meta:
        verbose_name = "爱心妈咪小屋"
        verbose_name_plural = "爱心妈咪小屋"
        ordering = ["centre_id", "name"]

    def __str__(self) -> str:
        return self.name
