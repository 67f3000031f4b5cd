"""Every write of the case engine: create, edit, attach, move through the states, note, assign, extend,
rate. Each function checks who may do it and in which state, runs in one transaction, writes the
timeline and the audit record, and notifies the applicant at the public steps.

A state change claims the case with a conditional UPDATE (``… WHERE id = ? AND state = <expected>``):
two staff approving at once, a double click or an API retry give one approval; the loser gets
``CaseConflict``. This works the same on SQLite (where ``select_for_update`` does nothing) and on
PostgreSQL (the second UPDATE waits for the first transaction and then finds the state changed).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.utils import timezone

from gonghui.core import audit, numbering, pii, uploads
from gonghui.core.errors import Conflict
from gonghui.orgs.models import Org
from gonghui.orgs.scoping import assigned_perms, in_scope
from gonghui.registry.models import BindingStatus, Worker, WorkerAccount

from . import catalogue, clocks, notify
from .models import (
    ACTIVE_ASSIGNMENT,
    AssignmentStatus,
    Attachment,
    Case,
    CaseAssignment,
    CaseEvent,
    EventKind,
    FollowUp,
    HandlingLevel,
    Message,
    Rating,
    ServiceItem,
    State,
)
from .registry import registry
from .states import (
    APPLICANT,
    PARTNER_ACCEPT,
    PARTNER_DECLINE,
    PERM_DOCUMENT,
    PERM_EXTEND,
    PERM_HANDLE,
    PERM_ON_BEHALF,
    UNIT_WORDS,
    Transition,
    state_label,
)

MAX_ATTACHMENTS = 60
MAX_EXTENSION_DAYS = 30


class CaseConflict(Conflict):
    """The case is no longer in the state the action expected: someone (or an earlier click) moved it."""


# --- who is who --------------------------------------------------------------------------------------

def worker_of(user) -> Worker | None:
    """The registry record a signed-in worker is bound to, or None (one query, then kept on the user
    object for the rest of the request, as Django keeps its permission cache)."""
    if user is None or not user.is_authenticated:
        return None
    if not hasattr(user, "_bound_worker"):
        account = (WorkerAccount.objects.filter(user=user, status=BindingStatus.BOUND, worker__isnull=False)
                   .select_related("worker__org").first())
        user._bound_worker = account.worker if account else None
    return user._bound_worker


def is_applicant(user, case: Case) -> bool:
    worker = worker_of(user)
    return worker is not None and worker.pk == case.applicant_id


def identity_shown(case: Case, user, surface: str = "desk", known: set[int] | None = None) -> bool:
    """Whether ``user`` sees who applied: always for an ordinary item; for one that keeps the identity
    private (a petition), the handlers (``Handler.identity_shown``), those the item names besides
    (``Handler.identity_known_q``: ``known`` holds the ids already found for a list) and the applicant —
    never in a spreadsheet (``surface`` ``"export"``)."""
    handler = registry.handler_for(case.item)
    if handler.identity_shown(case, user, surface):
        return True
    if surface == "export" or user is None:
        return False
    if is_applicant(user, case):
        return True
    if known is not None:
        return case.pk in known
    extra = handler.identity_known_q(user)
    return extra is not None and Case.objects.filter(extra, pk=case.pk).exists()


def applicant_shown(case: Case, user, surface: str = "desk", known: set[int] | None = None) -> str:
    """The applicant's name as ``user`` may see it: masked (张*) where the item keeps the identity to the
    case's handlers (``identity_shown``)."""
    name = case.applicant.name
    return name if identity_shown(case, user, surface, known) else pii.mask_name(name)


def applicant_labels(cases, user, surface: str = "desk") -> list[Case]:
    """``case.applicant_label`` on each case of a list, with one query per private item in it."""
    cases = list(cases)
    known: set[int] = set()
    for code in {c.item.code for c in cases} & set(registry.private_identity_items()):
        extra = registry.handler_for(code).identity_known_q(user) if surface != "export" else None
        if extra is not None:
            known |= set(Case.objects.filter(extra, pk__in=[c.pk for c in cases if c.item.code == code])
                         .values_list("pk", flat=True))
    for case in cases:
        case.applicant_label = applicant_shown(case, user, surface, known)
    return cases


def staff_may(user, case: Case, perm: str) -> bool:
    """Whether ``user`` holds ``perm`` on ``case``: over the subtree of the case's handling organisation,
    or — a partner — through their active assignment to the case (orgs.scoping)."""
    if not perm:
        return False
    # the scope first: it is read from the role grants already loaded, has_perm may query
    if in_scope(user, case.org.path, perm) and user.has_perm(perm):
        return True
    return perm in assigned_perms(user) and active_assignment(case, user) is not None


def active_assignment(case: Case, user=None) -> CaseAssignment | None:
    """The case's offered or accepted assignment (to ``user`` only, when given); read once per case
    object."""
    if not hasattr(case, "_active_assignment"):
        case._active_assignment = (CaseAssignment.objects.filter(case_id=case.pk, status__in=ACTIVE_ASSIGNMENT)
                                   .select_related("user", "partner").first())
    found = case._active_assignment
    if found is None or (user is not None and found.user_id != getattr(user, "pk", None)):
        return None
    return found


def partner_may_take(partner_user, case: Case, perm: str) -> bool:
    """Whether ``partner_user`` may be assigned ``case``: a member of an active partner organisation that
    the handling organisation or a union above it contracted, holding ``perm`` through their role."""
    return partner_may_serve(partner_user, case.org.path, perm)


