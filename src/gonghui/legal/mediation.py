"""The joint labour-dispute mediation centre (劳动争议诉前联合调解中心) with the city court: every write beside
the engine's steps, and the documents in writing.

- A request goes to the district (片区) of the applicant's town and to the district's least busy officer
  (the case's 经办人); the centre decides within 3 working days whether to accept it, with the other
  party's consent recorded; a refusal, or the other party's, is told in writing (a notice PDF).
- Mediation ends within 15 days of acceptance (calendar days; extendable once by agreement — the engine's
  one extension, with its reason). An agreement is made in writing: parties, terms, payment dates (an A4 PDF
  signed on paper and scanned back). Within 30 days the parties may apply together for the court's
  confirmation, tracked until the ruling is recorded; otherwise its payments are followed up.
- Without an agreement the mediation ends with a notice that refers the parties to arbitration.
- A dispute of 10 or more workers with a common claim elects 3 to 5 representatives.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from gonghui.cases import services as cases
from gonghui.cases.models import Case, EventKind
from gonghui.core import audit, pdf
from gonghui.core.numbers import money

from .handler import MEDIATING, MEDIATION_FAILED, PARTY_REFUSED
from .models import AgreementPayment, MediationAgreement, MediationDistrict

PERM_MEDIATE = "cases.handle_case"
GROUP_SIZE = 10  # 10 or more workers with a common claim elect representatives
REPRESENTATIVES = (3, 5)


def representatives(form: dict) -> list[str]:
    return [line.strip() for line in str(form.get("representatives") or "").replace("，", "\n").replace(
        "、", "\n").splitlines() if line.strip()]


def check_representatives(form: dict) -> None:
    """A dispute of 10 or more workers with a common claim names 3 to 5 elected representatives."""
    try:
        workers = int(form.get("workers") or 1)
    except (TypeError, ValueError):
        return
    names = representatives(form)
    if workers >= GROUP_SIZE and not REPRESENTATIVES[0] <= len(names) <= REPRESENTATIVES[1]:
        raise ValidationError({"representatives": f"涉及{GROUP_SIZE}人以上的争议，请填写推选的3至5名代表"
                                                  f"（每行一人；现有{len(names)}人）。"})
    if workers < GROUP_SIZE and len(names) > REPRESENTATIVES[1]:
        raise ValidationError({"representatives": "代表最多5人。"})


def district_of(case: Case) -> MediationDistrict | None:
    town = case.applicant.org.path[:8]
    return MediationDistrict.objects.filter(towns__path=town).first()


def _least_busy_officer(district: MediationDistrict):
    officers = list(district.officers.filter(is_active=True).annotate(open=Count(
        "assigned_cases", filter=Q(assigned_cases__item__code="mediation",
                                   assigned_cases__state__in=["submitted", MEDIATING]))).order_by("open", "pk"))
    return officers[0] if officers else None


def on_step(case: Case, step, source: str) -> None:
    """Inside the engine's step transaction: a submitted request is routed to its district and officer."""
    if step.name != "submit" or (case.result or {}).get("district"):
        return
    district = district_of(case)
    if district is None:
        return
    officer = _least_busy_officer(district)
    case.result = {**(case.result or {}), "district": district.name}
    Case.objects.filter(pk=case.pk).update(result=case.result, assigned_to=officer)
    case.assigned_to = officer
    cases.add_event(case, None, EventKind.ASSIGN, f"分至{district.name}", public=False,
                    text=f"调解员：{officer.display_name}" if officer else "该片区尚未配置调解员")


