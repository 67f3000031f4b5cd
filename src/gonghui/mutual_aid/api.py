"""Medical mutual aid on /api/v1/: file a claim with its invoices, read it (invoices, subsidy and its
working, payment), add an invoice. Scans are uploaded, the claim submitted and followed through the case
engine's endpoints (``/cases/{number}/attachments``, ``/transitions/submit``, ``/timeline``).
"""

# No ``from __future__ import annotations``: ninja reads the handlers' annotations through the
# idempotency wrapper (cases.idempotency).
import datetime as dt

from ninja import Router, Schema

from gonghui.cases import selectors as case_selectors
from gonghui.cases.idempotency import idempotent
from gonghui.registry.selectors import worker_get
from gonghui.web.api_auth import require_scope

from . import services
from .models import Claim, ClaimInvoice

router = Router(tags=["mutual-aid"])


class InvoiceIn(Schema):
    number: str
    hospital: str
    issued_on: str
    amount: str
    eligible: str


class ClaimIn(Schema):
    form: dict
    invoices: list[InvoiceIn] = []
    worker_id: int | None = None  # staff filing on a worker's behalf


class InvoiceOut(Schema):
    number: str
    hospital: str
    issued_on: dt.date
    amount: str
    eligible: str
    reserved: bool


class ClaimOut(Schema):
    number: str
    state: str
    state_label: str
    product: str | None
    subsidy: str | None
    working: list
    payment_problem: str
    paid_at: dt.datetime | None
    invoices: list[InvoiceOut]


def _invoice(row: ClaimInvoice) -> dict:
    return {"number": row.number, "hospital": row.hospital, "issued_on": row.issued_on.isoformat(),
            "amount": str(row.amount), "eligible": str(row.eligible), "reserved": row.reserved}


def _claim(case) -> dict:
    claim = Claim.objects.filter(case=case).select_related("product").first()
    invoices = list(claim.invoices.order_by("pk")) if claim else []
    return {"number": case.number, "state": case.state, "state_label": case.state_label,
            "product": claim.product.name if claim and claim.product else None,
            "subsidy": str(claim.subsidy) if claim and claim.subsidy is not None else None,
            "working": claim.working if claim else [], "payment_problem": claim.payment_problem if claim else "",
            "paid_at": claim.paid_at.isoformat() if claim and claim.paid_at else None,
            "invoices": [_invoice(i) for i in invoices]}


def _case(request, number: str):
    case = case_selectors.case_for(user=request.user, number=number)
    if case.item.code != services.ITEM_CODE:
        from django.http import Http404

        raise Http404("不是医疗互助报销申请")
    return case


@router.post("/mutual-aid/claims", response={201: ClaimOut}, summary="新建医疗互助报销申请（连同发票，草稿）")
@idempotent
def create_claim(request, payload: ClaimIn):
    require_scope(request, "cases:write")
    item = case_selectors.item_get(services.ITEM_CODE)
    worker = worker_get(user=request.user, pk=payload.worker_id) if payload.worker_id else None
    case = services.claim_create(actor=request.user, item=item, data=payload.form, worker=worker,
                                 invoices=[i.model_dump() for i in payload.invoices])
    return 201, _claim(_case(request, case.number))


@router.get("/mutual-aid/claims/{number}", response=ClaimOut, summary="医疗互助报销申请（发票、补助及计算、支付）")
def get_claim(request, number: str):
    require_scope(request, "cases:read")
    return _claim(_case(request, number))


@router.post("/mutual-aid/claims/{number}/invoices", response={201: InvoiceOut}, summary="填写一张发票")
@idempotent
def add_invoice(request, number: str, payload: InvoiceIn):
    require_scope(request, "cases:write")
    row = services.invoice_add(actor=request.user, case=_case(request, number), **payload.model_dump())
    return 201, _invoice(row)