def partner_may_serve(partner_user, path: str, perm: str) -> bool:
    """Whether ``partner_user`` may serve the organisation at ``path`` (a case's handling union, a centre's
    union): their firm is active and was contracted by that union or one above it; they hold ``perm``."""
    firm = getattr(partner_user, "partner", None)
    return bool(partner_user is not None and partner_user.is_active and firm is not None and firm.active
                and path.startswith(firm.org.path) and perm in assigned_perms(partner_user))


def _require_staff(user, case: Case, perm: str, what: str) -> None:
    if not staff_may(user, case, perm):
        raise PermissionDenied(f"您没有{what}的权限。")


def may_act_as_applicant(user, case: Case) -> bool:
    """The applicant, or the staff who filed the case on the applicant's behalf (intake point)."""
    return is_applicant(user, case) or (case.on_behalf and staff_may(user, case, PERM_ON_BEHALF))


def is_editable(case: Case) -> bool:
    """Whether the applicant may still change the form and materials (the state's ``editable``)."""
    state = registry.workflow_for(case.item).state(case.state)
    return bool(state and state.editable)


def allowed_transitions(user, case: Case) -> list[Transition]:
    """The steps ``user`` may take on ``case`` now (the buttons of a page)."""
    out = []
    for step in registry.workflow_for(case.item).transitions:
        if case.state not in step.sources:
            continue
        if step.by == APPLICANT:
            if may_act_as_applicant(user, case):
                out.append(step)
        elif staff_may(user, case, step.perm):
            out.append(step)
    return out


# --- timeline, audit -----------------------------------------------------------------------

def add_event(case: Case, actor, kind: str, title: str, *, text: str = "", public: bool = True, name: str = "",
           from_state: str = "", to_state: str = "", data: dict | None = None) -> CaseEvent:
    return CaseEvent.objects.create(case=case, actor=actor if getattr(actor, "pk", None) else None, kind=kind,
                                    title=title[:60], text=text, public=public, name=name,
                                    from_state=from_state, to_state=to_state, data=data or {})


def _audit(actor, action: str, case: Case, summary: str, changes: dict | None = None) -> None:
    audit.record(actor=actor, action=f"cases.{action}", obj=case,
                 summary=f"{case.number} {summary}"[:300], changes=changes)


# --- create and edit --------------------------------------------------------------------------------

def _handling_path(item: ServiceItem, path: str) -> str:
    steplen = Org.steplen
    if item.handling_level == HandlingLevel.CITY:
        return path[:steplen]
    return path[:2 * steplen] if len(path) > 2 * steplen else path


def handling_org(item: ServiceItem, worker: Worker) -> Org:
    """The organisation that handles ``worker``'s case of ``item``: the city, or the worker's town."""
    return Org.objects.get(path=_handling_path(item, worker.org.path))


def seal_secrets(secrets: dict) -> bytes | None:
    return pii.encrypt(json.dumps(secrets, ensure_ascii=False), field="case_form") if secrets else None


def case_create(*, actor, item: ServiceItem, data: dict, worker: Worker | None = None, submit: bool = False,
                org: Org | None = None) -> Case:
    """A new case (a draft, or submitted at once). A signed-in worker applies for themselves; staff with
    the on-behalf right file for a worker of their subtree (``worker``). A module that decides the handling
    organisation itself passes ``org`` (a petition is handled where it is registered, whoever the
    petitioner is): the staff member's right is then checked on ``org``."""
    if not item.active:
        raise ValidationError("该服务事项暂停受理。")
    own = worker_of(actor)
    if org is None and (worker is None or (own is not None and worker.pk == own.pk)):
        if own is None:
            raise PermissionDenied("请先完成实名绑定，再申请服务。")
        worker, on_behalf = own, False
    else:
        if worker is None:
            raise ValidationError("请选择申请人。")
        if not item.on_behalf:
            raise ValidationError("该服务事项须由职工本人申请，不能代办。")
        where = org.path if org is not None else worker.org.path
        if not (actor.has_perm(PERM_ON_BEHALF) and in_scope(actor, where, PERM_ON_BEHALF)):
            raise PermissionDenied("您没有为该职工代办的权限。")
        on_behalf = True
    handler = registry.handler_for(item)
    if not on_behalf and not handler.self_service:
        raise ValidationError("该事项由工作人员登记受理，请拨打热线或到服务中心办理。")
    if reason := handler.unavailable(item, worker):
        raise ValidationError(reason)
    form, secrets = catalogue.clean_form(item, data, require=False, fields=form_fields(item, worker))
    if not form and not secrets:  # an empty form makes no numbered draft to sit in 我的办件 and the archive
        raise ValidationError("请先填写申请表，再进入下一步。")
    _check_limit(item, worker)
    handler.check_form(item, worker, form)
    org = org or handler.handling_org(item, worker, form) or handling_org(item, worker)
    now = timezone.now()
    with transaction.atomic():  # submitted at once, or not created at all
        case = Case.objects.create(
            number=numbering.next_number(item.prefix, timezone.localdate(now).year), item=item, applicant=worker,
            org=org,
            filed_by=actor, on_behalf=on_behalf, form=form, form_secret=seal_secrets(secrets), created_at=now)
        add_event(case, actor, EventKind.TRANSITION, "工作人员代为填写申请" if on_behalf else "填写申请",
               to_state=State.DRAFT)
        _audit(actor, "create", case, f"新建{item.name}{'（代办）' if on_behalf else ''}")
        if submit:
            case = transition(actor=actor, case=case, name="submit")
    return case


