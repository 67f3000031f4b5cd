"""Petitions on /api/v1/: a petition or hotline order registered by another system (channel 系统对接, or
the 12351 platform's calls) with the same rules as the workbench — the repeat check (422 with the earlier
case numbers until the caller says ``repeat_of`` or ``repeat_note``) and the accusation rule. Reading and
stepping go through ``/cases``, where the petitioner's name is masked for anyone not handling the case."""


from ninja import Router, Schema

from gonghui.cases.idempotency import idempotent
from gonghui.cases.models import Case
from gonghui.cases.selectors import case_get
from gonghui.orgs.models import Org
from gonghui.web.api_auth import require_scope

from . import services

router = Router(tags=["petitions"])


class PetitionIn(Schema):
    item: str = "petition"  # or "hotline"
    channel: str = "api"  # visit, letter, hotline, api
    id_number: str
    name: str = ""
    phone: str = ""
    kind: str  # a value or label of the types (wages, 工资报酬 …)
    subject: str = ""
    facts: str
    request: str = ""
    delivery: str = ""
    difficulty: str = ""
    people: int = 1
    representatives: list[str] = []
    caller_phone: str = ""
    recording_ref: str = ""
    subject_org_code: str = ""
    accused_org_code: str = ""
    accused_person: str = ""
    repeat_of: str = ""  # the number of the earlier case this one repeats
    repeat_note: str = ""


class PetitionOut(Schema):
    number: str
    item: str
    state: str
    state_label: str
    org: str
    due_on: str | None


def _org(code: str) -> Org | None:
    return Org.objects.filter(code=code).first() if code else None


@router.post("/petitions", response={201: PetitionOut}, summary="登记信访事项或12351热线工单")
@idempotent
def petition_register(request, payload: PetitionIn):
    require_scope(request, "cases:write")
    from django.core.exceptions import ValidationError

    repeat = None
    if payload.repeat_of:
        repeat = Case.objects.filter(number=payload.repeat_of).first()
        if repeat is None:
            raise ValidationError({"repeat_of": "没有这个办件编号。"})
    if payload.accused_org_code and _org(payload.accused_org_code) is None:
        raise ValidationError({"accused_org_code": "没有这个组织编码。"})
    form = {k: v for k, v in {"kind": payload.kind, "subject": payload.subject, "facts": payload.facts,
                              "request": payload.request, "delivery": payload.delivery,
                              "difficulty": payload.difficulty}.items() if v}
    case = services.register(
        actor=request.user, item_code=payload.item, channel=payload.channel, id_number=payload.id_number,
        name=payload.name, phone=payload.phone, form=form, people=payload.people,
        representatives=payload.representatives, caller_phone=payload.caller_phone,
        recording_ref=payload.recording_ref, subject_org=_org(payload.subject_org_code),
        accused_org=_org(payload.accused_org_code), accused_person=payload.accused_person, repeat_of=repeat,
        repeat_note=payload.repeat_note)
    case = case_get(user=request.user, number=case.number)
    return 201, {"number": case.number, "item": case.item.code, "state": case.state, "state_label": case.state_label,
                 "org": case.org.name, "due_on": case.due_on.isoformat() if case.due_on else None}
