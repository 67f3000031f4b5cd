"""The needy-worker programmes on /api/v1/: a hardship file (the household masked, the classification with
its working, the visits, the notice and whether it has cleared, the aid the household has had) and an aid
or Golden Autumn application (the award, its working, the invoices, the ledger); an intake system adds a
household member. Filing, scans, submission and the engine's steps go through ``/cases``."""

# No ``from __future__ import annotations``: ninja reads the handlers' annotations through the
# idempotency wrapper (cases.idempotency).
from django.http import Http404
from ninja import Router, Schema

from gonghui.cases import selectors as case_selectors
from gonghui.cases.idempotency import idempotent
from gonghui.notices import services as notices
from gonghui.web.api_auth import require_scope

from . import selectors, services
from .models import AID_ITEM, AUTUMN_ITEM, FILE_ITEM, Award, HardshipFile

router = Router(tags=["assistance"])


class AssistanceOut(Schema):
    number: str
    item: str
    state: str
    state_label: str
    detail: dict


class MemberIn(Schema):
    name: str
    relation: str
    id_number: str
    income: str = "0"
    health: str = "healthy"
    schooling: str = "none"
    employment: str = "employed"


def _case(request, number: str, codes: tuple[str, ...]):
    case = case_selectors.case_for(user=request.user, number=number)
    if case.item.code not in codes:
        raise Http404("不是该类办件")
    return case


def _notice(case) -> dict | None:
    entry = selectors.notice_of(case)
    if entry is None:
        return None
    cleared, why = notices.cleared(source=case.item.code, object_id=case.pk)
    return {"number": entry.notice.number, "published_on": entry.notice.published_on,
            "closes_on": entry.notice.closes_on, "cleared": cleared, "why_not": why}


def _grants(case) -> list[dict]:
    return [{"programme": g.programme, "reference": g.reference, "person": g.person_name, "purpose": g.purpose,
             "year": g.period, "amount": str(g.amount), "active": g.active} for g in selectors.grants_of(case)]


def _out(case, detail: dict) -> dict:
    return {"number": case.number, "item": case.item.code, "state": case.state, "state_label": case.state_label,
            "detail": {**detail, "notice": _notice(case), "grants": _grants(case)}}


def _file(case) -> dict:
    file = HardshipFile.objects.filter(case=case).first()
    if file is None:
        return _out(case, {"household": []})
    return _out(case, {
        "status": file.status, "status_label": file.get_status_display(), "category": file.category,
        "category_label": file.get_category_display(), "per_capita": None if file.per_capita is None else
        str(file.per_capita), "standard": None if file.standard is None else str(file.standard),
        "working": file.working, "approved_on": file.approved_on, "review_due": file.review_due,
        "closed_on": file.closed_on, "close_reason": file.close_reason,
        "household": [{"name": m.name, "relation": m.relation, "id_masked": m.id_masked, "age": m.age(),
                       "health": m.health, "schooling": m.schooling, "employment": m.employment,
                       "income": str(m.income)} for m in file.members.all()],
        "visits": [{"visited_on": v.visited_on, "visitors": v.visitors, "findings": v.findings, "kind": v.kind}
                   for v in file.visits.all()]})


def _application(case) -> dict:
    award = Award.objects.filter(case=case).first()
    return _out(case, {
        "award": {"kind": award.kind, "label": award.kind_label, "amount": str(award.amount),
                  "working": award.working, "paid": award.paid_at is not None,
                  "payment_problem": award.payment_problem} if award else None,
        "invoices": [{"number": i.number, "hospital": i.hospital, "issued_on": i.issued_on, "amount": str(i.amount),
                      "insured": str(i.insured), "self_paid": str(i.self_paid)} for i in case.medical_invoices.all()]})


@router.get("/assistance/files/{number}", response=AssistanceOut,
            summary="困难职工档案（家庭成员、认定结果、入户核查、公示、救助记录）")
def get_file(request, number: str):
    require_scope(request, "cases:read")
    return _file(_case(request, number, (FILE_ITEM,)))


@router.post("/assistance/files/{number}/members", response={201: AssistanceOut}, summary="增加家庭成员")
@idempotent
def add_member(request, number: str, payload: MemberIn):
    require_scope(request, "cases:write")
    case = _case(request, number, (FILE_ITEM,))
    services.member_add(actor=request.user, case=case, **payload.model_dump())
    return 201, _file(case)


@router.get("/assistance/applications/{number}", response=AssistanceOut,
            summary="困难救助或金秋助学申请（核准金额及计算、发票、救助记录、公示）")
def get_application(request, number: str):
    require_scope(request, "cases:read")
    return _application(_case(request, number, (AID_ITEM, AUTUMN_ITEM)))