@dataclass
class PastCase:
    """A case that ended before the platform, as a module's history import brings it in."""

    applicant_id: int  # the worker
    org_path: str  # of the worker's organisation (the handling organisation follows from it)
    form: dict
    state: str  # a closed state of the item's workflow
    closed_at: dt.datetime
    year: int  # the year of its number (e.g. the plan year)
    note: str = "历史数据导入"
    result: dict = field(default_factory=dict)


def past_cases_record(*, actor, item: ServiceItem, past: list[PastCase]) -> list[Case]:
    """Write cases that ended before the platform (a module's history import), in bulk and closed: each
    with its number, its handling organisation and one public timeline event — no clock, no message, no
    queue. They count in the figures and the worker's archive like any closed case. Runs in the caller's
    transaction; the caller audits the import as a whole."""
    closed = set(registry.workflow_for(item).closed_states)
    if any(p.state not in closed for p in past):
        raise ValueError(f"a past case of {item.code} must be in a closed state ({', '.join(sorted(closed))})")
    orgs: dict[str, Org] = {}
    numbers: dict[int, list[str]] = {}
    for year in sorted({p.year for p in past}):
        numbers[year] = numbering.reserve(item.prefix, year, sum(1 for p in past if p.year == year))
    rows = []
    for p in past:
        path = _handling_path(item, p.org_path)
        org = orgs.get(path) or orgs.setdefault(path, Org.objects.get(path=path))
        rows.append(Case(number=numbers[p.year].pop(0), item=item, applicant_id=p.applicant_id, org=org,
                         filed_by=actor,
                         state=p.state, form=p.form, result=p.result, created_at=p.closed_at,
                         decided_at=p.closed_at, closed_at=p.closed_at))
    Case.objects.bulk_create(rows, batch_size=1000)
    CaseEvent.objects.bulk_create([
        CaseEvent(case=case, actor=actor if getattr(actor, "pk", None) else None, kind=EventKind.TRANSITION,
                  at=case.closed_at, title=p.note[:60], public=True, to_state=case.state, data={"history": True})
        for case, p in zip(rows, past, strict=True)], batch_size=1000)
    return rows


def form_update(*, actor, case: Case, data: dict) -> Case:
    """The applicant (or the on-behalf staff) changes the form while the case is a draft or returned.
    A sensitive number left blank keeps the one on file (the page cannot show it in clear)."""
    if not may_act_as_applicant(actor, case):
        raise PermissionDenied("只有申请人可以修改申请表。")
    if not is_editable(case):
        raise CaseConflict(f"办件当前为“{state_label(case.state, case.item)}”，不能修改申请表。")
    form, secrets = catalogue.clean_form(case.item, data, require=False,
                                         fields=form_fields(case.item, case.applicant))
    registry.handler_for(case.item).check_form(case.item, case.applicant, form)
    kept = case.secrets()
    for spec in case.item.fields:
        if spec["type"] in catalogue.SENSITIVE_TYPES and spec["key"] not in secrets and spec["key"] in kept:
            secrets[spec["key"]] = kept[spec["key"]]
            form[spec["key"]] = case.form.get(spec["key"])
    changed = sorted(k for k in {*form, *case.form} if form.get(k) != case.form.get(k))
    with transaction.atomic():
        fix_list = _mark_fixed(case.fix_list, "field", [k for k in data if case.item.field(k)])
        if not Case.objects.filter(pk=case.pk, state__in=registry.workflow_for(case.item).editable_states).update(
                form=form, form_secret=seal_secrets(secrets), fix_list=fix_list):
            raise CaseConflict("办件状态已变化，请刷新后查看。")
        labels = "、".join(case.item.field(k)["label"] for k in changed if case.item.field(k))
        add_event(case, actor, EventKind.EDIT, "修改申请表", text=labels, public=True, data={"fields": changed})
        _audit(actor, "edit", case, f"修改申请表：{labels or '无变化'}")
    case.form, case.fix_list = form, fix_list
    case.form_secret = seal_secrets(secrets)
    return case


def _mark_fixed(fix_list: dict | None, kind: str, keys) -> dict | None:
    if not fix_list:
        return fix_list
    keys = set(keys)
    items = [{**entry, "done": entry.get("done") or (entry["type"] == kind and entry["key"] in keys)}
             for entry in fix_list.get("items", [])]
    return {**fix_list, "items": items}


# --- attachments -------------------------------------------------------------------------------------

def _storage():
    return storages["attachments"]


def display_name(name: str, label: str, extension: str) -> str:
    """The name an attachment is shown and downloaded under: the client's name without any folder or control
    character, with the extension of what the file really is (``shell.php`` that is a JPEG shows as
    ``shell.jpg``). The stored file always has a generated name."""
    import os
    import unicodedata

    base = os.path.basename(str(name or "").replace("\\", "/"))
    stem = "".join(ch for ch in os.path.splitext(base)[0] if unicodedata.category(ch)[0] != "C").strip(" .")
    return f"{(stem or label)[:100]}.{extension}"


