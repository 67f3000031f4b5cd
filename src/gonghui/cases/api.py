"""Case endpoints of /api/v1/: the catalogue, cases (create, list, read), attachments, steps, timeline.

The same service functions as the pages. Staff (token or session) see their subtree's cases; a signed-in
worker sees their own. Writes accept ``Idempotency-Key`` (cases.idempotency); a step that finds the case
already moved answers 409 with code ``conflict``.
"""

# No ``from __future__ import annotations`` here: ninja reads the handlers' annotations through the
# idempotency wrapper, whose module cannot resolve names given as strings.
import datetime as dt

from django.contrib.auth import get_user_model
from django.http import JsonResponse
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from gonghui.cases.idempotency import idempotent
from gonghui.orgs.scoping import reaches
from gonghui.registry.api import Pages
from gonghui.registry.selectors import worker_get
from gonghui.web.api_auth import require_scope

from . import selectors, services
from .models import Case, CaseEvent
from .registry import registry
from .states import PERM_VIEW

router = Router(tags=["cases"])


class ItemOut(Schema):
    code: str
    name: str
    category: str
    summary: str
    guide_who: str
    guide_what: str
    guide_how: str
    time_limit_days: int
    on_behalf: bool
    materials: list[dict]
    fields: list[dict]


class CaseOut(Schema):
    number: str
    item: str
    item_name: str
    state: str
    state_label: str
    applicant: str
    org: str
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    due_on: dt.date | None
    urgency: str
    missed_deadline: bool

    @staticmethod
    def resolve_item(obj: Case) -> str:
        return obj.item.code

    @staticmethod
    def resolve_item_name(obj: Case) -> str:
        return obj.item.name

    @staticmethod
    def resolve_state_label(obj: Case) -> str:
        return obj.state_label

    @staticmethod
    def resolve_applicant(obj: Case, context) -> str:
        """Masked where the item keeps the applicant's identity to the case's handlers (a petition)."""
        request = (context or {}).get("request")
        return services.applicant_shown(obj, getattr(request, "user", None))

    @staticmethod
    def resolve_org(obj: Case) -> str:
        return obj.org.label

    @staticmethod
    def resolve_urgency(obj: Case) -> str:
        return obj.urgency_class


# the columns CaseOut reads (the list leaves out the form, the result and the items' guides)
LIST_FIELDS = ("number", "item__code", "item__name", "state", "applicant__name", "org__name", "org__short_name",
               "created_at", "submitted_at", "due_on", "urgency", "missed_deadline")


class ClockOut(Schema):
    key: str
    label: str
    unit: str
    days: int
    started_on: dt.date
    due_on: dt.date
    paused: bool
    stopped_on: dt.date | None
    extended_days: int
    extension_reason: str
    missed: bool


class AttachmentOut(Schema):
    id: int
    material: str
    name: str
    content_type: str
    size: int
    pages: int
    uploaded_at: dt.datetime


class EventOut(Schema):
    at: dt.datetime
    title: str
    text: str
    from_state: str
    to_state: str
    public: bool
    actor: str


class CaseDetail(CaseOut):
    form: dict
    fix_list: dict | None
    reason: str
    result: dict
    clocks: list[ClockOut]
    attachments: list[AttachmentOut]
    allowed_transitions: list[str]


class CaseIn(Schema):
    item: str
    worker_id: int | None = None
    form: dict = {}
    submit: bool = False


class FixItem(Schema):
    type: str
    key: str
    note: str = ""


class FixIn(Schema):
    items: list[FixItem] = []
    note: str = ""


class TransitionIn(Schema):
    reason: str = ""
    fix: FixIn | None = None
    amount: str | None = None  # for a step that needs an amount (yuan)
    assignee_id: int | None = None  # for a step that needs an assignee (a user who may handle the case)
    partner_id: int | None = None  # for a step that assigns a partner (a lawyer of a contracted firm)


def _detail(request, case: Case) -> dict:
    """The case as JSON (the shape ``CaseDetail`` documents), built once for answers and stored replays."""
    page = selectors.case_files(case)
    return {
        **CaseOut.from_orm(case, context={"request": request}).model_dump(mode="json"),
        "form": case.form, "fix_list": case.fix_list, "reason": case.reason, "result": case.result,
        "clocks": [ClockOut(**{f: getattr(c, f) for f in ClockOut.model_fields if f != "paused"},
                            paused=c.paused_on is not None).model_dump(mode="json") for c in page["clocks"]],
        "attachments": [AttachmentOut.from_orm(a).model_dump(mode="json") for a in page["attachments"]],
        "allowed_transitions": [t.name for t in services.allowed_transitions(request.user, case)],
    }


