"""Every write and every reading of counselling notes (models explains the confidentiality)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from gonghui.cases.services import worker_of
from gonghui.core import audit, inbox, pii
from gonghui.orgs.models import Org
from gonghui.orgs.scoping import assigned_perms, in_scope, scope_paths
from gonghui.scheduling import services as scheduling
from gonghui.scheduling.models import PERM_MANAGE, Booking, Status

from .models import PERM_COUNSEL, PERM_DISCLOSE, Channel, Contact, Disclosure, GroupCourse, Letter

MIN_REASON = 10


def is_counsellor(user) -> bool:
    return user is not None and user.is_authenticated and PERM_COUNSEL in assigned_perms(user)


def _require_counsellor(actor) -> None:
    if not is_counsellor(actor):
        raise PermissionDenied("只有签约的心理咨询师可以记录咨询。")


def mailbox_org(user) -> Org | None:
    """The union whose mailbox a counsellor answers: the one that contracted their practice."""
    partner = getattr(user, "partner", None)
    return partner.org if partner is not None else None


def contact_for_booking(*, actor, booking: Booking) -> Contact:
    """The counsellor's contact of a booked (or walk-in) session, made on first use."""
    _require_counsellor(actor)
    if booking.service.code != "counselling" or not scheduling.is_provider(actor, booking.session):
        raise PermissionDenied("只有该场次的咨询师可以记录。")
    if booking.status != Status.ATTENDED:
        raise ValidationError("来访者签到后才能记录咨询。")
    with transaction.atomic():
        contact, created = Contact.objects.get_or_create(booking=booking, defaults={
            "org": booking.org, "counsellor": actor, "worker": booking.worker, "occurred_on": booking.session.date,
            "channel": Channel.WALK_IN if booking.channel == "walk_in" else Channel.BOOKED,
            "minutes": int((booking.session.end - booking.session.start).total_seconds() // 60)})
        if created:
            audit.record(actor=actor, action="counselling.contact_log", obj=contact,
                         summary=f"登记{contact.get_channel_display()}")
    if contact.counsellor_id != actor.pk:
        raise PermissionDenied("咨询记录仅由接待的咨询师本人查看。")
    return contact


def contact_log(*, actor, channel: str, occurred_on: dt.date, minutes, client_label: str = "", note: str = "",
                risk: bool = False) -> Contact:
    """A hotline call or a walk-in logged by the counsellor who took it."""
    _require_counsellor(actor)
    errors = {}
    if channel not in (Channel.HOTLINE, Channel.WALK_IN):
        errors["channel"] = "请选择心理热线或现场咨询。"
    try:
        minutes = int(minutes)
        if not 1 <= minutes <= 600:
            raise ValueError
    except (TypeError, ValueError):
        errors["minutes"] = "时长应为1到600分钟。"
    if occurred_on is None or occurred_on > timezone.localdate():
        errors["occurred_on"] = "请填写咨询日期（不能晚于今天）。"
    org = mailbox_org(actor)
    if org is None:
        errors["__all__"] = "您的账号未关联签约机构，请联系系统管理员。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        contact = Contact(org=org, counsellor=actor, channel=channel, occurred_on=occurred_on, minutes=minutes,
                          client_label=client_label.strip()[:20], risk=bool(risk))
        contact.set_note(note.strip()[:5000])
        contact.save()
        audit.record(actor=actor, action="counselling.contact_log", obj=contact,
                     summary=f"登记{contact.get_channel_display()}，{minutes}分钟" + ("，标记风险" if risk else ""))
    return contact


def note_read(*, actor, contact: Contact) -> str:
    """The note, for the counsellor who wrote it; anyone else is refused (there is no other way to it
    than ``disclose``)."""
    if actor is None or contact.counsellor_id != actor.pk or not is_counsellor(actor):
        raise PermissionDenied("咨询记录仅由接待的咨询师本人查看。")
    return pii.decrypt(contact.note_enc, field="counselling_note") if contact.note_enc else ""


def note_write(*, actor, contact: Contact, note: str, risk: bool) -> Contact:
    if actor is None or contact.counsellor_id != actor.pk or not is_counsellor(actor):
        raise PermissionDenied("咨询记录仅由接待的咨询师本人填写。")
    with transaction.atomic():
        flagged = bool(risk) and not contact.risk
        contact.set_note((note or "").strip()[:5000])
        contact.risk = bool(risk)
        contact.save(update_fields=["note_enc", "risk", "updated_at"])
        audit.record(actor=actor, action="counselling.note_write", obj=contact,
                     summary="更新咨询记录" + ("，标记风险需跟进" if flagged else ""))  # never the content
    return contact


def disclose(*, actor, contact: Contact, reason: str) -> str:
    """Emergency disclosure of one note to the crisis lead: justified, audited, and the counsellor told."""
    if not in_scope(actor, contact.org.path, PERM_DISCLOSE):
        raise PermissionDenied("只有心理危机干预负责人可以紧急查阅咨询记录。")
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise ValidationError({"reason": f"请写明紧急查阅的理由（不少于{MIN_REASON}个字），"
                                         "例如存在自伤风险需立即干预。"})
    with transaction.atomic():
        Disclosure.objects.create(contact=contact, by=actor, reason=reason[:500])
        audit.record(actor=actor, action="counselling.disclose", obj=contact,
                     summary=f"紧急查阅咨询记录（{contact.get_channel_display()}，{contact.occurred_on}）：{reason[:200]}")
        inbox.deliver(contact.counsellor, "咨询记录被紧急查阅",
                      f"{actor.display_name}于{timezone.localtime():%Y-%m-%d %H:%M}紧急查阅了您"
                      f"{contact.occurred_on:%m月%d日}的一份咨询记录，理由：{reason[:200]}")
    return pii.decrypt(contact.note_enc, field="counselling_note") if contact.note_enc else ""


# --- the mailbox -------------------------------------------------------------------------------------------

def letter_write(*, actor, subject: str, body: str) -> Letter:
    worker = worker_of(actor)
    if worker is None:
        raise PermissionDenied("请先完成实名认证后再写信。")
    errors = {}
    if not (subject or "").strip():
        errors["subject"] = "请填写标题（可以只写“求助”）。"
    if len((body or "").strip()) < 5:
        errors["body"] = "请写下您想说的话（至少5个字）。"
    if errors:
        raise ValidationError(errors)
    root = Org.objects.filter(depth=1).order_by("path").first()
    with transaction.atomic():
        letter = Letter.objects.create(org=root, worker=worker, subject=subject.strip()[:60],
                                       body_enc=pii.encrypt(body.strip()[:5000], field="counselling_letter"))
        audit.record(actor=actor, action="counselling.letter_write", obj=letter, summary="写信到心理信箱")
    return letter


def letters_for(user):
    """The letters a counsellor may read: those to the mailbox of the union that contracted them."""
    org = mailbox_org(user) if is_counsellor(user) else None
    if org is None:
        return Letter.objects.none()
    return Letter.objects.filter(org__path__startswith=org.path).select_related("worker")


def letter_answer(*, actor, letter: Letter, answer: str) -> Letter:
    if not letters_for(actor).filter(pk=letter.pk).exists():
        raise PermissionDenied("只有签约的心理咨询师可以回复心理信箱。")
    if len((answer or "").strip()) < 5:
        raise ValidationError({"answer": "请填写回信内容。"})
    with transaction.atomic():
        if not Letter.objects.filter(pk=letter.pk, answered_at__isnull=True).update(
                answer_enc=pii.encrypt(answer.strip()[:5000], field="counselling_letter"), answered_by=actor,
                answered_at=timezone.now()):
            raise ValidationError("这封信已经回复过了。")
        letter.refresh_from_db()
        Contact.objects.create(org=letter.org, counsellor=actor, channel=Channel.MAILBOX, worker=letter.worker,
                               occurred_on=timezone.localdate(), minutes=0)
        scheduling.tell(letter.worker, "心理信箱回信", "您写给心理信箱的信已有回复，请到“心理咨询”查看。")
        audit.record(actor=actor, action="counselling.letter_answer", obj=letter, summary="回复心理信箱来信")
    return letter


# --- group courses -----------------------------------------------------------------------------------------

def scope_path_for(actor) -> str | None:
    paths = scope_paths(actor, PERM_MANAGE)
    return min(paths, key=len) if paths else None


def group_course_add(*, actor, enterprise_name: str, held_on, title: str, participants, women: bool,
                     enterprise=None, org=None) -> GroupCourse:
    """A group course, counted for ``org``: by default the union that contracted the counsellor, or the
    top of the staff member's own subtree."""
    if org is None:
        top = mailbox_org(actor) if is_counsellor(actor) else None
        path = top.path if top else scope_path_for(actor)
        org = Org.objects.filter(path=path).first() if path else None
    if org is None or not (in_scope(actor, org.path, PERM_MANAGE) or is_counsellor(actor)):
        raise PermissionDenied("您没有登记团体课程的权限。")
    errors = {}
    if not (enterprise_name or "").strip():
        errors["enterprise_name"] = "请填写企业名称。"
    if not (title or "").strip():
        errors["title"] = "请填写课程名称。"
    if held_on is None or held_on > timezone.localdate():
        errors["held_on"] = "请填写授课日期（不能晚于今天）。"
    try:
        participants = int(participants)
        if not 1 <= participants <= 100000:
            raise ValueError
    except (TypeError, ValueError):
        errors["participants"] = "参加人数应为正整数。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        course = GroupCourse.objects.create(org=org, enterprise=enterprise, enterprise_name=enterprise_name.strip(),
                                            held_on=held_on, title=title.strip()[:60], participants=participants,
                                            women=bool(women), recorded_by=actor)
        audit.record(actor=actor, action="counselling.group_course", obj=course,
                     summary=f"团体心理课程：{course.enterprise_name}，{participants}人")
    return course
