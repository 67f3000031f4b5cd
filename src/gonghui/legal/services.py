"""Every write of legal services: the means test kept at submission, the clients of a group case, the
lawyer's stages, the conclusion with each client's amounts, and the lawyer's reward. Each checks who may
do it on which case in which state, runs in one transaction, and writes the timeline and the audit log."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from gonghui.cases import services as cases
from gonghui.cases.models import Case, EventKind
from gonghui.core import audit
from gonghui.core.numbers import money, parse_day
from gonghui.registry.models import Hukou

from .claims import EXEMPT_CLAIMS
from .handler import PERM_REPRESENT, REPRESENTED
from .models import (
    AidClient,
    AidStage,
    ConsultMessage,
    DutySlot,
    Half,
    MessageKind,
    Outcome,
    RewardLine,
    RewardScheme,
    StageKind,
)


def _audit(actor, action: str, case: Case, summary: str) -> None:
    audit.record(actor=actor, action=f"legal.{action}", obj=case, summary=f"{case.number} {summary}"[:300])


def _amount(value, label: str, *, key: str) -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", "").replace("，", "").strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({key: f"{label}应为金额，例如 12000 或 12000.50。"}) from None
    if amount < 0 or amount != amount.quantize(Decimal("0.01")) or amount >= Decimal("1e10"):
        raise ValidationError({key: f"{label}应为不小于0、最多两位小数的金额。"})
    return amount


# --- the means test (Legal Aid Law Arts. 41-42) -----------------------------------------------------------

def means_test(case: Case) -> dict:
    """Whether the applicant's economic hardship is shown, as the reviewer reads it: ``{"basis", "met"}``.
    ``met`` is True (exempt or shown), or None when staff must still check the declared income."""
    worker = case.applicant
    claim = case.form.get("claim_type", "")
    if worker.hukou == Hukou.MIGRANT and claim in EXEMPT_CLAIMS:
        return {"met": True, "basis": f"免予经济困难审查：农民工{claim}（《法律援助法》第四十二条）"}
    if worker.tags.filter(code="needy").exists():
        return {"met": True, "basis": "经济困难：困难职工档案在册"}
    limit = Decimal(str(settings.LEGAL_AID_INCOME_LIMIT))
    income = case.form.get("household_income")
    if income not in (None, ""):
        income = Decimal(str(income))
        if income <= limit:
            return {"met": True, "basis": f"经济困难：申报家庭人均月收入{money(income)}元，不高于标准{money(limit)}元"}
        return {"met": None, "basis": f"待核查：申报家庭人均月收入{money(income)}元，高于标准{money(limit)}元"}
    return {"met": None, "basis": "待核查：未申报家庭收入，也不在困难职工档案中"}


def on_step(case: Case, step, source: str) -> None:
    """Inside the engine's step transaction: at submission the means test is kept for the reviewer and the
    applicant is the case's lead client for the amount at stake; at conclusion the reward is written."""
    if step.name == "submit":
        means = means_test(case)
        case.result = {**(case.result or {}), "means": means["basis"]}
        Case.objects.filter(pk=case.pk).update(result=case.result)
        claimed = Decimal(str(case.form.get("amount") or 0))
        AidClient.objects.update_or_create(case=case, worker=case.applicant,
                                           defaults={"lead": True, "claimed": claimed})
    elif step.name == "conclude":
        _reward(case)


# --- clients of a group case -------------------------------------------------------------------------------