def _is_staff(request) -> bool:
    return reaches(request.user, PERM_VIEW)


def _case(request, number: str) -> Case:
    return selectors.case_for(user=request.user, number=number)


@router.get("/service-items", response=list[ItemOut], summary="服务事项目录")
def list_items(request, category: str = "", q: str = ""):
    require_scope(request, "cases:read")
    return selectors.catalogue(q=q, category=category, self_service=not _is_staff(request))


@router.post("/cases", response={201: CaseDetail}, summary="新建办件（草稿，或 submit=true 直接提交）")
@idempotent
def create_case(request, payload: CaseIn):
    require_scope(request, "cases:write")
    item = selectors.item_get(payload.item)
    worker = worker_get(user=request.user, pk=payload.worker_id) if payload.worker_id else None
    case = services.case_create(actor=request.user, item=item, worker=worker, data=payload.form,
                                submit=payload.submit)
    return 201, _detail(request, _case(request, case.number))


@router.get("/cases", response=list[CaseOut], summary="办件列表（按权限范围，支持队列筛选）")
@paginate(Pages)
def list_cases(request, item: str = "", state: str = "open", urgency: str = "", town_id: int | None = None,
               mine: bool = False, q: str = ""):
    require_scope(request, "cases:read")
    if _is_staff(request):
        return selectors.queue(user=request.user, item=item, state=state, urgency=urgency,
                               town=str(town_id or ""), mine=mine, q=q)
    cases = selectors.my_cases(user=request.user, with_progress=False).select_related("applicant", "org").only(
        *LIST_FIELDS)
    return cases.filter(state=state) if state not in ("open", "all", "") else cases


@router.get("/cases/{number}", response=CaseDetail, summary="办件详情（状态、时限、补正清单）")
def get_case(request, number: str):
    require_scope(request, "cases:read")
    case = _case(request, number)
    if _is_staff(request):
        registry.handler_for(case.item).on_view(case, request.user, "api")
    return JsonResponse(_detail(request, case))


@router.post("/cases/{number}/attachments", response={201: AttachmentOut}, summary="上传材料（照片或扫描件）")
@idempotent
def add_attachment(request, number: str, material: Form[str], file: File[UploadedFile]):
    require_scope(request, "cases:write")
    case = _case(request, number)
    row = services.attachment_add(actor=request.user, case=case, material=material, name=file.name or "",
                                  data=file.read())
    return 201, AttachmentOut.from_orm(row).model_dump(mode="json")


@router.post("/cases/{number}/transitions/{name}", response=CaseDetail, summary="办理环节（受理、退回补正、核准……）")
@idempotent
def take_transition(request, number: str, name: str, payload: TransitionIn = None):
    require_scope(request, "cases:write")
    case = _case(request, number)
    payload = payload or TransitionIn()
    fix = payload.fix.model_dump() if payload.fix else None
    users = get_user_model().objects
    assignee = users.filter(pk=payload.assignee_id).first() if payload.assignee_id else None
    partner = users.select_related("partner__org").filter(pk=payload.partner_id).first() if payload.partner_id else None
    services.transition(actor=request.user, case=case, name=name, reason=payload.reason, fix=fix,
                        amount=payload.amount, assignee=assignee, partner=partner)
    return 200, _detail(request, _case(request, number))


@router.get("/cases/{number}/timeline", response=list[EventOut], summary="办件时间线")
def get_timeline(request, number: str):
    require_scope(request, "cases:read")
    case = _case(request, number)
    events = CaseEvent.objects.filter(case=case).select_related("actor")
    if not (_is_staff(request) and Case.objects.visible_to(request.user).filter(pk=case.pk).exists()):
        events = events.filter(public=True)
    return [EventOut(at=e.at, title=e.title, text=e.text, from_state=e.from_state, to_state=e.to_state,
                     public=e.public, actor=_actor_label(e)) for e in events]


def _actor_label(event: CaseEvent) -> str:
    if event.actor is None:
        return "系统"
    return "申请人" if getattr(event.actor, "org_id", None) is None else event.actor.display_name