def attachment_add(*, actor, case: Case, material: str, name: str, data: bytes) -> Attachment:
    """Keep a photo or scan of one material: checked by content, stored encrypted, a preview for images.
    The applicant adds while the case is a draft or returned; intake staff scan until it closes."""
    staff = staff_may(actor, case, PERM_HANDLE) or staff_may(actor, case, PERM_DOCUMENT)
    if not (staff or may_act_as_applicant(actor, case)):
        raise PermissionDenied("您不能为该办件上传材料。")
    if case.is_closed:
        raise CaseConflict("办件已结束，不能再上传材料。")
    if not staff and not is_editable(case):
        raise CaseConflict("办件审核期间不能修改材料；如需补正，工作人员会退回并告知。")
    spec = case.item.material(material)
    if spec is None and material != "other":
        raise ValidationError({"material": "请选择材料类型。"})
    if spec and spec.get("by") == "staff" and not staff:  # e.g. the home visit's photos: the visitors take them
        raise PermissionDenied(f"“{spec['name']}”由工作人员上传。")
    if case.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError(f"每个办件最多上传{MAX_ATTACHMENTS}个文件。")
    info = uploads.inspect(data, name)
    label = spec["name"] if spec else "其他材料"
    stem = f"{case.number}/{uuid.uuid4().hex}"
    stored = _storage().save(f"{stem}.bin", ContentFile(pii.encrypt_bytes(data, field="attachment")))
    preview = ""
    try:
        if info.is_image:
            preview = _storage().save(f"{stem}-preview.bin",
                                      ContentFile(pii.encrypt_bytes(uploads.preview(data), field="attachment")))
        with transaction.atomic():
            row = Attachment.objects.create(
                case=case, material=material, name=display_name(name, label, info.extension), kind=info.kind,
                content_type=info.content_type, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                pages=info.pages, stored=stored, preview=preview, uploaded_by=actor, by_staff=staff)
            fix_list = _mark_fixed(case.fix_list, "material", [material])
            if fix_list != case.fix_list:
                Case.objects.filter(pk=case.pk).update(fix_list=fix_list)
                case.fix_list = fix_list
            add_event(case, actor, EventKind.ATTACHMENT, f"{'扫描' if staff else '上传'}材料：{label}",
                   public=True, data={"attachment": row.pk, "material": material})
            _audit(actor, "attach", case, f"上传{label}（{info.kind}，{len(data) // 1024} KB）")
    except BaseException:
        for path in (stored, preview):
            if path:
                _storage().delete(path)
        raise
    return row


def attachment_read(*, actor, attachment: Attachment, preview: bool = False) -> tuple[bytes, str]:
    """The file in clear for a viewer the selectors already let see the case; every view is audited."""
    path = attachment.preview if preview and attachment.preview else attachment.stored
    with _storage().open(path, "rb") as fh:
        data = pii.decrypt_bytes(fh.read(), field="attachment")
    audit.record(actor=actor, action="cases.view_attachment", obj=attachment.case,
                 summary=f"{attachment.case.number} 查看材料 {attachment.name}"[:300])
    return data, ("image/jpeg" if path == attachment.preview and preview else attachment.content_type)


# --- the state machine ---------------------------------------------------------------------------------

def _check_fix(case: Case, fix: dict | None) -> dict:
    """The list of what to fix: every material and field named at once, each with a note."""
    fix = fix or {}
    items = []
    for entry in fix.get("items", []):
        kind, key = entry.get("type"), entry.get("key")
        spec = case.item.material(key) if kind == "material" else case.item.field(key) if kind == "field" else None
        if spec is None:
            raise ValidationError({"fix": f"补正清单中有不存在的项目：{key}。"})
        label = spec["name"] if kind == "material" else spec["label"]
        if kind == "field" and not str(entry.get("note", "")).strip():
            raise ValidationError({"fix": f"请说明“{label}”需要怎样修改（申请人会看到这段说明）。"})
        items.append({"type": kind, "key": key, "label": label, "note": str(entry.get("note", ""))[:200],
                      "done": False})
    if not items:
        raise ValidationError({"fix": "请勾选需要补正的材料或填写项（一次告知全部问题）。"})
    return {"items": items, "note": str(fix.get("note", ""))[:500]}


def flagged_fields(case: Case) -> dict[str, str]:
    """The fields staff asked to fix and not yet fixed, with their notes (the form marks them)."""
    return {e["key"]: e.get("note", "") for e in (case.fix_list or {}).get("items", [])
            if e["type"] == "field" and not e.get("done")}


def _check_submit(case: Case) -> None:
    """Every required field filled, every required material attached, what was asked fixed — all at once."""
    errors: dict[str, list[str]] = {}
    for spec in case.item.fields:
        if spec.get("required") and case.form.get(spec["key"]) in (None, "", []):
            verb = "选择" if spec["type"] == "choice" else "填写"
            errors.setdefault(spec["key"], []).append(f"请{verb}{spec['label']}。")
    attached = set(case.attachments.values_list("material", flat=True))
    for spec in case.item.required_materials:
        if spec["key"] not in attached:
            errors.setdefault(f"material:{spec['key']}", []).append(f"请上传{spec['name']}。")
    if case.fix_list:
        for entry in case.fix_list.get("items", []):
            if not entry.get("done"):
                verb = "重新上传" if entry["type"] == "material" else "修改"
                errors.setdefault(f"fix:{entry['key']}", []).append(f"请按补正要求{verb}{entry['label']}。")
    if errors:
        raise ValidationError(errors)
    _check_limit(case.item, case.applicant, exclude=case.pk)
    registry.handler_for(case.item).eligibility(case)


#: cases that do not count towards an item's limit: never sent, or ended without the service
NOT_COUNTED = (State.DRAFT, State.WITHDRAWN, State.NOT_ACCEPTED, State.DENIED)