def client_add(*, actor, case: Case, id_number: str, claimed) -> AidClient:
    """Add a co-worker with the same claim against the same employer (a group case is one case with several
    clients, each with their own amount). Staff of the handling centre, until the case is concluded; the
    worker is found in the registry of the staff member's own subtree."""
    from gonghui.registry.selectors import worker_search

    if not cases.staff_may(actor, case, "cases.handle_case"):
        raise PermissionDenied("您没有为该案件增加受援人的权限。")
    if case.is_closed or case.state == "draft":
        raise cases.CaseConflict("只能为已提交、未结案的案件增加受援人。")
    number = (id_number or "").strip().upper()
    if not number:
        raise ValidationError({"id_number": "请填写受援人的身份证号。"})
    worker = worker_search(user=actor, q=number).first() if len(number) in (15, 18) else None
    if worker is None:
        raise ValidationError({"id_number": "职工档案中没有这个身份证号（或不在您的管辖范围内），请先登记职工信息。"})
    amount = _amount(claimed, "请求金额", key="claimed")
    try:
        with transaction.atomic():
            client = AidClient.objects.create(case=case, worker=worker, claimed=amount, added_by=actor)
            cases.add_event(case, actor, EventKind.NOTE, "增加受援人", public=False,
                            text=f"{worker.name}，请求金额{money(amount)}元")
            _audit(actor, "client_add", case, f"增加受援人{worker.name}")
    except IntegrityError:
        raise ValidationError({"id_number": f"{worker.name}已是本案受援人。"}) from None
    return client


# --- the lawyer's stages and the conclusion ---------------------------------------------------------------

def _require_lawyer(actor, case: Case, what: str) -> None:
    if not cases.staff_may(actor, case, PERM_REPRESENT):
        raise PermissionDenied(f"只有承办律师可以{what}。")
    if case.state != REPRESENTED:
        raise cases.CaseConflict(f"案件当前为“{case.state_label}”，不能{what}。")


def stage_add(*, actor, case: Case, kind: str, started_on, ended_on=None, result: str = "") -> AidStage:
    """The assigned lawyer records a stage of the case with its dates and what came of it; the worker sees
    it on their case page."""
    _require_lawyer(actor, case, "记录办案阶段")
    if kind not in StageKind.values:
        raise ValidationError({"kind": "请选择办案阶段。"})
    start = parse_day(started_on, "开始日期", "started_on")
    end = parse_day(ended_on, "结束日期", "ended_on", required=False)
    if end and end < start:
        raise ValidationError({"ended_on": "结束日期不能早于开始日期。"})
    submitted = timezone.localdate(case.submitted_at) if case.submitted_at else None
    if submitted and start < submitted:
        raise ValidationError({"started_on": f"开始日期不能早于申请日期（{submitted:%Y-%m-%d}）。"})
    result = (result or "").strip()[:300]
    label = StageKind(kind).label
    try:
        with transaction.atomic():
            stage = AidStage.objects.create(case=case, kind=kind, started_on=start, ended_on=end, result=result,
                                            recorded_by=actor)
            period = f"{start:%Y-%m-%d}" + (f" 至 {end:%Y-%m-%d}" if end else " 起")
            cases.add_event(case, actor, EventKind.NOTE, f"办案阶段：{label}", public=True,
                            text="；".join(filter(None, [period, result])))
            _audit(actor, "stage_add", case, f"记录办案阶段：{label}")
    except IntegrityError:
        raise ValidationError({"kind": f"“{label}”阶段已记录。"}) from None
    return stage


def aid_conclude(*, actor, case: Case, outcome: str, summary: str, amounts: dict) -> Case:
    """The lawyer closes the case: its outcome and, for every client, the amount awarded (agreed, awarded or
    adjudged) and the amount actually recovered. ``amounts``: ``{client pk: (awarded, recovered)}``."""
    _require_lawyer(actor, case, "结案")
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": "请选择结案方式。"})
    if not case.aid_stages.exists():
        raise ValidationError({"outcome": "请先记录至少一个办案阶段（如协商、仲裁），再结案。"})
    clients = list(case.aid_clients.select_related("worker"))
    checked = {}
    for client in clients:
        awarded, recovered = amounts.get(client.pk, (None, None))
        awarded = _amount(awarded if awarded not in (None, "") else "x", f"{client.worker.name}的确认金额",
                          key=f"awarded_{client.pk}")
        recovered = _amount(recovered if recovered not in (None, "") else "x", f"{client.worker.name}的实际追回金额",
                            key=f"recovered_{client.pk}")
        if recovered > awarded:
            raise ValidationError({f"recovered_{client.pk}": f"{client.worker.name}的实际追回金额不能大于确认金额。"})
        checked[client.pk] = (awarded, recovered)
    total = sum((r for _a, r in checked.values()), Decimal("0"))
    with transaction.atomic():
        for client in clients:
            client.awarded, client.recovered = checked[client.pk]
            client.save(update_fields=["awarded", "recovered"])
        cases.transition(actor=actor, case=case, name="conclude", module_form=True, data={
            "outcome": Outcome(outcome).label, "summary": (summary or "").strip()[:300],
            "recovered": str(total)})
    return case


