"""Claims on the case engine: invoices, the checks at submission, the subsidy by the rules of the stay's
plan year, what the claim holds at each step, the payee's correction after a failed payment."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from gonghui.aid import services as aid
from gonghui.cases import services as cases
from gonghui.cases.models import Case, State
from gonghui.core import audit

from .. import calculation
from ..models import (
    Claim,
    ClaimInvoice,
    Enrolment,
    LateClaimException,
    PlanYear,
    Product,
    RuleChange,
)
from .common import _decimal

INVOICE_SOURCE = "mutual_aid"  # the claims' invoices in the aid ledger (gonghui.aid)

# --- claims: invoices, and the hooks on the case engine ------------------------------------------------

def claim_of(case: Case) -> Claim:
    claim = Claim.objects.filter(case=case).first()
    return claim if claim is not None else Claim.objects.create(case=case, product=None)


def normalise_invoice_number(raw: str) -> str:
    """Digits and letters only, upper case: "fp 0001" and "FP-0001" are the same invoice."""
    return re.sub(r"[^0-9A-Za-z]", "", str(raw)).upper()


def invoice_add(*, actor, case: Case, number: str, hospital: str, issued_on: str, amount, eligible) -> ClaimInvoice:
    """The applicant (or the intake staff) lists an invoice while the case is a draft or returned."""
    if not cases.may_act_as_applicant(actor, case):
        raise PermissionDenied("只有申请人或代办人员可以填写发票。")
    if not cases.is_editable(case):
        raise cases.CaseConflict("办件审核期间不能修改发票。")
    errors = {}
    number = normalise_invoice_number(number)
    if not 6 <= len(number) <= 40:
        errors["number"] = ["请填写发票号码（6至40位数字或字母）。"]
    if not (hospital or "").strip():
        errors["hospital"] = ["请填写医院名称。"]
    try:
        day = dt.date.fromisoformat(str(issued_on))
    except ValueError:
        errors["issued_on"] = ["请填写结算日期（如2026-03-01）。"]
        day = None
    try:
        total, part = _decimal(amount, "发票金额", "amount"), _decimal(eligible, "医保范围内费用", "eligible")
        if part > total:
            errors["eligible"] = ["医保范围内费用不能大于发票金额。"]
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    claim = claim_of(case)
    if claim.invoices.filter(number=number).exists():
        raise ValidationError({"number": "这张发票已经填写过。"})
    with transaction.atomic():
        row = ClaimInvoice.objects.create(claim=claim, number=number, hospital=hospital.strip()[:60], issued_on=day,
                                          amount=total, eligible=part, eligible_claimed=part)
        cases.add_event(case, actor, "edit", f"填写发票{number}", text=f"{hospital} {day} {total}元")
        audit.record(actor=actor, action="mutual_aid.invoice_add", obj=case,
                     summary=f"{case.number} 发票{number} {total}元")
    return row


def claim_create(*, actor, item, data: dict, invoices: list[dict], worker=None) -> Case:
    """A claim with its invoices in one go (the API's): the case (a draft) and every invoice, or nothing
    — every invoice's problems are reported at once, keyed ``invoices.<n>.<field>``."""
    errors: dict[str, list[str]] = {}
    with transaction.atomic():
        case = cases.case_create(actor=actor, item=item, data=data, worker=worker)
        for n, invoice in enumerate(invoices, start=1):
            try:
                invoice_add(actor=actor, case=case, **{
                    k: invoice.get(k, "") for k in ("number", "hospital", "issued_on", "amount", "eligible")})
            except ValidationError as exc:
                for key, messages in (exc.message_dict if hasattr(exc, "error_dict") else
                                      {"__all__": exc.messages}).items():
                    errors.setdefault(f"invoices.{n}.{key}", []).extend(f"第{n}张发票：{m}" for m in messages)
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise ValidationError(errors)
    return case


def invoice_remove(*, actor, invoice: ClaimInvoice) -> None:
    case = invoice.claim.case
    if not cases.may_act_as_applicant(actor, case) or not cases.is_editable(case):
        raise PermissionDenied("现在不能删除发票。")
    with transaction.atomic():
        invoice.delete()
        audit.record(actor=actor, action="mutual_aid.invoice_remove", obj=case,
                     summary=f"{case.number} 删除发票{invoice.number}")


def invoice_correct(*, actor, invoice: ClaimInvoice, eligible, reason: str) -> ClaimInvoice:
    """The reviewer corrects an eligible amount, with a reason, while the case is under review."""
    case = invoice.claim.case
    if not cases.staff_may(actor, case, "cases.decide_case"):
        raise PermissionDenied("您没有审核更正的权限。")
    if case.state not in (State.ACCEPTED, State.IN_REVIEW):
        raise cases.CaseConflict("只有受理后、核准前可以更正金额。")
    value = _decimal(eligible, "医保范围内费用", "eligible")
    if value > invoice.amount:
        raise ValidationError({"eligible": "医保范围内费用不能大于发票金额。"})
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写更正理由。"})
    with transaction.atomic():
        before = invoice.eligible
        ClaimInvoice.objects.filter(pk=invoice.pk).update(eligible=value, correction_reason=reason.strip()[:200])
        cases.add_event(case, actor, "note", f"更正发票{invoice.number}医保范围内费用",
                     text=f"{before} → {value}：{reason}", public=True)
        audit.record(actor=actor, action="mutual_aid.invoice_correct", obj=case,
                     summary=f"{case.number} 发票{invoice.number}医保范围内费用{before}→{value}：{reason}"[:300])
    invoice.refresh_from_db()
    return invoice


def _plan_year_of(day: dt.date) -> PlanYear | None:
    return PlanYear.objects.filter(starts_on__lte=day, ends_on__gte=day).first()


def _product_for(case: Case, day: dt.date) -> Product:
    plan_year = _plan_year_of(day)
    if plan_year is None:
        raise ValidationError({"discharged_on": f"出院日期{day}不在任何活动年度的保障期内。"})
    product = plan_year.products.filter(name=case.form.get("product")).first()
    if product is None:
        raise ValidationError({"product": f"{plan_year.name}没有“{case.form.get('product')}”项目。"})
    return product


def eligibility(case: Case) -> None:
    """Before submit: covered on the dates, dates in the plan year, within the claim deadline, no invoice
    already claimed — every problem at once."""
    claim = claim_of(case)
    invoices = list(claim.invoices.all())
    if not invoices:
        raise ValidationError({"invoices": "请至少填写一张发票。"})
    discharged = dt.date.fromisoformat(case.form["discharged_on"])
    product = _product_for(case, discharged)
    plan_year = product.plan_year
    errors: dict[str, list[str]] = {}
    enrolment = Enrolment.objects.filter(product=product, worker_id=case.applicant_id).first()
    if enrolment is None:
        errors["product"] = [f"您未参加{product}，不能申请。"]
    elif discharged < enrolment.covered_from:
        errors["discharged_on"] = [f"出院时仍在等待期内（保障自{enrolment.covered_from}起）。"]
    admitted = case.form.get("admitted_on")
    if admitted and dt.date.fromisoformat(admitted) > discharged:
        errors["admitted_on"] = ["入院日期不能晚于出院日期。"]
    for invoice in invoices:
        if not plan_year.covers(invoice.issued_on):
            errors.setdefault("invoices", []).append(
                f"发票{invoice.number}的日期{invoice.issued_on}不在{plan_year.name}保障期内。")
    if timezone.localdate() > plan_year.claim_deadline and late_exception(plan_year, case) is None:
        errors["__all__"] = [f"{plan_year.name}的报销申请已于{plan_year.claim_deadline}截止，申请已失效"
                             f"（确有正当理由的，须经总工会医疗互助管理员批准逾期申请）。"]
    taken = set(ClaimInvoice.objects.filter(reserved=True, number__in=[i.number for i in invoices])
                .exclude(claim=claim).values_list("number", flat=True))
    for number in sorted(taken):
        errors.setdefault("invoices", []).append(f"发票{number}已被其他报销申请使用，不能重复报销。")
    held = aid.invoices_held([i.number for i in invoices], exclude=(INVOICE_SOURCE, claim.pk))
    for number in sorted(set(held) - taken):
        errors.setdefault("invoices", []).append(held[number])  # paid by another programme (medical aid)
    if errors:
        raise ValidationError(errors)


def late_exception(plan_year: PlanYear, case: Case) -> LateClaimException | None:
    """The exception that lets this worker's claim in after the deadline: one already used by this case,
    or an unused one granted for the worker and the year."""
    return (LateClaimException.objects.filter(plan_year=plan_year, worker_id=case.applicant_id, case=case).first()
            or LateClaimException.objects.filter(plan_year=plan_year, worker_id=case.applicant_id,
                                                 case__isnull=True).order_by("granted_at").first())


def _granted(claim: Claim) -> Decimal:
    """What the worker has been granted in the product's period, other claims (approved or paid)."""
    total = (Claim.objects.filter(product=claim.product, case__applicant_id=claim.case.applicant_id,
                                  case__state__in=[State.APPROVED, State.FULFILLED])
             .exclude(pk=claim.pk).aggregate(s=Sum("subsidy"))["s"])
    return total or Decimal("0")


def _discharged(claim: Claim) -> dt.date:
    return claim.discharged_on or dt.date.fromisoformat(claim.case.form["discharged_on"])


def compute(claim: Claim) -> tuple[Decimal, list[str], RuleChange | None]:
    """The subsidy by the rules in force on the day of discharge (the year's own, or a later change)."""
    enrolment = Enrolment.objects.get(product=claim.product, worker_id=claim.case.applicant_id)
    invoices = [calculation.Invoice(i.number, i.issued_on, i.eligible) for i in claim.invoices.all()]
    rules, change = claim.product.rules_on(_discharged(claim))
    amount, working = calculation.subsidy(rules, invoices, covered_from=enrolment.covered_from,
                                          already_granted=_granted(claim),
                                          condition=claim.case.form.get("condition", ""))
    if change is not None:
        working = [f"按{change.effective_from:%Y-%m-%d}起施行的规则计算（{change.note}）", *working]
    return amount, working, change


def claim_subsidy_calculate(claim: Claim) -> None:
    """At approval, in the step's transaction: the subsidy by the rules in force for the stay, kept once,
    on the claim (with its working and the rules used); a subsidy of nothing refuses the approval."""
    if claim.product_id is None:
        claim.product = _product_for(claim.case, _discharged(claim))
    amount, working, change = compute(claim)
    if amount <= 0:
        raise ValidationError("按规则计算的补助金额为0，请改为“不予核准”并说明原因。")
    Claim.objects.filter(pk=claim.pk).update(product=claim.product, subsidy=amount, working=working,
                                             rule_change=change)


def on_step(case: Case, name: str, source: str) -> None:
    """In the step's transaction: reserve the invoice numbers at submit (the database refuses a number
    another claim holds), release them when the claim is withdrawn or not accepted; keep the product and
    the subsidy on the claim (``claim_subsidy_calculate``)."""
    claim = claim_of(case)
    if name == "submit":
        claim.discharged_on = dt.date.fromisoformat(case.form["discharged_on"])
        claim.product = _product_for(case, claim.discharged_on)
        claim.save(update_fields=["product", "discharged_on"])
        if timezone.localdate() > claim.product.plan_year.claim_deadline:
            exception = late_exception(claim.product.plan_year, case)  # eligibility found it
            if exception is not None and exception.case_id is None:
                if not LateClaimException.objects.filter(pk=exception.pk, case__isnull=True).update(case=case):
                    raise ValidationError("该逾期申请例外已被另一件申请使用。")  # two late claims at once: one
                audit.record(actor=None, action="mutual_aid.late_exception_used", obj=case,
                             summary=f"{case.number} 按批准的逾期申请例外提交（{exception.reason}）"[:300])
        try:
            with transaction.atomic():
                claim.invoices.update(reserved=True)
        except IntegrityError:
            raise ValidationError({"invoices": "发票已被其他报销申请使用，不能重复报销。"}) from None
        # the invoices are held in the aid ledger too, so that no other programme pays them again
        aid.invoices_reserve(source=INVOICE_SOURCE, programme="医疗互助", object_id=claim.pk, case=case,
                             reference=case.number, numbers=claim.invoices.values_list("number", flat=True))
    elif name in ("withdraw", "not_accept"):
        claim.invoices.update(reserved=False)
        aid.invoices_release(source=INVOICE_SOURCE, object_id=claim.pk)
    elif name == "approve":
        claim_subsidy_calculate(claim)


def payee_correct(*, actor, case: Case, bank_card: str, bank_name: str) -> None:
    """After a failed payment the applicant gives the right bank card; the claim can then be paid again."""
    claim = claim_of(case)
    if not claim.payment_problem or case.state != State.APPROVED:
        raise ValidationError("该报销申请无需更正收款账户。")
    with transaction.atomic():
        cases.payee_replace(actor=actor, case=case, bank_card=bank_card, bank_name=bank_name)
        Claim.objects.filter(pk=claim.pk).update(payment_problem="")
