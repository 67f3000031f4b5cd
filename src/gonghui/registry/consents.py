"""Consent per sensitive category, and a worker's copy of what the platform holds about them."""

from __future__ import annotations

import json

from django.db import transaction
from django.utils import timezone

from gonghui.core import audit, pii

from .models import BindingStatus, Consent, ConsentCategory

NOTICE_VERSION = "2026-11"
NOTICES = {
    ConsentCategory.MEDICAL: "办理医疗互助等服务时，处理您的住院、诊断、费用等医疗健康信息，仅用于审核和发放补助。",
    ConsentCategory.BANK: "发放补助金时，处理您的银行卡号和开户行，仅用于向您本人账户转账。",
    ConsentCategory.COUNSELLING: "心理咨询记录仅咨询师本人可见，除法律规定外不向任何人提供。",
    ConsentCategory.MINORS: "办理金秋助学等服务时，处理您未成年子女的姓名、学校等信息，仅用于该项服务。",
}


def current(user) -> dict[str, Consent | None]:
    live = {c.category: c for c in Consent.objects.filter(user=user, withdrawn_at__isnull=True)}
    return {value: live.get(value) for value in ConsentCategory.values}


def consent_give(*, user, category: str, request=None) -> Consent:
    category = ConsentCategory(category)
    with transaction.atomic():
        existing = Consent.objects.filter(user=user, category=category, withdrawn_at__isnull=True).first()
        if existing:
            return existing
        consent = Consent.objects.create(user=user, category=category, notice_version=NOTICE_VERSION,
                                         granted_at=timezone.now())
        audit.record(actor=user, action="privacy.consent_give", obj=consent, request=request,
                     summary=f"同意处理{category.label}（告知书{NOTICE_VERSION}）")
    return consent


def consent_withdraw(*, user, category: str, request=None) -> None:
    category = ConsentCategory(category)
    with transaction.atomic():
        if Consent.objects.filter(user=user, category=category, withdrawn_at__isnull=True).update(
                withdrawn_at=timezone.now()):
            audit.record(actor=user, action="privacy.consent_withdraw", request=request, object_type="privacy",
                         object_id=category.value, summary=f"撤回对{category.label}的同意")


def my_data(*, user, request=None) -> bytes:
    """Everything the platform holds about the signed-in worker, as JSON (their own numbers in full:
    it is their data, downloaded by them; the download is audited)."""
    account = getattr(user, "worker_account", None)
    data: dict = {"账号": {"手机号": user.username, "注册时间": user.date_joined.isoformat()}}
    if account is not None and account.status == BindingStatus.BOUND and account.worker_id:
        w = account.worker
        data["职工档案"] = {
            "姓名": w.name, "身份证号": w.id_number_clear(), "性别": w.get_gender_display(),
            "出生日期": w.birth_date.isoformat(), "手机号": w.phone,
            "所在企业": w.enterprise.name if w.enterprise else "", "会籍": w.get_membership_display(),
            "入会日期": w.member_since.isoformat() if w.member_since else "", "户籍地": w.hukou_place,
            "银行卡号": w.bank_number_clear(), "开户行": w.bank_name,
            "标签": [t.name for t in w.tags.all()],
            "任职经历": [{"企业": e.enterprise.name, "入职": str(e.joined_on or ""), "离职": str(e.left_on or "")}
                     for e in w.employments.select_related("enterprise")],
        }
    data["个人信息同意"] = [{"类别": c.get_category_display(), "告知书版本": c.notice_version,
                          "同意时间": c.granted_at.isoformat(),
                          "撤回时间": c.withdrawn_at.isoformat() if c.withdrawn_at else ""}
                         for c in Consent.objects.filter(user=user)]
    audit.record(actor=user, action="privacy.download", obj=user, request=request, summary="职工下载本人数据")
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def correction_ask(*, user, field: str, value: str, note: str = "", request=None):
    """A bound worker asks for an item of their own record to be corrected."""
    from django.core.exceptions import ValidationError

    from .models import CorrectionField, CorrectionRequest

    account = getattr(user, "worker_account", None)
    if account is None or account.status != BindingStatus.BOUND or not account.worker_id:
        raise ValidationError("请先完成实名绑定。")
    if field not in CorrectionField.values:
        raise ValidationError({"field": "请选择要更正的项目。"})
    value = value.strip()
    if not value:
        raise ValidationError({"value": "请填写正确的内容。"})
    if field == CorrectionField.NAME:
        from gonghui.core import personnames

        try:
            value = personnames.clean(value)
        except personnames.NameInvalid as exc:
            raise ValidationError({"value": f"{exc}。"}) from None
    with transaction.atomic():
        row = CorrectionRequest.objects.create(worker_id=account.worker_id, field=field,
                                               requested_value=value[:100], note=note.strip()[:200])
        audit.record(actor=user, action="privacy.correction_ask", obj=row, request=request,
                     summary=f"申请更正{row.get_field_display()}")
    return row


def correction_handle(*, actor, row, accept: bool, reply: str = "", request=None) -> None:
    """Staff correct the record (name, phone, household place) or refuse with a reason the worker sees."""
    from django.core.exceptions import PermissionDenied, ValidationError

    from gonghui.orgs.scoping import in_scope

    from .importing import normalise_mobile
    from .models import CorrectionField, CorrectionRequest, CorrectionStatus, Worker, WorkerNameKey
    from .names import name_keys

    if not in_scope(actor, row.worker.org.path, "registry.import_registry"):
        raise PermissionDenied("不在您的管辖范围内。")
    if not accept and not reply.strip():
        raise ValidationError({"reply": "请填写不予更正的原因，职工会看到它。"})
    with transaction.atomic():
        if not CorrectionRequest.objects.filter(pk=row.pk, status=CorrectionStatus.OPEN).update(
                status=CorrectionStatus.DONE if accept else CorrectionStatus.REFUSED, reply=reply.strip()[:200],
                handled_by=actor, handled_at=timezone.now()):
            raise ValidationError("该申请已处理。")
        worker = Worker.objects.select_for_update().get(pk=row.worker_id)
        changes = {}
        if accept and row.field != CorrectionField.OTHER:
            value = row.requested_value
            if row.field == CorrectionField.PHONE:
                try:
                    value = normalise_mobile(value)
                except ValueError as exc:
                    raise ValidationError(str(exc)) from None
            before = getattr(worker, row.field)
            setattr(worker, row.field, value)
            worker.save(update_fields=[row.field, "updated_at"])
            if row.field == CorrectionField.NAME:
                WorkerNameKey.objects.filter(worker=worker).delete()
                WorkerNameKey.objects.bulk_create([WorkerNameKey(worker=worker, key=k) for k in name_keys(value)])
            shown = pii.mask_phone if row.field == CorrectionField.PHONE else str
            changes = {"before": {row.field: shown(before)}, "after": {row.field: shown(value)}}
        audit.record(actor=actor, action="privacy.correction_done" if accept else "privacy.correction_refuse",
                     obj=worker, request=request, changes=changes,
                     summary=f"{'更正' if accept else '不予更正'}{row.get_field_display()}")
