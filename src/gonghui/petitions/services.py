"""Every write of petitions and hotline orders: registration from every channel (with the repeat check and
the accusation rule), routing (transfer, assign, refer, dispatch), the notices in writing at each step,
review and re-review, supervision, the hotline's logged calls and call-backs, and the daily digest.

The case engine takes every step (cases.services.transition: permission, state, clocks, timeline, audit);
this module records what the step means for the petition in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from gonghui.accounts.models import RoleAssignment
from gonghui.cases import documents
from gonghui.cases import services as cases
from gonghui.cases.models import Case, DeliveryWay, EventKind, Message, ServiceItem, State, Urgency
from gonghui.cases.states import PERM_HANDLE, PERM_ON_BEHALF
from gonghui.core import audit, calendar
from gonghui.orgs.models import Org
from gonghui.orgs.scoping import in_scope
from gonghui.registry.services import person_find_or_add

from . import handler as flow
from .models import (
    MAX_REPRESENTATIVES,
    Channel,
    Difficulty,
    HotlineCall,
    Kind,
    Petition,
    Route,
    Satisfaction,
    Supervision,
)

ITEMS = ("petition", "hotline")
PERM_SUPERVISE = "petitions.supervise_petition"
SUPERVISION_DAYS = 7  # the handling union answers a supervision notice within these days unless told otherwise


class RepeatCheck(ValidationError):
    """The petitioner has earlier petitions: the clerk must say whether this one repeats one of them."""

    def __init__(self, earlier: list[Case], elsewhere: int = 0):
        self.earlier, self.elsewhere = earlier, elsewhere
        numbers = "、".join(c.number for c in earlier[:5])
        said = [f"该信访人已有信访事项（{numbers}）"] if earlier else []
        if elsewhere:
            said.append(f"另有{elsewhere}件由其他单位办理")
        super().__init__({"repeat_of": "，".join(said) + "，请确认是否重复信访后再登记。"})


# --- rules ---------------------------------------------------------------------------------------------

def _value(choices, raw: str, default: str = "") -> str:
    """A choice field's stored label (the form keeps labels) → its value."""
    for value, label in choices.choices:
        if raw in (value, label):
            return value
    return default


def _root() -> Org:
    return Org.objects.filter(depth=1).order_by("path").first()


def _accused_reach(petition: Petition | None, org: Org) -> bool:
    """Whether ``org`` is the accused union or one below it (where an accusation may never go)."""
    return bool(petition and petition.is_accusation and petition.accused_org_id
                and org.path.startswith(petition.accused_org.path))


def _check_route(petition: Petition, org: Org) -> None:
    if petition.is_accusation and petition.accused_org_id is None:
        raise ValidationError({"org": "请先登记被检举控告的单位，再转送或交办。"})
    if _accused_reach(petition, org):
        raise ValidationError({"org": "检举控告事项不得转送或交办给被检举控告的单位及其下级工会。"})


def online_handling_org(item, worker, form: dict):
    """A worker's own accusation goes to the federation (the worker cannot name the accused union's place
    in the tree; the city's clerk records it); the rest to the worker's town union (the item's level)."""
    if item.code == "petition" and form.get("kind") in (Kind.ACCUSATION, Kind.ACCUSATION.label):
        return _root()
    return None


def _earlier(worker, exclude: int | None):
    found = Case.objects.filter(applicant=worker, item__code__in=ITEMS).exclude(state=State.DRAFT)
    return found.exclude(pk=exclude) if exclude else found


def _known_to(user):
    """The cases a clerk knows of: those their subtree handles, and those it registered (a petition the
    town registered and the union above reviewed is still the town's to recognise when it comes back)."""
    from django.db.models import Q

    known = Q(pk__in=Case.objects.visible_to(user).values("pk"))
    mine = getattr(user, "org", None)
    if mine is not None:
        known |= Q(petition__registered_org__path__startswith=mine.path)
    return known


def repeats(worker, *, user, exclude: int | None = None) -> list[Case]:
    """The petitioner's earlier petitions and hotline orders (open or closed) that ``user``'s union handles
    or registered, newest first (``openable``: the case page is theirs to open)."""
    found = list(_earlier(worker, exclude).filter(_known_to(user)).select_related("item", "org")
                 .order_by("-created_at")[:20])
    for case in found:
        case.openable = in_scope(user, case.org.path, "cases.view_case")
    return found


