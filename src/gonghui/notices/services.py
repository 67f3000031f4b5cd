"""Every write of the public notices: a module publishes entries; anyone objects within the window; the
centre answers; ``cleared`` tells a module an entry may be approved. Permission, state, one transaction,
audit."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from gonghui.core import audit, calendar, numbering, pii
from gonghui.core.errors import Conflict
from gonghui.orgs.scoping import in_scope

from .models import PERM_PUBLISH, NoticeEntry, NoticeState, Objection, ObjectionState, PublicNotice

PREFIX = "GS"
MAX_TEXT = 1000


@dataclass(frozen=True)
class Entry:
    """What a module puts on a notice: its row, the person's name and ID number in clear (masked here, as
    the rules require), their unit and what the notice says of them."""

    source: str
    object_id: int
    name: str
    id_number: str
    unit: str
    summary: str
    case_id: int | None = None


def mask_name(name: str) -> str:
    """王芳 → 王*；欧阳晓明 → 欧**明: the surname and, in longer names, the last character shown."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def _require(actor, org, what: str) -> None:
    if not in_scope(actor, org.path, PERM_PUBLISH):
        raise PermissionDenied(f"您没有{what}的权限。")


def notice_create(*, actor, org, source: str, title: str, body: str = "", entries: list[Entry],
                  window_days: int = 5) -> PublicNotice:
    _require(actor, org, "发布公示")
    if not entries:
        raise ValidationError("公示至少要有一个对象。")
    if not 1 <= window_days <= 30:
        raise ValidationError({"window_days": "公示期应为1至30个工作日。"})
    with transaction.atomic():
        notice = PublicNotice.objects.create(
            number=numbering.next_number(PREFIX, timezone.localdate().year), source=source, org=org,
            title=title.strip()[:100], body=body.strip(), window_days=window_days, created_by=actor)
        NoticeEntry.objects.bulk_create([NoticeEntry(
            notice=notice, source=e.source, object_id=e.object_id, case_id=e.case_id, name_masked=mask_name(e.name),
            id_masked=pii.mask_id(e.id_number), unit=e.unit[:100], summary=e.summary[:200]) for e in entries])
        audit.record(actor=actor, action="notices.create", obj=notice, summary=f"拟公示“{notice.title}”"
                                                                            f"（{len(entries)}人）")
    return notice


def publish(*, actor, notice: PublicNotice, on=None) -> PublicNotice:
    """Publish: the window runs ``window_days`` working days from the day after publication."""
    _require(actor, notice.org, "发布公示")
    on = on or timezone.localdate()
    closes = calendar.add_working_days(on, notice.window_days)
    with transaction.atomic():
        if not PublicNotice.objects.filter(pk=notice.pk, state=NoticeState.DRAFT).update(
                state=NoticeState.PUBLISHED, published_on=on, closes_on=closes):
            raise Conflict("该公示已发布。")
        notice.state, notice.published_on, notice.closes_on = NoticeState.PUBLISHED, on, closes
        audit.record(actor=actor, action="notices.publish", obj=notice,
                     summary=f"发布公示“{notice.title}”，{notice.window_days}个工作日，至{closes:%Y-%m-%d}")
    return notice


def objection_add(*, notice: PublicNotice, entry: NoticeEntry | None, text: str, contact: str = "",
                  request=None) -> Objection:
    """Anyone may object while the notice is open, about one entry or the whole notice."""
    if not notice.is_open:
        raise ValidationError("公示期已结束或尚未发布，不能再提出异议。")
    if entry is not None and entry.notice_id != notice.pk:
        raise ValidationError("该对象不在本公示中。")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请写明异议的事实和理由。"})
    with transaction.atomic():
        row = Objection.objects.create(notice=notice, entry=entry, text=text[:MAX_TEXT],
                                       contact=(contact or "").strip()[:50])
        audit.record(actor=None, action="notices.objection", obj=notice, request=request,
                     summary=f"公示“{notice.title}”收到异议" + (f"（{entry.name_masked}）" if entry else ""))
    return row


def objection_answer(*, actor, objection: Objection, upheld: bool, findings: str) -> Objection:
    """The centre's investigation and answer: upheld (the entry is not approved) or rejected."""
    _require(actor, objection.notice.org, "答复异议")
    findings = (findings or "").strip()
    if not findings:
        raise ValidationError({"findings": "请填写核查情况和答复。"})
    state = ObjectionState.UPHELD if upheld else ObjectionState.REJECTED
    with transaction.atomic():
        if not Objection.objects.filter(pk=objection.pk, state=ObjectionState.OPEN).update(
                state=state, findings=findings[:MAX_TEXT], answered_by=actor, answered_at=timezone.now()):
            raise Conflict("该异议已答复。")
        objection.state = state
        audit.record(actor=actor, action="notices.objection_answer", obj=objection.notice,
                     summary=f"异议{'成立' if upheld else '不成立'}：{findings[:100]}")
    return objection


def cleared(*, source: str, object_id: int, on=None) -> tuple[bool, str]:
    """Whether a module's row may be approved: published on a notice whose window has closed, with no
    objection open or upheld against it (or the whole notice). Returns (cleared, why not)."""
    on = on or timezone.localdate()
    entry = (NoticeEntry.objects.filter(source=source, object_id=object_id).select_related("notice")
             .order_by("-notice__published_on", "-pk").first())
    if entry is None or entry.notice.state == NoticeState.DRAFT:
        return False, "尚未公示"
    if on <= entry.notice.closes_on:
        return False, f"公示期至{entry.notice.closes_on:%Y-%m-%d}，期满后方可审批"
    against = Objection.objects.filter(notice=entry.notice).filter(entry__isnull=True) | Objection.objects.filter(
        entry=entry)
    if against.filter(state=ObjectionState.OPEN).exists():
        return False, "有异议尚待核查答复"
    if against.filter(state=ObjectionState.UPHELD).exists():
        return False, "异议成立"
    return True, ""