def _check_limit(item, worker, *, exclude: int | None = None) -> None:
    """The item's declared limit per worker and period (``Item.limit``), with the cases that use it up."""
    declared = registry.declared().get(item.code)
    limit = declared.limit if declared else {}
    if not limit or worker is None:
        return
    year = timezone.localdate().year
    used = (Case.objects.filter(item_id=item.pk, applicant=worker, created_at__year=year)
            .exclude(state__in=limit.get("not_counted", NOT_COUNTED)).exclude(pk=exclude or 0)
            .order_by("pk").values_list("number", flat=True))
    used = list(used[:limit["count"] + 1])
    if len(used) >= limit["count"]:
        raise ValidationError(f"{item.name}每人每年限申请{limit['count']}次，您今年已申请（{'、'.join(used)}）。"
                              "如有特殊情况，请联系所在镇街职工服务中心。")


def _check_amount(amount) -> str:
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(str(amount if amount is not None else "").replace(",", "").strip())
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value <= 0 or value >= Decimal("100000000"):
        raise ValidationError({"amount": "请填写金额（大于0的数字，单位：元）。"})
    return str(value.quantize(Decimal("0.01")))


def form_fields(item, worker) -> list[dict]:
    """The fields of ``item``'s form as ``worker`` sees them (the item's handler may narrow them)."""
    if worker is None:
        return item.fields
    fields = registry.handler_for(item).form_fields(item, worker)
    return item.fields if fields is None else fields


def prefill(item, worker) -> dict:
    """What the platform already knows of the applicant, put in a new form: their name in a name field, their
    phone in a phone field, or what a field declares (``"prefill": "name" | "phone" | "enterprise"``). No ID
    or bank number: those are typed (the page never shows them in clear)."""
    if worker is None:
        return {}
    known = {"name": worker.name, "phone": worker.phone or "",
             "enterprise": worker.enterprise.name if worker.enterprise_id else ""}
    values = {}
    for spec in item.fields:
        source = spec.get("prefill") or {"name": "name", "phone": "phone"}.get(spec["type"])
        if known.get(source):
            values[spec["key"]] = known[source]
    return values


def unavailable(item, worker) -> str:
    """Why ``worker`` cannot apply for ``item`` at all, or ""."""
    return registry.handler_for(item).unavailable(item, worker) if worker is not None else ""


def time_limit(case: Case, clock: str = "") -> tuple[int, str]:
    """The time limit the applicant is told and its unit's wording (个工作日 or 日): the clock the step
    starts (``clock``: mediation's 15 days from acceptance), else the item's ``finish`` clock, else its last."""
    from .clocks import item_clocks

    specs = item_clocks(case.item)
    spec = specs.get(clock) or specs.get("finish") or (list(specs.values())[-1] if specs else None)
    if spec is None:
        return case.item.time_limit_days, UNIT_WORDS["working"]
    return spec["days"], UNIT_WORDS.get(spec["unit"], UNIT_WORDS["working"])


def promised(item) -> str:
    """The committed time limit as the guide states it: the item's ``finish`` clock, else the clock of the
    item's committed days (a petition's 60 days of handling), in its unit ("5个工作日", "60日")."""
    from .clocks import item_clocks

    specs = list(item_clocks(item).values())
    spec = next((s for s in specs if s["key"] == "finish"), None) or next(
        (s for s in specs if s["days"] == item.time_limit_days), None)
    if spec is None:
        return f"{item.time_limit_days}{UNIT_WORDS['working']}"
    return f"{spec['days']}{UNIT_WORDS.get(spec['unit'], UNIT_WORDS['working'])}"


def step_fields(item, name: str) -> list[dict]:
    """The fields staff record at step ``name`` of ``item`` (``Item.step_fields``)."""
    declared = registry.declared().get(item.code)
    return list(declared.step_fields.get(name, [])) if declared else []