def repeats_elsewhere(worker, *, user, exclude: int | None = None) -> int:
    """How many earlier ones other unions handle (the clerk is told the number, not the matter); an
    accusation against the clerk's own union or one above it is not even counted."""
    others = _earlier(worker, exclude).exclude(_known_to(user))
    mine = getattr(user, "org", None)
    count = 0
    for petition in Petition.objects.filter(case__in=others).select_related("accused_org"):
        if not (mine is not None and _accused_reach(petition, mine)):
            count += 1
    return count


def _representatives(raw) -> list[str]:
    lines = raw if isinstance(raw, list) else str(raw or "").replace("，", "\n").replace(",", "\n").splitlines()
    names = [n.strip()[:20] for n in lines if n.strip()]
    if len(names) > MAX_REPRESENTATIVES:
        raise ValidationError({"representatives": f"多人信访的，推选的代表不超过{MAX_REPRESENTATIVES}人。"})
    return names


def _people(raw) -> int:
    try:
        people = int(str(raw or "1").strip())
    except ValueError:
        raise ValidationError({"people": "信访人数应为整数。"}) from None
    if not 1 <= people <= 10_000:
        raise ValidationError({"people": "信访人数应在1至10000之间。"})
    return people


# --- registration ----------------------------------------------------------------------------------------

def register(*, actor, item_code: str, channel: str, id_number: str, name: str = "", phone: str = "",
             form: dict, people=1, representatives="", caller_phone: str = "", recording_ref: str = "",
             subject_org: Org | None = None, accused_org: Org | None = None, accused_person: str = "",
             repeat_of: Case | None = None, repeat_note: str = "", letter: tuple[str, bytes] | None = None) -> Case:
    """Register a petition or a hotline order taken at a centre (a visit, a letter, a call, the API): the
    petitioner found in the registry or added as a person, the case handled by the registering union. A
    petitioner with earlier petitions needs the clerk's word (``repeat_of`` one of them, or ``repeat_note``
    saying why it is new); a repeat of a matter already through re-review is registered and not accepted."""
    if not actor.has_perm(PERM_ON_BEHALF) or getattr(actor, "org", None) is None:
        raise PermissionDenied("您没有登记信访事项的权限。")
    if item_code not in ITEMS:
        raise ValidationError({"item": "请选择登记为信访事项或热线工单。"})
    item = ServiceItem.objects.get(code=item_code)
    channel = _value(Channel, channel)
    if item_code == "hotline":
        channel = Channel.HOTLINE
    if channel not in Channel.values or channel == Channel.ONLINE:
        raise ValidationError({"channel": "请选择来源渠道（来访、来信、12351热线或系统对接）。"})
    kind = _value(Kind, str(form.get("kind", "")))
    if not kind:
        raise ValidationError({"kind": "请选择反映类型。"})
    people, names = _people(people), _representatives(representatives)
    if people >= 5 and channel == Channel.VISIT and not names:
        raise ValidationError({"representatives": f"5人以上集体来访的，请登记推选的代表"
                                                  f"（不超过{MAX_REPRESENTATIVES}人）。"})
    org = actor.org
    if kind == Kind.ACCUSATION:
        if accused_org is None:
            raise ValidationError({"accused_org": "检举控告工会工作人员的，请选择被检举控告人所在的工会。"})
        if org.path.startswith(accused_org.path):
            above = _upper(accused_org).name if accused_org.depth > 1 else "上级工会"
            raise ValidationError({"accused_org": f"检举控告本单位或上级单位工作人员的事项，本单位不得登记办理，"
                                                  f"请引导信访人向{above}反映。"})
    caller_phone = "".join(ch for ch in str(caller_phone or "") if ch.isdigit())[:20]
    if channel == Channel.HOTLINE and not caller_phone:
        raise ValidationError({"caller_phone": "请填写来电号码。"})
    mobile = caller_phone if len(caller_phone) == 11 and caller_phone.startswith("1") else ""
    worker, _added = person_find_or_add(actor=actor, id_number=id_number, name=name, phone=phone or mobile,
                                        org=org, perm=PERM_ON_BEHALF, why="信访登记")
    earlier, elsewhere = repeats(worker, user=actor), repeats_elsewhere(worker, user=actor)
    repeat_note = (repeat_note or "").strip()[:300]
    if repeat_of is not None and repeat_of.pk not in {c.pk for c in earlier}:
        raise ValidationError({"repeat_of": "所选的重复事项不是该信访人的信访事项。"})
    if (earlier or elsewhere) and repeat_of is None and not repeat_note:
        raise RepeatCheck(earlier, elsewhere)
    exhausted = repeat_of is not None and repeat_of.state == flow.FINAL
    if exhausted and not repeat_note:
        raise ValidationError({"repeat_note": "该事项已经复查、复核终结，请记录不予受理的理由。"})
    data = {**form, "kind": Kind(kind).label}
    if item_code == "petition" and not data.get("delivery"):
        data["delivery"] = DeliveryWay.ONLINE.label
    difficulty = ""
    if item_code == "hotline":
        difficulty = _value(Difficulty, str(form.get("difficulty", ""))) or Difficulty.ORDINARY
    if difficulty:
        data["difficulty"] = Difficulty(difficulty).label
    with transaction.atomic():
        case = cases.case_create(actor=actor, item=item, data=data, worker=worker, org=org)
        Petition.objects.create(
            case=case, channel=channel, kind=kind, subject_org=subject_org,
            subject_name=str(form.get("subject", ""))[:100],
            accused_org=accused_org if kind == Kind.ACCUSATION else None,
            accused_person=accused_person.strip()[:40] if kind == Kind.ACCUSATION else "", people=people,
            representatives=names, caller_phone=caller_phone, recording_ref=(recording_ref or "").strip()[:60],
            registered_org=org, registered_by=actor, repeat_of=repeat_of, repeat_note=repeat_note,
            delivery=_value(DeliveryWay, str(data.get("delivery", "")), DeliveryWay.ONLINE),
            difficulty=difficulty)
        if letter is not None:
            cases.attachment_add(actor=actor, case=case, material="letter", name=letter[0], data=letter[1])
        case = cases.transition(actor=actor, case=case, name="submit")
        if exhausted:
            case = cases.transition(actor=actor, case=case, name="not_accept", reason=(
                f"该事项已经复查、复核（{repeat_of.number}），同一事实和理由不再受理；{repeat_note}"))
    return case