def _reward(case: Case) -> RewardLine | None:
    """The reward of the lawyer who concluded the case, by the scheme in force that day (first stage, each
    later stage, each client beyond the first). Inside the conclusion's transaction."""
    found = cases.active_assignment(case)
    if found is None or found.partner is None:
        return None
    on = timezone.localdate()
    scheme = RewardScheme.objects.filter(effective_from__lte=on).first()
    if scheme is None:
        return None
    stages = case.aid_stages.count()
    extra = max(0, case.aid_clients.count() - 1)
    amount = scheme.first_stage + scheme.later_stage * max(0, stages - 1) + scheme.extra_client * extra
    parts = [f"首个阶段{money(scheme.first_stage)}"]
    if stages > 1:
        parts.append(f"其后{stages - 1}个阶段×{money(scheme.later_stage)}")
    if extra:
        parts.append(f"增加受援人{extra}名×{money(scheme.extra_client)}")
    working = " + ".join(parts) + f" = {money(amount)}元（{scheme.name}）"
    return RewardLine.objects.create(case=case, org=case.org, lawyer=found.user, partner=found.partner,
                                     scheme=scheme, amount=amount, working=working[:300])


# --- legal consultation ----------------------------------------------------------------------------------

CONSULT_MAX = 3000


def _least_busy_lawyer(case: Case):
    """The lawyer (of a firm the handling union contracted) with the fewest consultations waiting for an
    answer; ties go to the one who has had fewer consultations altogether."""
    from django.db.models import Count, Q

    from gonghui.cases.models import ACTIVE_ASSIGNMENT, CaseAssignment

    from .handler import ASKED

    candidates = cases.partners_for(case, PERM_REPRESENT)
    if not candidates:
        return None
    load = dict(CaseAssignment.objects.filter(user__in=candidates, case__item__code="legal_consult",
                                              status__in=ACTIVE_ASSIGNMENT)
                .values_list("user").annotate(open=Count("pk", filter=Q(case__state=ASKED)))
                .values_list("user", "open"))
    total = dict(CaseAssignment.objects.filter(user__in=candidates, case__item__code="legal_consult")
                 .values_list("user").annotate(n=Count("pk")).values_list("user", "n"))
    return min(candidates, key=lambda u: (load.get(u.pk, 0), total.get(u.pk, 0), u.pk))


def consult_on_step(case: Case, step, source: str) -> None:
    """Inside the engine's step transaction: a new question is kept as the thread's first turn and goes to
    the least busy lawyer at once; the channel is kept (online, or logged by staff from the hotline or the
    duty desk)."""
    if step.name != "submit":
        return
    ConsultMessage.objects.create(case=case, kind=MessageKind.QUESTION, author=None,
                                  text=str(case.form.get("question", ""))[:CONSULT_MAX])
    channel = "工作人员代录（热线或值班台）" if case.on_behalf else "职工在线提问"
    case.result = {**(case.result or {}), "channel": channel}
    Case.objects.filter(pk=case.pk).update(result=case.result)
    lawyer = _least_busy_lawyer(case)
    if lawyer is not None:
        cases.assignment_offer(actor=None, case=case, partner=lawyer, accepted=True)
        cases.add_event(case, None, EventKind.ASSIGN, "分配律师", text=cases.partner_label(lawyer))


