"""Writes and audited reads of health records (models explains who may)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from gonghui.core import audit
from gonghui.orgs.scoping import assigned_perms
from gonghui.scheduling.models import Booking, Session, Status

from .models import FIELDS, KIND_OF_SERVICE, PERM_RECORD, HealthRecord


def is_provider_of(user, booking: Booking) -> bool:
    """A provider of the booking's service at its union: named on any of its sessions there, holding the
    health providers' permission."""
    if user is None or not user.is_authenticated or PERM_RECORD not in assigned_perms(user):
        return False
    return Session.objects.filter(service_id=booking.service_id, org_id=booking.org_id, providers=user).exists()


def record_write(*, actor, booking: Booking, values: dict, abnormal: bool = False) -> HealthRecord:
    kind = KIND_OF_SERVICE.get(booking.service.code)
    if kind is None:
        raise ValidationError("该服务没有健康记录。")
    if not is_provider_of(actor, booking):
        raise PermissionDenied("只有该项目的医生可以填写健康记录。")
    if booking.status != Status.ATTENDED:
        raise ValidationError("职工签到后才能填写记录。")
    clean = {key: str(values.get(key, "")).strip()[:1000] for key, _label in FIELDS[kind]}
    first_key, first_label = FIELDS[kind][0]
    if not clean[first_key]:
        raise ValidationError({first_key: f"请填写{first_label}。"})
    with transaction.atomic():
        record = HealthRecord.objects.filter(booking=booking).first() or HealthRecord(booking=booking, kind=kind,
                                                                                        author=actor)
        record.set_content(clean)
        record.abnormal = bool(abnormal)
        record.save()
        audit.record(actor=actor, action="health.record_write", obj=record,
                     summary=f"填写{record.get_kind_display()}：{booking.number}")  # never the content
    return record


def record_read(*, actor, booking: Booking) -> HealthRecord | None:
    """A provider reads the record (audited); anyone else is refused."""
    if not is_provider_of(actor, booking):
        raise PermissionDenied("健康记录仅该项目的医生和职工本人可以查看。")
    record = HealthRecord.objects.filter(booking=booking).first()
    if record is not None:
        audit.record(actor=actor, action="health.record_view", obj=record,
                     summary=f"查看{record.get_kind_display()}：{booking.number}")
    return record