def _petition(case: Case) -> Petition:
    found = Petition.objects.filter(case=case).select_related("accused_org", "registered_org").first()
    if found is None:
        raise ValidationError("该办件不是信访事项或热线工单。")
    return found


def accused_set(*, actor, case: Case, org: Org, person: str = "") -> Petition:
    """The city's clerk records whom an accusation submitted online is about."""
    cases._require_staff(actor, case, PERM_HANDLE, "登记被检举控告单位")
    petition = _petition(case)
    if not petition.is_accusation:
        raise ValidationError("只有检举控告事项需要登记被检举控告的单位。")
    if case.org.path.startswith(org.path) and case.org.depth > 1:
        raise ValidationError({"org": "承办单位就是被检举控告的单位或其下级，请先转送上级工会。"})
    with transaction.atomic():
        petition.accused_org, petition.accused_person = org, (person or "").strip()[:40]
        petition.save(update_fields=["accused_org", "accused_person"])
        cases.add_event(case, actor, EventKind.NOTE, "登记被检举控告单位", text=org.name, public=False)
        audit.record(actor=actor, action="petitions.accused_set", obj=case,
                     summary=f"{case.number} 被检举控告单位：{org.name}")
    return petition


def repeat_mark(*, actor, case: Case, earlier: Case, note: str = "") -> Petition:
    """Mark a registered petition (one submitted online, say) as repeating an earlier one of the same
    petitioner."""
    cases._require_staff(actor, case, PERM_HANDLE, "标记重复信访")
    petition = _petition(case)
    if earlier.pk not in {c.pk for c in repeats(case.applicant, user=actor, exclude=case.pk)}:
        raise ValidationError({"repeat_of": "所选事项不是该信访人的信访事项。"})
    with transaction.atomic():
        petition.repeat_of, petition.repeat_note = earlier, (note or "").strip()[:300]
        petition.save(update_fields=["repeat_of", "repeat_note"])
        cases.add_event(case, actor, EventKind.NOTE, "标记为重复信访", text=f"与{earlier.number}重复。{note}",
                        public=False)
        audit.record(actor=actor, action="petitions.repeat", obj=case, summary=f"{case.number} 重复{earlier.number}")
    return petition