def transition(*, actor, case: Case, name: str, reason: str = "", fix: dict | None = None, amount=None,
               assignee=None, partner=None, data: dict | None = None, module_form: bool = False) -> Case:
    """Take step ``name`` of the item's workflow on ``case``: one transaction; ``CaseConflict`` when the state
    moved meanwhile. What the step needs (a reason, what to fix, an amount, an assignee, a document), what
    it does to the clocks, whether the handler computes a result and which message goes out are all
    declared on the step (cases.states.Transition). A ``module_form`` step is taken only by its module's
    service (``module_form=True``), which records what its own form asks first."""
    workflow = registry.workflow_for(case.item)
    handler = registry.handler_for(case.item)
    step = workflow.step(name)
    if step is None:
        raise ValidationError(f"未知的办理环节：{name}。")
    if step.module_form and not module_form:  # the module's own form (and service) takes this step
        raise ValidationError(f"“{step.label}”须在办件页的{step.label}表单中办理。")
    if step.by == APPLICANT:
        if not may_act_as_applicant(actor, case):
            raise PermissionDenied(f"只有申请人可以{step.label}。")
    else:
        _require_staff(actor, case, step.perm, step.label)
    source = case.state
    if source not in step.sources:
        raise CaseConflict(f"办件当前为“{workflow.label(source)}”，不能{step.label}（可能已被他人处理，请刷新）。")
    reason = (reason or "").strip()
    if step.needs_reason and not reason:
        raise ValidationError({"reason": f"请填写{step.label}的原因（将告知申请人）。"})
    fix_list = _check_fix(case, fix) if step.needs_fix else None
    if step.needs_amount:
        amount = _check_amount(amount)
    if step.needs_assignee and (assignee is None or not staff_may(assignee, case, PERM_HANDLE)):
        raise ValidationError({"assignee": "请选择能办理该办件的承办人。"})
    if step.needs_partner and not partner_may_take(partner, case, step.needs_partner):
        raise ValidationError({"partner": "请选择能承办该办件的合作机构人员（如签约律师）。"})
    if step.needs_document and not case.attachments.filter(material=step.needs_document).exists():
        spec = case.item.material(step.needs_document)
        raise ValidationError({"material": f"请先上传{spec['name'] if spec else step.needs_document}。"})
    if step.by == APPLICANT and step.target not in workflow.closed_states and is_editable(case):
        _check_submit(case)
    handler.check_step(case, step, actor)  # what the applicant sends on must be complete (and eligible)
    result = handler.calculate(case, step) if step.calculate else None
    if step.needs_amount:
        result = {**(result or case.result or {}), "amount": amount}
    recorded = {}
    if specs := step_fields(case.item, name):
        from types import SimpleNamespace

        recorded, _ = catalogue.clean_form(SimpleNamespace(fields=specs), data or {}, require=True)
        if recorded:
            result = {**(result or case.result or {}), **recorded}
    now = timezone.now()
    on = timezone.localdate(now)
    changes = {"state": step.target}
    if step.stamp:
        changes[step.stamp] = now
    if step.needs_reason or step.by == APPLICANT:
        changes["reason"] = reason[:500]
    if fix_list is not None:
        changes["fix_list"] = fix_list
    if result is not None:
        changes["result"] = result
    if step.needs_assignee:
        changes["assigned_to"] = assignee
    before = {field: getattr(case, field) for field in changes}
    try:
        with transaction.atomic():
            if not Case.objects.filter(pk=case.pk, state=source).update(**changes):
                current = Case.objects.filter(pk=case.pk).values_list("state", flat=True).first()
                raise CaseConflict(f"办件已被他人处理，当前为“{workflow.label(current or '')}”，请刷新后查看。")
            for field, value in changes.items():
                setattr(case, field, value)
            clocks.apply(case, step, on)
            clocks.refresh(case, on)
            text = reason
            if fix_list:
                text = "；".join(f"{e['label']}{'：' + e['note'] if e['note'] else ''}" for e in fix_list["items"])
                text += f"。{fix_list['note']}" if fix_list["note"] else ""
            if step.needs_assignee:
                text = "；".join(filter(None, [f"承办人：{assignee.display_name}", text]))
            if step.needs_partner:
                text = "；".join(filter(None, [f"指派：{partner_label(partner)}", text]))
                assignment_offer(actor=actor, case=case, partner=partner)
            if step.partner_answer:
                _assignment_answer(actor, case, step.partner_answer, reason)
            if step.needs_amount:
                text = "；".join(filter(None, [f"金额：{amount} 元", text]))
            add_event(case, actor, EventKind.TRANSITION, step.event_title, text=text, name=name, from_state=source,
                      to_state=step.target, data={"result": result} if result else None)
            _audit(actor, f"transition.{name}", case, f"{step.label}：{workflow.label(source)} → "
                   f"{workflow.label(step.target)}" + (f"，{reason}" if reason else ""))
            if step.notify_staff:
                resubmitted = source != workflow.initial and bool(case.fix_list)
                notify.notify_centre(case, step.notify_staff, reason=reason,
                                     note="补正后重新提交" if resubmitted else "新提交")
            if step.notify:
                from .registry import step_field_rows

                rows = step_field_rows(case.item, recorded)
                said = "；".join(f"{label}：{value}" for label, value in rows) + "。" if rows else ""
                started = step.keys_for("start")
                notify.notify_applicant(case, step.notify, reason=reason, amount=amount or "", result=said,
                                        clock=started[0] if started and started[0] != "*" else "",
                                        assignee=(assignee.display_name if step.needs_assignee else
                                                  partner_label(partner) if step.needs_partner else ""),
                                        fix="、".join(e["label"] for e in fix_list["items"]) if fix_list else "")
            handler.on_step_by(case, step, source, actor)
    except BaseException:
        for field, value in before.items():  # the caller's object as the database still has it
            setattr(case, field, value)
        raise
    return case


def partner_label(user) -> str:
    """A partner as the worker and the timeline name them: 姓名（律师事务所）."""
    firm = getattr(user, "partner", None)
    return f"{user.display_name}（{firm.name}）" if firm else user.display_name


def assignment_offer(*, actor, case: Case, partner, accepted: bool = False) -> CaseAssignment:
    """Inside a step's (or a module's) transaction: the case's active assignment (if any) is withdrawn,
    ``partner`` offered the case (``accepted``: given it outright, as a consultation is to the lawyer who
    answers it)."""
    CaseAssignment.objects.filter(case=case, status__in=ACTIVE_ASSIGNMENT).update(
        status=AssignmentStatus.WITHDRAWN, answered_at=timezone.now(), reason="改派")
    case._active_assignment = CaseAssignment.objects.create(
        case=case, user=partner, partner=partner.partner, assigned_by=actor if getattr(actor, "pk", None) else None,
        status=AssignmentStatus.ACCEPTED if accepted else AssignmentStatus.OFFERED,
        answered_at=timezone.now() if accepted else None)
    _audit(actor, "assign_partner", case, f"指派{partner_label(partner)}")
    return case._active_assignment


