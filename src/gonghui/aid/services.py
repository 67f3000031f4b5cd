"""The no-double-aid check and the shared invoice registry. A programme calls ``clashes`` to show the clerk
why a person may not be aided (before the decision), ``grant`` inside the transaction of its approval (the
database refuses a second grant the check missed, e.g. two clerks at once), ``release`` when the aid is
undone (a payment returned for good, an approval reversed); ``invoices_reserve`` and ``invoices_release``
around a medical claim's life, whichever programme pays it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from gonghui.cases import services as cases
from gonghui.cases.models import Case, State
from gonghui.cases.states import PERM_HANDLE
from gonghui.core import audit, pii
from gonghui.core.numbers import money, parse_amount, parse_day

from .models import KINDS_OF_AID, ONCE_PER_PERIOD, CaseInvoice, Grant, InvoiceUse, Purpose


def person_index(id_number: str) -> str:
    return pii.blind_index((id_number or "").strip().upper(), purpose="id_number")


@dataclass(frozen=True)
class Clash:
    grant: Grant
    why: str

    def __str__(self) -> str:
        g = self.grant
        return (f"{g.person_name}已于{g.period}年获{g.programme}（{g.reference}，{g.get_purpose_display()}，"
                f"{g.amount:,.2f}元），{self.why}")


def clashes(*, id_number: str, purpose: str, period: int, household: str = "", one_kind_only: bool = False,
            exclude: tuple[str, int] | None = None) -> list[Clash]:
    """Why this person (or, under ``one_kind_only``, this household) may not be aided for ``purpose`` in
    ``period``: the active grants that stand in the way, each with its reason, for the clerk to read."""
    found: list[Clash] = []
    rows = Grant.objects.filter(active=True, period=period).select_related("case")
    if exclude:
        rows = rows.exclude(source=exclude[0], object_id=exclude[1])
    if purpose in ONCE_PER_PERIOD:
        for g in rows.filter(person_bidx=person_index(id_number), purpose=purpose):
            found.append(Clash(g, "同一年度同一用途不重复救助。"))
    if one_kind_only and household and purpose in KINDS_OF_AID:
        for g in rows.filter(household=household, purpose__in=KINDS_OF_AID).exclude(purpose=purpose):
            found.append(Clash(g, "相对困难职工家庭每年只享受一种救助。"))
    return found


def grant(*, actor, source: str, programme: str, object_id: int, case, reference: str, id_number: str, name: str,
          purpose: str, period: int, amount: Decimal, org, household: str = "", one_kind_only: bool = False) -> Grant:
    """Record a grant; refuses, with every reason, one that would aid the person twice. Call it inside the
    transaction of the programme's approval."""
    purpose = Purpose(purpose)
    found = clashes(id_number=id_number, purpose=purpose, period=period, household=household,
                    one_kind_only=one_kind_only, exclude=(source, object_id))
    if found:
        raise ValidationError([f"不能重复救助：{c}" for c in found])
    try:
        with transaction.atomic():
            row = Grant.objects.create(
                source=source, programme=programme, object_id=object_id, case=case, reference=reference,
                person_enc=pii.encrypt((id_number or "").strip().upper(), field="id_number"),
                person_bidx=person_index(id_number), person_name=name[:50], household=household, purpose=purpose,
                period=period, amount=amount, org=org, once=purpose in ONCE_PER_PERIOD)
    except IntegrityError:
        raise ValidationError(f"不能重复救助：{name}在{period}年已获{purpose.label}（刚由另一项审批记录）。") from None
    audit.record(actor=actor, action="aid.grant", obj=row,
                 summary=f"{programme}{reference}：{name} {purpose.label} {amount:,.2f}元（{period}年）")
    return row


def release(*, actor, source: str, object_id: int, reason: str) -> int:
    """Undo a grant (the aid was not given after all); the person may then be aided again."""
    count = Grant.objects.filter(source=source, object_id=object_id, active=True).update(
        active=False, released_at=timezone.now(), release_reason=reason[:200])
    if count:
        audit.record(actor=actor, action="aid.release", object_type="aid.grant", object_id=f"{source}:{object_id}",
                     summary=f"撤销救助记录：{reason}"[:300])
    return count


def grants_of(source: str, object_ids) -> dict[int, Grant]:
    return {g.object_id: g for g in Grant.objects.filter(source=source, object_id__in=list(object_ids), active=True)}


# --- medical invoices ------------------------------------------------------------------------------------

def clean_number(number: str) -> str:
    return "".join((number or "").split()).upper()


def invoices_held(numbers, *, exclude: tuple[str, int] | None = None) -> dict[str, str]:
    """``{number: who holds it}`` for the numbers another case (of any programme) holds."""
    rows = InvoiceUse.objects.filter(active=True, number__in=[clean_number(n) for n in numbers])
    if exclude:
        rows = rows.exclude(source=exclude[0], object_id=exclude[1])
    return {r.number: f"发票{r.number}已在{r.programme}（{r.reference}）报销，同一张发票不能重复报销。" for r in rows}