# --- the engine's hooks ----------------------------------------------------------------------------------

def _upper(org: Org) -> Org:
    """The union above ``org`` (the federation has none in the system: it reviews its own)."""
    if len(org.path) <= Org.steplen:
        return org
    return Org.objects.get(path=org.path[:-Org.steplen])


def _reply_day(case: Case, kinds: tuple[str, ...]) -> dt.date | None:
    found = case.documents.filter(kind__in=kinds).order_by("-issued_on", "-pk").first()
    return found.issued_on if found else None


def check_step(case: Case, step) -> None:
    """A review is asked within 30 days of the reply, a re-review within 30 days of the review's answer."""
    windows = {"request_review": ("reply",), "request_rereview": ("review",)}
    if step.name in windows:
        since = _reply_day(case, windows[step.name])
        if since is not None:
            last = calendar.add_calendar_days(since, flow.REVIEW_WINDOW_DAYS)
            if timezone.localdate() > last:
                what = "复查" if "rereview" not in step.name else "复核"
                raise ValidationError(f"已超过申请{what}的期限（收到意见之日起30日内，截至{last:%Y年%m月%d日}）。")


def _when(value) -> str:
    return f"{timezone.localtime(value):%Y年%m月%d日}" if value else ""


def _matter(case: Case, petition: Petition) -> str:
    about = f"（反映对象：{case.form.get('subject')}）" if case.form.get("subject") else ""
    return (f"你于{_when(case.submitted_at)}通过{petition.get_channel_display()}反映的"
            f"{petition.get_kind_display()}事项{about}")


def _issue(actor, case: Case, petition: Petition, kind: str, title: str, body: str, *, issuer: Org | None = None,
           public: bool = True):
    return documents.issue(actor=actor, case=case, kind=kind, title=title, body=body,
                           issuer=(issuer or case.org).name, delivery=petition.delivery, public=public)


def on_step(case: Case, step, source: str, actor) -> None:
    petition = Petition.objects.filter(case=case).first()
    if step.name == "submit" and petition is None:
        # a worker's own petition (/m/ or the API), or one staff filed through the engine's on-behalf intake
        # (at a counter: a visit; a hotline order: a call) rather than the register page
        hotline = case.item.code == "hotline"
        channel = Channel.HOTLINE if hotline else Channel.VISIT if case.on_behalf else Channel.ONLINE
        Petition.objects.create(
            case=case, channel=channel, kind=_value(Kind, case.form.get("kind", ""), Kind.OTHER),
            subject_name=str(case.form.get("subject", ""))[:100], registered_org=case.org,
            registered_by=case.filed_by if case.on_behalf else None,
            difficulty=_value(Difficulty, str(case.form.get("difficulty", "")), Difficulty.ORDINARY) if hotline else "",
            delivery=_value(DeliveryWay, str(case.form.get("delivery", "")), DeliveryWay.ONLINE))
        return
    if petition is None or case.item.code != "petition":
        return
    if step.name == "accept":
        _issue(actor, case, petition, "accept", "信访事项受理告知书",
               f"{_matter(case, petition)}，经审查，本单位决定受理。\n"
               "本单位将自受理之日起60日内办结，并出具书面答复意见；情况复杂的，经批准可以适当延长办理期限，"
               "延长期限不超过30日，并告知延期理由。")
    elif step.name == "not_accept":
        _issue(actor, case, petition, "not_accept", "信访事项不予受理告知书",
               f"{_matter(case, petition)}，经审查，本单位决定不予受理。\n理由：{case.reason}。")
    elif step.name in ("request_review", "request_rereview"):
        upper = _upper(case.org)
        level = 2 if "rereview" not in step.name else 3
        Case.objects.filter(pk=case.pk).update(org=upper)
        case.org = upper
        Petition.objects.filter(pk=petition.pk).update(level=level)
        cases.add_event(case, actor, EventKind.NOTE, f"{'复查' if level == 2 else '复核'}由{upper.name}办理",
                        text=f"自{timezone.localdate():%Y年%m月%d日}起30日内提出意见。")