def _schedule(lines: str) -> list[tuple[dt.date, Decimal]]:
    """``2026-12-20 15000`` per line → [(date, amount)]."""
    out = []
    for n, line in enumerate(str(lines or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.replace("，", " ").replace(",", "").split()
        try:
            day, amount = dt.date.fromisoformat(parts[0]), Decimal(parts[1])
        except (IndexError, ValueError, ArithmeticError):
            raise ValidationError({"payments": f"支付安排第{n}行应为“日期 金额”，如 2026-12-20 15000。"}) from None
        if amount <= 0:
            raise ValidationError({"payments": f"支付安排第{n}行的金额应大于0。"})
        out.append((day, amount.quantize(Decimal("0.01"))))
    return out


def agree(*, actor, case: Case, other_party: str, agent: str, terms: str, payments: str) -> MediationAgreement:
    """The mediator records the agreement reached: the other party, the terms and the payment dates."""
    if not cases.staff_may(actor, case, PERM_MEDIATE):
        raise PermissionDenied("您没有登记调解协议的权限。")
    if case.state != MEDIATING:
        raise cases.CaseConflict("只有调解中的案件可以登记调解协议。")
    other_party, terms = (other_party or "").strip(), (terms or "").strip()
    if not other_party:
        raise ValidationError({"other_party": "请填写对方当事人。"})
    if not terms:
        raise ValidationError({"terms": "请填写协议内容。"})
    schedule = _schedule(payments)
    today = timezone.localdate()
    with transaction.atomic():
        agreement = MediationAgreement.objects.create(case=case, other_party=other_party[:100],
                                                      other_party_agent=(agent or "").strip()[:50],
                                                      terms=terms[:5000], made_on=today, mediator=actor)
        AgreementPayment.objects.bulk_create([AgreementPayment(case=case, due_on=day, amount=amount)
                                              for day, amount in schedule])
        total = sum((a for _d, a in schedule), Decimal("0"))
        cases.transition(actor=actor, case=case, name="agree", module_form=True, data={
            "agreed_amount": str(total) if schedule else ""})
    return agreement


def payment_paid(*, actor, payment: AgreementPayment, paid_on) -> AgreementPayment:
    """The follow-up of the agreement: a payment made (its date; late if after the agreed one)."""
    case = payment.case
    if not cases.staff_may(actor, case, PERM_MEDIATE):
        raise PermissionDenied("您没有登记履行情况的权限。")
    try:
        day = paid_on if isinstance(paid_on, dt.date) else dt.date.fromisoformat(str(paid_on or "").strip())
    except ValueError:
        raise ValidationError({"paid_on": "请填写实际支付日期。"}) from None
    if day > timezone.localdate():
        raise ValidationError({"paid_on": "实际支付日期不能晚于今天。"})
    with transaction.atomic():
        if not AgreementPayment.objects.filter(pk=payment.pk, paid_on__isnull=True).update(paid_on=day,
                                                                                            recorded_by=actor):
            raise cases.CaseConflict("该笔已登记支付。")
        payment.paid_on = day
        late = "（逾期）" if day > payment.due_on else ""
        said = f"{payment.due_on:%Y-%m-%d}应付{money(payment.amount)}元，{day:%Y-%m-%d}已付{late}"
        cases.add_event(case, actor, EventKind.NOTE, "协议履行", text=said)
        audit.record(actor=actor, action="legal.agreement_paid", obj=case,
                     summary=f"{case.number} 协议履行：{money(payment.amount)}元于{day:%Y-%m-%d}支付{late}")
    return payment


# --- documents in writing --------------------------------------------------------------------------------

NOTICE_KINDS = {
    "aid_refused": "不予法律援助决定书",
    "not_accepted": "不予受理通知书",
    PARTY_REFUSED: "对方当事人不同意调解告知书",
    MEDIATION_FAILED: "调解终止告知书",
}


def notice_kind(case: Case) -> str:
    if case.item.code == "legal_aid":
        return case.state if case.state == "aid_refused" else ""
    return case.state if case.state in NOTICE_KINDS else ""


def _printed(actor, case: Case, what: str) -> None:
    audit.record(actor=actor, action="legal.print", obj=case, summary=f"{case.number} 打印{what}")


def agreement_pdf(*, actor, case: Case) -> bytes:
    agreement = MediationAgreement.objects.filter(case=case).select_related("mediator").first()
    if agreement is None:
        raise ValidationError("该案件尚未达成调解协议。")
    payments = list(case.agreement_payments.all())
    data = pdf.render_pdf("legal/pdf_agreement.html", {
        "case": case, "agreement": agreement, "payments": payments,
        "total": sum((p.amount for p in payments), Decimal("0")), "district": (case.result or {}).get("district", ""),
        "workers": case.form.get("workers") or 1, "representatives": representatives(case.form),
    })
    _printed(actor, case, "调解协议书")
    return data


def notice_pdf(*, actor, case: Case) -> bytes:
    """The notice in writing of a refusal (of legal aid, of a mediation request), of the other party's
    refusal to mediate, or of mediation ended without an agreement (which refers the parties to
    arbitration)."""
    kind = notice_kind(case)
    if not kind:
        raise ValidationError("该案件没有需要出具的书面告知书。")
    accepted = timezone.localdate(case.accepted_at) if case.accepted_at else None
    ended = case.closed_at or case.decided_at
    closed = timezone.localdate(ended) if ended else timezone.localdate()
    data = pdf.render_pdf("legal/pdf_notice.html", {
        "case": case, "kind": kind, "title": NOTICE_KINDS[kind], "accepted_on": accepted, "closed_on": closed,
        "past_15_days": bool(accepted and (closed - accepted).days > 15),
        "district": (case.result or {}).get("district", ""),
    })
    _printed(actor, case, NOTICE_KINDS[kind])
    return data