def _assignment_answer(actor, case: Case, answer: str, reason: str) -> None:
    """Inside a step's transaction: the assigned partner's answer (the step's permission was checked on
    their assignment, so ``actor`` holds it)."""
    found = active_assignment(case, actor)
    if found is None:
        raise PermissionDenied("该办件没有指派给您。")
    found.status = AssignmentStatus.ACCEPTED if answer == PARTNER_ACCEPT else AssignmentStatus.DECLINED
    found.answered_at = timezone.now()
    found.reason = reason[:300] if answer == PARTNER_DECLINE else ""
    found.save(update_fields=["status", "answered_at", "reason"])
    if answer == PARTNER_DECLINE:
        case._active_assignment = None


def partners_for(case: Case, perm: str) -> list:
    """The partners' people who may be assigned ``case`` (``partner_may_take``), by firm and name."""
    return partners_serving(case.org.path, perm)


def partners_serving(path: str, perm: str) -> list:
    """The partners' people who may serve the organisation at ``path``, by firm and name."""
    from django.contrib.auth import get_user_model

    users = (get_user_model().objects.filter(is_active=True, partner__active=True)
             .select_related("partner__org").order_by("partner__name", "name"))
    return [u for u in users if partner_may_serve(u, path, perm)]


def bulk_transition(*, actor, cases, name: str) -> tuple[list[Case], list[tuple[Case, str]]]:
    """Take the same step on several cases, each in its own transaction; report the ones refused."""
    done, refused = [], []
    for case in cases:
        try:
            done.append(transition(actor=actor, case=case, name=name))
        except (ValidationError, PermissionDenied) as exc:
            refused.append((case, "；".join(getattr(exc, "messages", [str(exc)]))))
    return done, refused


# --- staff's other actions ------------------------------------------------------------------------------

def note_add(*, actor, case: Case, text: str) -> CaseEvent:
    _require_staff(actor, case, PERM_HANDLE, "添加备注")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "备注不能为空。"})
    with transaction.atomic():
        event = add_event(case, actor, EventKind.NOTE, "内部备注", text=text[:2000], public=False)
        _audit(actor, "note", case, "添加内部备注")
    return event


def assign(*, actor, case: Case, assignee) -> Case:
    _require_staff(actor, case, PERM_HANDLE, "分派办件")
    if assignee is not None and not staff_may(assignee, case, PERM_HANDLE):
        raise ValidationError({"assignee": f"{assignee.display_name}不能办理该单位的办件。"})
    if case.is_closed:
        raise CaseConflict("办件已结束，不能再分派。")
    with transaction.atomic():
        Case.objects.filter(pk=case.pk).update(assigned_to=assignee)
        case.assigned_to = assignee
        who = assignee.display_name if assignee else "无人"
        add_event(case, actor, EventKind.ASSIGN, f"分派给{who}", public=False)
        _audit(actor, "assign", case, f"分派给{who}")
    return case


def extend_deadline(*, actor, case: Case, clock_key: str, days: int, reason: str) -> Case:
    """Extend one clock once, by an approver with the right, for a reason the applicant is told."""
    _require_staff(actor, case, PERM_EXTEND, "批准延长时限")
    if case.is_closed:
        raise CaseConflict("办件已结束，不能延长时限。")
    clock = case.clock_set.filter(key=clock_key, stopped_on__isnull=True).first()
    if clock is None:
        raise ValidationError({"clock": "该时限不存在或已结束。"})
    if clock.extended_days:
        raise ValidationError({"clock": "每个时限只能延长一次，本时限已延长过。"})
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise ValidationError({"days": f"延长天数应为1至{MAX_EXTENSION_DAYS}天。"})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写延长理由（将告知申请人）。"})
    with transaction.atomic():
        before = clock.due_on
        unit = UNIT_WORDS.get(clock.unit, "天")
        clocks.extend(clock, days=days, reason=reason[:300], by=actor)
        clocks.refresh(case)
        add_event(case, actor, EventKind.EXTEND, f"{clock.label}延长{days}{unit}", text=reason,
               data={"clock": clock.key, "from": before.isoformat(), "to": clock.due_on.isoformat()})
        _audit(actor, "extend", case, f"{clock.label}延长{days}{unit}至{clock.due_on}：{reason}")
        notify.notify_applicant(case, "extended", reason=reason, extra=days, unit=unit)
        registry.handler_for(case.item).on_extend(case, clock, actor)
    return case


EMPTY_DRAFT_DAYS = 1


def empty_drafts_purge(on=None) -> int:
    """Drafts left with nothing in them (no field, no material) for a day are removed (the daily job): a
    number was only ever given to them by an earlier version that saved empty forms."""
    import datetime as dt

    before = timezone.now() - dt.timedelta(days=EMPTY_DRAFT_DAYS)
    empty = (Case.objects.filter(state=State.DRAFT, form={}, form_secret__isnull=True, created_at__lt=before)
             .filter(attachments__isnull=True))
    ids = list(empty.values_list("pk", flat=True)[:10_000])
    if ids:
        with transaction.atomic():
            Case.objects.filter(pk__in=ids).delete()
            audit.record(actor=None, action="cases.empty_drafts_purge", object_type="cases.case",
                         summary=f"清理空白草稿{len(ids)}件")
    return len(ids)


# --- exports ---------------------------------------------------------------------------------------

QUEUE_EXPORT_MAX = 10_000