def on_extend(case: Case, clock, actor) -> None:
    petition = Petition.objects.filter(case=case).first()
    if petition is None or case.item.code != "petition":
        return
    _issue(actor, case, petition, "extend", "信访事项延期办理告知书",
           f"{_matter(case, petition)}，本单位已于{_when(case.accepted_at)}受理。\n"
           f"因{clock.extension_reason}，经批准，办理期限延长{clock.extended_days}日，至{clock.due_on:%Y年%m月%d日}。")


def viewed(case: Case, user, surface: str) -> None:
    """Every view of a petition by staff is on the audit trail."""
    audit.record(actor=user, action="petitions.view", obj=case, summary=f"{case.number} 查看信访事项")


# --- routing and answers ---------------------------------------------------------------------------------

def _notify_org(org: Org, case: Case, title: str, body: str) -> int:
    users = sorted(set(RoleAssignment.objects.filter(org=org, role__permissions__codename="handle_case")
                       .values_list("user_id", flat=True)))
    Message.objects.bulk_create([Message(recipient_id=u, case=case, title=title[:60], body=body) for u in users])
    return len(users)


def _move(case: Case, petition: Petition, org: Org, route: str, **extra) -> None:
    old = case.org
    Case.objects.filter(pk=case.pk).update(org=org, assigned_to=None)
    case.org, case.assigned_to = org, None
    for field, value in {"route": route, "routed_from": old, "routed_on": timezone.localdate(), **extra}.items():
        setattr(petition, field, value)
    petition.save()
    _notify_org(org, case, f"{Route(route).label}的{case.item.name}",
                f"{old.name}{Route(route).label}{case.item.name}（{case.number}），请及时办理。")


def transfer(*, actor, case: Case, org: Org, note: str = "") -> Case:
    """转送: before acceptance, to the union competent for the matter, whose 15 days start afresh."""
    petition = _petition(case)
    if org.pk == case.org_id:
        raise ValidationError({"org": "请选择其他工会。"})
    _check_route(petition, org)
    with transaction.atomic():
        case = cases.transition(actor=actor, case=case, name="transfer", module_form=True,
                                reason=f"转送{org.name}办理" + (f"：{note.strip()}" if note.strip() else ""))
        _move(case, petition, org, Route.TRANSFER)
    return case


def assign_down(*, actor, case: Case, org: Org, due_on, note: str = "") -> Case:
    """交办: an accepted petition handed to a union below, to report by ``due_on`` (within the 60 days)."""
    from gonghui.core.numbers import parse_day

    petition = _petition(case)
    if not (org.path.startswith(case.org.path) and org.pk != case.org_id):
        raise ValidationError({"org": "只能交办给本单位的下级工会。"})
    _check_route(petition, org)
    due = parse_day(due_on, "交办期限", "due_on", future=True)
    handle = case.clock_set.filter(key="handle", stopped_on__isnull=True).first()
    if due < timezone.localdate() or (handle and due > handle.due_on):
        raise ValidationError({"due_on": f"交办期限应在今天至办理期限（{handle.due_on if handle else ''}）之间。"})
    with transaction.atomic():
        case = cases.transition(actor=actor, case=case, name="assign_down", module_form=True,
                                reason=f"交办{org.name}，{due:%Y年%m月%d日}前报送办理结果"
                                + (f"：{note.strip()}" if note.strip() else ""))
        _move(case, petition, org, Route.ASSIGN, assign_due_on=due)
    return case


def refer(*, actor, case: Case, authority: str, note: str = "") -> Case:
    """转有权机关: a matter for the labour inspectorate, a court, … : a letter to it and a notice to the
    petitioner."""
    petition = _petition(case)
    authority = (authority or "").strip()[:60]
    if not authority:
        raise ValidationError({"authority": "请填写转往的有权机关（如人社局劳动保障监察大队、人民法院）。"})
    with transaction.atomic():
        case = cases.transition(actor=actor, case=case, name="refer", module_form=True, reason=authority)
        Petition.objects.filter(pk=petition.pk).update(route=Route.REFER, referred_to=authority,
                                                       routed_on=timezone.localdate())
        _issue(actor, case, petition, "refer_notice", "信访事项转送告知书",
               f"{_matter(case, petition)}，属于{authority}的职权范围，本单位已于{timezone.localdate():%Y年%m月%d日}"
               f"转送该机关处理，请与其联系。" + (f"\n说明：{note.strip()}" if note.strip() else ""))
        _issue(actor, case, petition, "refer_letter", "信访事项转送函",
               f"{authority}：\n现将{case.applicant.name}反映的{petition.get_kind_display()}事项（{case.number}）转去，"
               f"请依法处理。\n事实和诉求：{case.form.get('facts', '')} {case.form.get('request', '')}", public=False)
    return case


