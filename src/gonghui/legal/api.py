"""Legal services on /api/v1/: a consultation (its thread), a legal-aid case (its clients, stages, lawyer
and reward) and a mediation (its district, agreement and payments), each with its statutory clocks; a
lawyer answers a consultation and records a stage. Filing, scans, submission and the other steps go
through the case engine's endpoints (``/cases``, ``/cases/{number}/transitions/{name}``)."""

# No ``from __future__ import annotations``: ninja reads the handlers' annotations through the
# idempotency wrapper (cases.idempotency).
import datetime as dt

from django.http import Http404
from ninja import Router, Schema

from gonghui.cases import selectors as case_selectors
from gonghui.cases import services as cases
from gonghui.cases.idempotency import idempotent
from gonghui.web.api_auth import require_scope

from . import mediation, selectors, services
from .models import MediationAgreement, RewardLine

router = Router(tags=["legal"])


class ClockOut(Schema):
    key: str
    label: str
    unit: str
    days: int
    started_on: dt.date
    due_on: dt.date
    paused: bool
    stopped_on: dt.date | None
    missed: bool


class LegalCaseOut(Schema):
    number: str
    item: str
    state: str
    state_label: str
    form: dict
    result: dict
    lawyer: str | None
    clocks: list[ClockOut]
    detail: dict


class TextIn(Schema):
    text: str


class StageIn(Schema):
    kind: str
    started_on: str
    ended_on: str | None = None
    result: str = ""


def _case(request, number: str, code: str):
    case = case_selectors.case_for(user=request.user, number=number)
    if case.item.code != code:
        raise Http404("不是该类办件")
    return case


def _out(case, detail: dict) -> dict:
    found = cases.active_assignment(case)
    return {"number": case.number, "item": case.item.code, "state": case.state, "state_label": case.state_label,
            "form": case.form, "result": case.result, "lawyer": cases.partner_label(found.user) if found else None,
            "clocks": [{"key": c.key, "label": c.label, "unit": c.unit, "days": c.days, "started_on": c.started_on,
                        "due_on": c.due_on, "paused": c.paused_on is not None, "stopped_on": c.stopped_on,
                        "missed": c.missed} for c in case.clock_set.all()],
            "detail": detail}


def _consultation(case) -> dict:
    return _out(case, {"thread": [{"kind": m.kind, "text": m.text, "at": m.at.isoformat()}
                                  for m in selectors.thread(case)],
                       "aid_case": (case.result or {}).get("aid_case")})


def _aid(case) -> dict:
    reward = RewardLine.objects.filter(case=case).first()
    return _out(case, {
        "clients": [{"name": c.worker.name, "lead": c.lead, "claimed": str(c.claimed),
                     "awarded": None if c.awarded is None else str(c.awarded),
                     "recovered": None if c.recovered is None else str(c.recovered)} for c in selectors.clients(case)],
        "stages": [{"kind": s.kind, "label": s.get_kind_display(), "started_on": s.started_on.isoformat(),
                    "ended_on": s.ended_on.isoformat() if s.ended_on else None, "result": s.result}
                   for s in selectors.stages(case)],
        "reward": {"amount": str(reward.amount), "working": reward.working,
                   "paid": reward.paid_at is not None} if reward else None})


def _mediation(case) -> dict:
    agreement = MediationAgreement.objects.filter(case=case).first()
    return _out(case, {
        "district": (case.result or {}).get("district"), "representatives": mediation.representatives(case.form),
        "agreement": {"other_party": agreement.other_party, "terms": agreement.terms,
                      "made_on": agreement.made_on.isoformat()} if agreement else None,
        "payments": [{"due_on": p.due_on.isoformat(), "amount": str(p.amount),
                      "paid_on": p.paid_on.isoformat() if p.paid_on else None} for p in case.agreement_payments.all()]})


@router.get("/legal/consultations/{number}", response=LegalCaseOut, summary="法律咨询（咨询与答复、时限）")
def get_consultation(request, number: str):
    require_scope(request, "cases:read")
    return _consultation(_case(request, number, "legal_consult"))


@router.post("/legal/consultations/{number}/answers", response=LegalCaseOut, summary="律师答复法律咨询")
@idempotent
def answer_consultation(request, number: str, payload: TextIn):
    require_scope(request, "cases:write")
    case = services.consult_answer(actor=request.user, case=_case(request, number, "legal_consult"),
                                   text=payload.text)
    return 200, _consultation(case)


@router.get("/legal/aid/{number}", response=LegalCaseOut, summary="法律援助案件（受援人、办案阶段、律师、补贴、时限）")
def get_aid_case(request, number: str):
    require_scope(request, "cases:read")
    return _aid(_case(request, number, "legal_aid"))


@router.post("/legal/aid/{number}/stages", response={201: LegalCaseOut}, summary="承办律师记录办案阶段")
@idempotent
def add_stage(request, number: str, payload: StageIn):
    require_scope(request, "cases:write")
    case = _case(request, number, "legal_aid")
    services.stage_add(actor=request.user, case=case, **payload.model_dump())
    return 201, _aid(case)


@router.get("/legal/mediations/{number}", response=LegalCaseOut, summary="劳动争议调解（片区、协议、履行、时限）")
def get_mediation(request, number: str):
    require_scope(request, "cases:read")
    return _mediation(_case(request, number, "mediation"))