def invoices_reserve(*, source: str, programme: str, object_id: int, case, reference: str, numbers) -> None:
    """Hold exactly these numbers for this case (inside the caller's transaction; a number it held and no
    longer lists is let go); refuses, naming the programme and case, a number another case holds — also
    when both are reserved at the same moment."""
    numbers = sorted({clean_number(n) for n in numbers})
    held = invoices_held(numbers, exclude=(source, object_id))
    if held:
        raise ValidationError({"invoices": list(held.values())})
    mine = set(InvoiceUse.objects.filter(source=source, object_id=object_id, active=True)
               .values_list("number", flat=True))
    InvoiceUse.objects.filter(source=source, object_id=object_id, active=True).exclude(number__in=numbers).update(
        active=False)
    try:
        with transaction.atomic():
            InvoiceUse.objects.bulk_create([
                InvoiceUse(number=n, source=source, programme=programme, object_id=object_id, case=case,
                           reference=reference) for n in numbers if n not in mine])
    except IntegrityError:
        raise ValidationError({"invoices": list(invoices_held(numbers, exclude=(source, object_id)).values())
                               or ["发票刚被另一件申请使用，不能重复报销。"]}) from None


def invoices_release(*, source: str, object_id: int) -> int:
    return InvoiceUse.objects.filter(source=source, object_id=object_id, active=True).update(active=False)


# --- the medical invoices of a case ------------------------------------------------------------------------
# A module whose item pays on self-paid medical costs declares it (``medical_item``) in its AppConfig.ready;
# its cases then carry invoices (``CaseInvoice``) typed on the shared forms (aid/urls.py, aid/m_urls.py),
# held in the registry from submission (``case_invoices_hold`` in the module's on_step) and let go when the
# case ends unpaid (``invoices_release``).

_MEDICAL: dict[str, tuple[str, object]] = {}  # item code → (programme, whether a case of it takes invoices)


def medical_item(code: str, programme: str, *, wants=None) -> None:
    """Cases of item ``code`` carry medical invoices, held in the registry as ``programme``; ``wants(case)``
    says whether a given case does (hardship aid: only its medical kind)."""
    _MEDICAL[code] = (programme, wants)


def takes_invoices(case: Case) -> bool:
    spec = _MEDICAL.get(case.item.code)
    return spec is not None and (spec[1] is None or bool(spec[1](case)))


def may_edit_invoices(user, case: Case, surface: str) -> bool:
    """The applicant while the case is theirs to edit (/m/); the handling clerk until it ends (/desk/)."""
    if not takes_invoices(case):
        return False
    if surface == "m":
        return cases.is_editable(case) and cases.may_act_as_applicant(user, case)
    return not case.is_closed and case.state != State.DRAFT and cases.staff_may(user, case, PERM_HANDLE)


def case_invoice_add(*, actor, case: Case, number: str, hospital: str, issued_on, amount, insured) -> CaseInvoice:
    """Add an invoice to a case: every field checked (all the errors at once), a number already on the case
    or held by another case of any programme refused with who holds it."""
    if not (may_edit_invoices(actor, case, "m") or may_edit_invoices(actor, case, "desk")):
        raise PermissionDenied("该申请当前不能修改发票。")
    errors: dict[str, str] = {}
    number = clean_number(number)
    if not re.fullmatch(r"[0-9A-Z]{6,40}", number):
        errors["number"] = "请填写发票号码（6至40位数字或字母）。"
    hospital = (hospital or "").strip()
    if not hospital:
        errors["hospital"] = "请填写医院名称。"
    try:
        day = parse_day(issued_on, "结算日期", "issued_on")
    except ValidationError as exc:
        errors["issued_on"] = exc.messages[0]
    try:
        total = parse_amount(amount, "发票金额")
        paid = parse_amount(insured, "医保等已报销金额", required=False)
        if paid > total:
            errors["insured"] = "已报销金额不能大于发票金额。"
    except ValidationError as exc:
        errors["amount"] = exc.messages[0]
    if not errors:
        if case.medical_invoices.filter(number=number).exists():
            errors["number"] = f"发票{number}已填写。"
        else:
            held = invoices_held([number], exclude=(case.item.code, case.pk))
            if held:
                errors["number"] = held[number]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row = CaseInvoice.objects.create(case=case, number=number, hospital=hospital[:60], issued_on=day,
                                         amount=total, insured=paid)
        if case.state not in (State.DRAFT, State.RETURNED):  # the clerk adding to a submitted case: held now
            case_invoices_hold(case)
        cases.add_event(case, actor, "edit", f"填写发票{number}", public=False)
        audit.record(actor=actor, action="aid.invoice_add", obj=case,
                     summary=f"{case.number} 发票{number} {money(total)}元，已报销{money(paid)}元")
    return row


def case_invoice_remove(*, actor, invoice: CaseInvoice) -> None:
    case = invoice.case
    if not may_edit_invoices(actor, case, "m"):
        raise PermissionDenied("该申请当前不能修改发票。")
    with transaction.atomic():
        invoice.delete()
        audit.record(actor=actor, action="aid.invoice_remove", obj=case,
                     summary=f"{case.number} 删除发票{invoice.number}")


def case_invoices_hold(case: Case) -> None:
    """Hold the case's invoice numbers in the registry (inside the caller's transaction: submission)."""
    invoices_reserve(source=case.item.code, programme=_MEDICAL[case.item.code][0], object_id=case.pk, case=case,
                     reference=case.number, numbers=case.medical_invoices.values_list("number", flat=True))


def case_invoices_check(case: Case) -> list[CaseInvoice]:
    """The case's invoices, refused when there are none or another case holds one (before a decision)."""
    invoices = list(case.medical_invoices.all())
    if not invoices:
        raise ValidationError({"invoices": "请逐张填写医疗费用发票。"})
    held = invoices_held([i.number for i in invoices], exclude=(case.item.code, case.pk))
    if held:
        raise ValidationError({"invoices": list(held.values())})
    return invoices


def self_paid(case: Case) -> Decimal:
    return sum((i.self_paid for i in case.medical_invoices.all()), Decimal("0"))