ANSWERS = {
    "reply": ("reply", "信访事项答复意见书",
              "如对本答复意见不服，可以自收到本答复意见书之日起30日内向{upper}请求复查。"),
    "answer_review": ("review", "信访事项复查意见书",
                      "如对本复查意见不服，可以自收到本复查意见书之日起30日内向{upper}请求复核。"),
    "answer_rereview": ("rereview", "信访事项复核意见书",
                        "本复核意见为终结意见。信访人对复核意见不服，仍以同一事实和理由提出信访的，不再受理。"),
}


def answer(*, actor, case: Case, step: str, text: str) -> Case:
    """The reply (答复), the review's (复查) or the re-review's (复核) opinion: the step and its notice."""
    if step not in ANSWERS:
        raise ValidationError("未知的答复环节。")
    petition = _petition(case)
    text = (text or "").strip()
    if len(text) < 10:
        raise ValidationError({"text": "请写明调查核实的情况和处理意见（至少10个字）。"})
    kind, title, closing = ANSWERS[step]
    with transaction.atomic():
        case = cases.transition(actor=actor, case=case, name=step, module_form=True, reason=text[:500])
        _issue(actor, case, petition, kind, title,
               f"{_matter(case, petition)}，本单位已受理。经调查核实，意见如下：\n{text}\n"
               + closing.format(upper=_upper(case.org).name))
    return case


# --- hotline ---------------------------------------------------------------------------------------------

def dispatch(*, actor, case: Case, org: Org, note: str = "") -> Case:
    """派单: the hotline order goes to the union competent for it (in the hotline's subtree)."""
    petition = _petition(case)
    if not in_scope(actor, org.path, PERM_HANDLE):
        raise ValidationError({"org": "只能派单给本单位及下级工会。"})
    _check_route(petition, org)
    with transaction.atomic():
        case = cases.transition(actor=actor, case=case, name="dispatch", module_form=True,
                                reason=f"派单{org.name}" + (f"：{note.strip()}" if note.strip() else ""))
        if org.pk != case.org_id:
            _move(case, petition, org, Route.DISPATCH)
    return case


def call_back(*, actor, case: Case, satisfaction: str, note: str = "") -> Case:
    """回访: the caller is asked about the answer; their satisfaction is recorded."""
    petition = _petition(case)
    value = _value(Satisfaction, satisfaction)
    if not value:
        raise ValidationError({"satisfaction": "请选择回访结果（满意、基本满意、不满意或未联系上）。"})
    with transaction.atomic():
        case = cases.transition(actor=actor, case=case, name="call_back", module_form=True,
                                reason=f"回访：{Satisfaction(value).label}"
                                + (f"，{note.strip()}" if note.strip() else ""))
        Petition.objects.filter(pk=petition.pk).update(satisfaction=value)
    return case


def call_log(*, actor, caller_phone: str, kind: str, topic: str, answer: str = "", caller_name: str = "",
             recording_ref: str = "") -> HotlineCall:
    """A call answered on the spot (no work order)."""
    if not actor.has_perm(PERM_ON_BEHALF) or getattr(actor, "org", None) is None:
        raise PermissionDenied("您没有登记热线来电的权限。")
    phone = "".join(ch for ch in str(caller_phone or "") if ch.isdigit())
    if not 5 <= len(phone) <= 20:
        raise ValidationError({"caller_phone": "请填写来电号码。"})
    kind = _value(Kind, kind)
    if not kind:
        raise ValidationError({"kind": "请选择来电类型。"})
    if not (topic or "").strip():
        raise ValidationError({"topic": "请填写来电内容。"})
    with transaction.atomic():
        call = HotlineCall.objects.create(org=actor.org, logged_by=actor, at=timezone.now(), caller_phone=phone,
                                          caller_name=(caller_name or "").strip()[:40], kind=kind,
                                          topic=topic.strip()[:500], answer=(answer or "").strip()[:500],
                                          recording_ref=(recording_ref or "").strip()[:60])
        audit.record(actor=actor, action="petitions.call_log", obj=call, summary=f"登记12351来电（{Kind(kind).label}）")
    return call