def queue_export(*, actor, cases) -> bytes:
    """The cases of a queue (already scoped and filtered) as an .xlsx, at most ``QUEUE_EXPORT_MAX`` rows;
    the export is audited. Names are shown as on the page (masked where the item keeps the identity private:
``applicant_shown``); no ID or bank number is in it."""
    from gonghui.core.spreadsheets import write_xlsx

    rows = []
    for case in applicant_labels(cases[:QUEUE_EXPORT_MAX], actor, "export"):
        rows.append([case.number, case.item.name, case.applicant_label, case.org.name,
                     case.state_label,
                     timezone.localtime(case.submitted_at).strftime("%Y-%m-%d %H:%M") if case.submitted_at else "",
                     case.due_on.isoformat() if case.due_on else "", case.get_urgency_display(),
                     case.assigned_to.display_name if case.assigned_to else ""])
    audit.record(actor=actor, action="cases.queue_export", object_type="cases.case",
                 summary=f"导出办件队列{len(rows)}件")
    header = ["办件编号", "服务事项", "申请人", "承办单位", "状态", "提交时间", "到期日", "时限", "经办人"]
    return write_xlsx(header, rows, sheet="办件队列", widths={0: 20, 1: 18, 3: 20, 5: 17, 6: 12})


# --- ratings and messages -------------------------------------------------------------------------------

POOR_RATING = 2


def rate(*, actor, case: Case, score: int, comment: str = "") -> Rating:
    """好差评 by the applicant after the case has ended; a poor one opens a follow-up for the centre."""
    if not is_applicant(actor, case):
        raise PermissionDenied("只有申请人可以评价。")
    state = registry.workflow_for(case.item).state(case.state)
    if not (state and state.rateable):
        raise ValidationError("办件结束后才能评价。")
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise ValidationError({"score": "请选择评价等级。"})
    try:
        with transaction.atomic():
            rating = Rating.objects.create(case=case, score=score, comment=(comment or "").strip()[:500],
                                           follow_up=FollowUp.OPEN if score <= POOR_RATING else FollowUp.NONE)
            add_event(case, actor, EventKind.RATING, f"申请人评价：{rating.get_score_display()}",
                   text=rating.comment)
            if rating.follow_up == FollowUp.OPEN:
                said = f"，{rating.comment}" if rating.comment else ""
                notify.notify_centre(case, "staff_poor_rating", reason=f"{rating.get_score_display()}{said}")
            _audit(actor, "rate", case, f"评价{rating.get_score_display()}")
    except IntegrityError:
        raise ValidationError("该办件已评价过。") from None
    return rating


def follow_up_close(*, actor, rating: Rating, note: str) -> Rating:
    _require_staff(actor, rating.case, PERM_HANDLE, "回访差评")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "请填写回访情况。"})
    with transaction.atomic():
        if not Rating.objects.filter(pk=rating.pk, follow_up=FollowUp.OPEN).update(
                follow_up=FollowUp.DONE, follow_up_note=note[:500], follow_up_by=actor,
                follow_up_at=timezone.now()):
            raise CaseConflict("该差评已回访。")
        add_event(rating.case, actor, EventKind.NOTE, "差评已回访", text=note, public=False)
        _audit(actor, "follow_up", rating.case, f"差评回访：{note}")
    rating.refresh_from_db()
    return rating


def payee_replace(*, actor, case: Case, bank_card: str, bank_name: str) -> None:
    """The applicant's new bank card after a failed payment (a module clears its own payment problem in the
    same transaction): the sealed form keeps the number, the form its mask; timeline and audit."""
    if not is_applicant(actor, case):
        raise PermissionDenied("只有申请人可以更正收款账户。")
    form, secrets = catalogue.clean_form(case.item, {**{k: "" for k in case.form}, "bank_card": bank_card,
                                                     "bank_name": bank_name}, require=False)
    if "bank_card" not in secrets or not form.get("bank_name"):
        raise ValidationError({"bank_card": "请填写银行卡号和开户行。"})
    kept = case.secrets()
    kept["bank_card"] = secrets["bank_card"]
    new_form = {**case.form, "bank_card": form["bank_card"], "bank_name": form["bank_name"]}
    with transaction.atomic():
        Case.objects.filter(pk=case.pk).update(form=new_form, form_secret=seal_secrets(kept))
        case.form = new_form
        add_event(case, actor, "edit", "更正收款账户", text=f"{form['bank_name']} {form['bank_card']}")
        audit.record(actor=actor, action=f"{case.item.module or 'cases'}.payee_correct", obj=case,
                     summary=f"{case.number} 更正收款账户为{form['bank_card']}")


def case_secret_reveal(*, actor, case: Case, key: str, context=None) -> str:
    """A sensitive number of the case's form (the passengers' ID numbers the clerk needs to buy the tickets)
    in full, for the staff who handle the case, with the second factor passed in the last five minutes;
    every view is audited."""
    from gonghui.accounts import second_factor

    _require_staff(actor, case, PERM_HANDLE, "查看完整号码")
    spec = case.item.field(key)
    if spec is None or spec["type"] not in catalogue.SENSITIVE_TYPES:
        raise ValidationError("该项不是证件或银行卡号码。")
    second_factor.require_recent(None, "查看完整号码", context=context)
    value = case.secrets().get(key, "")
    audit.record(actor=actor, action="cases.reveal", obj=case,
                 summary=f"{case.number} 查看{spec['label']}完整号码")
    return "、".join(value) if isinstance(value, list) else value


def phones_shown(*, actor, what: str, count: int) -> None:
    """Staff call the applicants of a list (poor ratings to follow up): their phones are shown in full, and
    each such list shown is audited."""
    if count:
        audit.record(actor=actor, action="cases.phones_shown", object_type="registry.worker",
                     summary=f"{what}：查看申请人手机号{count}个")


def messages_mark_read(*, user, ids=None) -> int:
    qs = Message.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