def _text(value, what: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({"text": f"请填写{what}。"})
    if len(text) > CONSULT_MAX:
        raise ValidationError({"text": f"{what}最多{CONSULT_MAX}字。"})
    return text


def consult_answer(*, actor, case: Case, text: str) -> Case:
    """The lawyer the consultation went to answers it (the worker is told)."""
    from .handler import ASKED

    if not cases.staff_may(actor, case, PERM_REPRESENT):
        raise PermissionDenied("只有承办律师可以答复。")
    if case.state != ASKED:
        raise cases.CaseConflict("该咨询已答复，请刷新后查看。")
    text = _text(text, "答复内容")
    with transaction.atomic():
        ConsultMessage.objects.create(case=case, kind=MessageKind.ANSWER, author=actor, text=text)
        cases.transition(actor=actor, case=case, name="answer", module_form=True)
    return case


def consult_follow_up(*, actor, case: Case, text: str) -> Case:
    """The worker asks again after an answer; the lawyer has the committed time again."""
    from .handler import ANSWERED

    if not cases.may_act_as_applicant(actor, case):
        raise PermissionDenied("只有咨询人可以追问。")
    if case.state != ANSWERED:
        raise cases.CaseConflict("律师答复后才能追问。")
    text = _text(text, "追问内容")
    with transaction.atomic():
        ConsultMessage.objects.create(case=case, kind=MessageKind.QUESTION, author=actor, text=text)
        cases.transition(actor=actor, case=case, name="follow_up", module_form=True)
    return case


TARGETS = {"legal_aid": ("aid_case", "evidence", "法律援助申请"), "mediation": ("mediation_case", "evidence",
                                                                          "劳动争议调解申请")}


def consult_convert(*, actor, case: Case, target: str = "legal_aid") -> Case:
    """Turn a consultation into a legal-aid application or a mediation request with what was already given:
    the claim, the employer, the questions as the facts, the photos as evidence. The new case is a draft the
    worker (or the staff member filing for them) completes and submits; doing this twice gives the same
    draft."""
    from gonghui.cases.models import ServiceItem

    from .claims import CLAIM_TYPES

    if target not in TARGETS:
        raise ValidationError("未知的转办事项。")
    key, material, label = TARGETS[target]
    staff = cases.staff_may(actor, case, "cases.file_on_behalf")
    if not (cases.is_applicant(actor, case) or staff):
        raise PermissionDenied(f"只有咨询人或服务中心工作人员可以据此{label}。")
    existing = (case.result or {}).get(key)
    if existing:
        found = Case.objects.filter(number=existing).first()
        if found is not None and not found.is_closed:
            return found
    item = ServiceItem.objects.get(code=target)
    questions = [m.text for m in case.consult_messages.filter(kind=MessageKind.QUESTION)]
    data = {"claim_type": case.form.get("topic") if case.form.get("topic") in CLAIM_TYPES else "",
            "opponent": case.form.get("employer", ""), "facts": "\n".join(questions)[:1000],
            "phone": case.applicant.phone, "workers": "1" if target == "mediation" else ""}
    with transaction.atomic():
        made = cases.case_create(actor=actor, item=item, worker=case.applicant, data={
            k: v for k, v in data.items() if v})
        made.result = {"from_consult": case.number}
        Case.objects.filter(pk=made.pk).update(result=made.result)
        for attachment in case.attachments.all():
            content, _type = cases.attachment_read(actor=actor, attachment=attachment)
            cases.attachment_add(actor=actor, case=made, material=material, name=attachment.name, data=content)
        case.result = {**(case.result or {}), key: made.number}
        Case.objects.filter(pk=case.pk).update(result=case.result)
        cases.add_event(case, actor, EventKind.NOTE, f"转为{label}", text=made.number)
        _audit(actor, "consult_convert", case, f"转为{label}{made.number}")
    return made


# --- duty rosters ------------------------------------------------------------------------------------------

MAX_DUTY_DAYS = 62


def _require_centre(actor, centre, what: str) -> None:
    from gonghui.orgs.scoping import in_scope

    if not in_scope(actor, centre.org.path, "cases.handle_case"):
        raise PermissionDenied(f"您没有{what}的权限。")


def duty_plan(*, actor, lawyer, centre, start, end, halves, note: str = "") -> tuple[int, int]:
    """Put ``lawyer`` on duty at ``centre`` on every day from ``start`` to ``end`` for the ``halves`` given
    (a festival's duty at a town centre in one go). A half-day the lawyer already sits somewhere is skipped.
    Returns (planned, skipped)."""
    _require_centre(actor, centre, "安排律师值班")
    if lawyer is None or not cases.partner_may_serve(lawyer, centre.org.path, PERM_REPRESENT):
        raise ValidationError({"lawyer": "请选择能在该服务中心值班的签约律师。"})
    first = _day(start, "开始日期", key="start")
    last = _day(end or start, "结束日期", key="end")
    if last < first:
        raise ValidationError({"end": "结束日期不能早于开始日期。"})
    if (last - first).days >= MAX_DUTY_DAYS:
        raise ValidationError({"end": f"一次最多安排{MAX_DUTY_DAYS}天。"})
    halves = [h for h in Half.values if h in set(halves or [])]
    if not halves:
        raise ValidationError({"halves": "请选择上午、下午或全天。"})
    planned = skipped = 0
    with transaction.atomic():
        day = first
        while day <= last:
            for half in halves:
                try:
                    with transaction.atomic():
                        DutySlot.objects.create(lawyer=lawyer, partner=lawyer.partner, centre=centre, day=day,
                                                half=half, note=(note or "").strip()[:100], planned_by=actor)
                    planned += 1
                except IntegrityError:
                    skipped += 1
            day += dt.timedelta(days=1)
        audit.record(actor=actor, action="legal.duty_plan", obj=centre,
                     summary=f"安排{lawyer.display_name}在{centre.name}值班：{first:%Y-%m-%d}至{last:%Y-%m-%d}，"
                             f"{planned}个半天")
    return planned, skipped


def _day(value, label: str, *, key: str) -> dt.date:
    try:
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise ValidationError({key: f"请填写{label}（如 2026-02-10）。"}) from None


def duty_record(*, actor, slot: DutySlot, served: bool) -> DutySlot:
    """After the half-day: whether the lawyer was there. A served half-day earns the firm the scheme's duty
    reward (paid through the payments); it is recorded once."""
    _require_centre(actor, slot.centre, "登记值班")
    if slot.day > timezone.localdate():
        raise ValidationError("值班日之后才能登记是否到岗。")
    with transaction.atomic():
        if not DutySlot.objects.filter(pk=slot.pk, served__isnull=True).update(served=served):
            raise cases.CaseConflict("该值班已登记。")
        slot.served = served
        if served:
            scheme = RewardScheme.objects.filter(effective_from__lte=slot.day).first()
            if scheme is not None:
                RewardLine.objects.create(
                    duty=slot, org=slot.centre.org, lawyer=slot.lawyer, partner=slot.partner, scheme=scheme,
                    amount=scheme.duty_half_day,
                    working=f"{slot.centre.name}{slot.day:%Y-%m-%d}{slot.get_half_display()}值班 "
                            f"{money(scheme.duty_half_day)}元（{scheme.name}）"[:300])
        audit.record(actor=actor, action="legal.duty_record", obj=slot.centre,
                     summary=f"{slot.lawyer.display_name} {slot.day:%Y-%m-%d}{slot.get_half_display()}"
                             f"{'到岗' if served else '未到岗'}")
    return slot


def duty_cancel(*, actor, slot: DutySlot) -> None:
    """Take a half-day not yet served off the roster."""
    _require_centre(actor, slot.centre, "取消值班")
    if slot.served is not None:
        raise cases.CaseConflict("已登记的值班不能取消。")
    with transaction.atomic():
        audit.record(actor=actor, action="legal.duty_cancel", obj=slot.centre,
                     summary=f"取消{slot.lawyer.display_name} {slot.day:%Y-%m-%d}{slot.get_half_display()}值班")
        slot.delete()