# --- supervision ----------------------------------------------------------------------------------------

def supervise(*, actor, case: Case, text: str, days: int = SUPERVISION_DAYS) -> Supervision:
    """督办: an upper union's notice to the union below handling the case, which must answer it."""
    mine = getattr(actor, "org", None)
    if mine is None or not actor.has_perm(PERM_SUPERVISE) or not in_scope(actor, case.org.path, PERM_SUPERVISE):
        raise PermissionDenied("您没有督办该事项的权限。")
    if case.org_id == mine.pk:
        raise ValidationError("本单位承办的事项无需督办。")
    if case.is_closed:
        raise ValidationError("该事项已办结，不能督办。")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写督办意见。"})
    if not 1 <= int(days) <= 30:
        raise ValidationError({"days": "回复期限应为1至30日。"})
    with transaction.atomic():
        row = Supervision.objects.create(case=case, by_org=mine, to_org=case.org, sent_by=actor, sent_at=timezone.now(),
                                         text=text[:1000],
                                         answer_due=calendar.add_calendar_days(timezone.localdate(), int(days)))
        cases.add_event(case, actor, EventKind.NOTE, f"{mine.name}督办", text=text, public=False)
        _notify_org(case.org, case, "督办通知", f"{mine.name}督办{case.item.name}（{case.number}）：{text}。"
                                                f"请于{row.answer_due:%m月%d日}前回复办理情况。")
        audit.record(actor=actor, action="petitions.supervise", obj=case, summary=f"{case.number} 督办")
    return row


def supervision_answer(*, actor, supervision: Supervision, text: str) -> Supervision:
    case = supervision.case
    cases._require_staff(actor, case, PERM_HANDLE, "回复督办")
    if supervision.answered_at is not None:
        raise ValidationError("该督办已回复。")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写办理情况。"})
    with transaction.atomic():
        if not Supervision.objects.filter(pk=supervision.pk, answered_at__isnull=True).update(
                answer=text[:1000], answered_by=actor, answered_at=timezone.now()):
            raise ValidationError("该督办已回复。")
        supervision.refresh_from_db()
        cases.add_event(case, actor, EventKind.NOTE, "回复督办", text=text, public=False)
        _notify_org(supervision.by_org, case, "督办回复", f"{case.org.name}回复了{case.number}的督办：{text}")
        audit.record(actor=actor, action="petitions.supervision_answer", obj=case, summary=f"{case.number} 回复督办")
    return supervision


# --- the daily digest -----------------------------------------------------------------------------------

def daily(on: dt.date) -> dict[str, int]:
    """Each day, the staff of the handling union and of the unions that registered or routed a petition or
    hotline order near or past its deadline get its number in a message (never an accused union)."""
    title = f"信访事项到期提醒（{on:%m月%d日}）"
    rows = (Petition.objects.filter(case__state__in=_open_states(), case__urgency__in=[Urgency.RED, Urgency.AMBER])
            .select_related("case", "case__org", "accused_org", "registered_org", "routed_from"))
    lines: dict[int, list[str]] = defaultdict(list)
    for petition in rows:
        case = petition.case
        word = "已超期" if case.urgency == Urgency.RED else "即将到期"
        line = f"{case.number}（{case.item.name}，承办：{case.org.name}，到期日{case.due_on}）{word}"
        for org in {case.org, petition.registered_org, petition.routed_from} - {None}:
            if not _accused_reach(petition, org):
                lines[org.pk].append(line)
    if not lines:
        return {"digests": 0}
    staff = RoleAssignment.objects.filter(org_id__in=list(lines), role__permissions__codename="view_case").values_list(
        "user_id", "org_id").distinct()
    by_user: dict[int, set[str]] = defaultdict(set)
    for user_id, org_id in staff:
        by_user[user_id] |= set(lines[org_id])
    already = set(Message.objects.filter(title=title, recipient_id__in=list(by_user))
                  .values_list("recipient_id", flat=True))
    written = [Message(recipient_id=u, title=title, body="；\n".join(sorted(found)) + "。")
               for u, found in by_user.items() if u not in already]
    Message.objects.bulk_create(written)
    return {"digests": len(written)}


def _open_states() -> list[str]:
    from gonghui.cases.selectors import queue_states

    return queue_states()
