"""Legal aid on the case engine: the workflow the Legal Aid Law (2021) sets and its handler.

- The application is decided within 7 days (``decide``, calendar days: the law says 日) of the complete
  application: a return for completion (one notice listing every missing material) pauses it, and the
  resubmission starts it afresh (``restart``), as the days run from the complete application (Art. 43).
- A refusal is in writing with its reason (``deny`` needs a reason; the applicant is told it).
- Once aid is granted, a lawyer is assigned within 3 days (``assign``, Art. 44). The lawyer — a partner, who
  sees only the cases assigned to them — accepts or declines; a decline sends the case back to be assigned
  again, with 3 more days.
- The lawyer records the stages (negotiation … enforcement) and closes the case with its outcome and each
  client's amounts awarded and recovered (the module's own form: ``conclude`` is a ``module_form`` step);
  closing writes the reward line of the lawyer's firm.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from gonghui.cases.models import State
from gonghui.cases.registry import Handler
from gonghui.cases.states import (
    APPLICANT,
    PARTNER_ACCEPT,
    PARTNER_DECLINE,
    PERM_DECIDE,
    PERM_HANDLE,
    STANDARD,
    Clock,
    Status,
    Transition,
    Workflow,
)

PERM_REPRESENT = "legal.represent"

GRANTED = "aid_granted"
REFUSED = "aid_refused"
ASSIGNED = "lawyer_assigned"
REPRESENTED = "represented"
CONCLUDED = "concluded"
TERMINATED = "terminated"

AID_WORKFLOW = STANDARD.extend(
    "legal_aid",
    states=(
        Status(GRANTED, "已决定援助"),
        Status(REFUSED, "不予援助", closed=True, rateable=True),
        Status(ASSIGNED, "已指派律师"),
        Status(REPRESENTED, "律师承办中"),
        Status(CONCLUDED, "已结案", closed=True, rateable=True),
        Status(TERMINATED, "已终止援助", closed=True, rateable=True),
    ),
    clocks=(
        Clock("decide", "审查决定时限", unit="calendar"),
        Clock("assign", "指派律师时限", unit="calendar"),
    ),
    transitions=(
        # the 7 days run from the complete application: a resubmission after completion starts them afresh
        Transition("submit", "提交申请", (State.DRAFT, State.RETURNED), State.SUBMITTED, by=APPLICANT, perm="",
                   title="提交申请", stamp="submitted_at", clocks={"start": "decide", "restart": "decide"},
                   done="申请已提交，工会将在7日内作出是否给予法律援助的决定。", notify_staff="staff_submitted"),
        Transition("return", "一次性告知补充材料", (State.SUBMITTED, State.ACCEPTED), State.RETURNED,
                   needs_fix=True, title="退回补充材料（一次性告知）", notify="returned", style="warning",
                   clocks={"pause": "decide"}),
        Transition("grant", "决定给予援助", (State.ACCEPTED,), GRANTED, perm=PERM_DECIDE,
                   title="决定给予法律援助", notify="granted", style="success", stamp="decided_at",
                   clocks={"stop": "decide", "start": "assign"}),
        Transition("refuse", "不予援助", (State.ACCEPTED,), REFUSED, perm=PERM_DECIDE,
                   needs_reason=True, title="决定不予法律援助", notify="refused", style="outline-danger",
                   stamp="decided_at"),
        Transition("assign_lawyer", "指派律师", (GRANTED,), ASSIGNED, perm=PERM_HANDLE,
                   needs_partner=PERM_REPRESENT, title="指派律师", notify="lawyer_assigned",
                   clocks={"stop": "assign"}),
        Transition("reassign_lawyer", "改派律师", (ASSIGNED, REPRESENTED), ASSIGNED, perm=PERM_DECIDE,
                   needs_partner=PERM_REPRESENT, title="改派律师", notify="lawyer_assigned",
                   style="outline-secondary"),
        Transition("lawyer_accept", "接受指派", (ASSIGNED,), REPRESENTED, perm=PERM_REPRESENT,
                   partner_answer=PARTNER_ACCEPT, title="律师接受指派", style="success"),
        Transition("lawyer_decline", "拒绝指派", (ASSIGNED,), GRANTED, perm=PERM_REPRESENT,
                   partner_answer=PARTNER_DECLINE, needs_reason=True, title="律师拒绝指派",
                   style="outline-danger", clocks={"restart": "assign"}),
        Transition("conclude", "结案", (REPRESENTED,), CONCLUDED, perm=PERM_REPRESENT, module_form=True,
                   title="结案", notify="concluded", style="success", stamp="closed_at"),
        Transition("terminate", "终止援助", (GRANTED, ASSIGNED, REPRESENTED), TERMINATED, perm=PERM_DECIDE,
                   needs_reason=True, title="终止法律援助", notify="terminated", style="outline-danger",
                   stamp="closed_at"),
    ),
    remove=("fulfil", "review", "approve", "deny"),
    messages={
        "granted": ("决定给予法律援助", "您申请的“{item}”（{number}）已决定给予法律援助，工会将在3日内为您指派律师。"),
        "refused": ("不予法律援助", "您申请的“{item}”（{number}）决定不予法律援助，理由：{reason}。"
                                 "如有异议，可向工会或司法行政部门提出。"),
        "lawyer_assigned": ("已指派律师", "您申请的“{item}”（{number}）已指派{assignee}承办，律师将与您联系。"),
        "concluded": ("案件已结案", "您的法律援助案件（{number}）已结案。{result}欢迎对本次服务进行评价。"),
        "terminated": ("终止法律援助", "您的法律援助案件（{number}）终止援助，理由：{reason}。"),
    },
)


class AidHandler(Handler):
    """The means test at submission (kept for the reviewer, who decides), the clients of the case, the
    lawyer's stages and the conclusion (services.py), and the case page's section."""

    def check_form(self, item, worker, form: dict) -> None:
        amount = form.get("amount")
        if amount is not None and str(amount) not in ("", "None") and float(amount) <= 0:
            raise ValidationError({"amount": "涉案金额应大于0。"})

    def on_step(self, case, step, source: str) -> None:
        from . import services

        services.on_step(case, step, source)

    def result_rows(self, case) -> list[tuple[str, str]]:
        from . import selectors

        return selectors.result_rows(case)

    def section(self, case, user, surface: str) -> dict | None:
        from . import views

        return views.case_section(case, user, surface)


# --- legal consultation -------------------------------------------------------------------------------------

ASKED = "asked"
ANSWERED = "answered"
CONSULT_CLOSED = "consult_closed"

CONSULT_WORKFLOW = Workflow(
    code="legal_consult",
    states=(
        Status(State.DRAFT, "草稿", editable=True),
        Status(ASKED, "待答复"),
        Status(ANSWERED, "已答复"),
        Status(CONSULT_CLOSED, "咨询结束", closed=True, rateable=True),
        Status(State.WITHDRAWN, "已撤回", closed=True),
    ),
    clocks=(Clock("answer", "答复时限"),),
    transitions=(
        # the question goes to a lawyer of the firm at once (services.consult_on_step); each follow-up gives
        # the lawyer the committed time again
        Transition("submit", "提交咨询", (State.DRAFT,), ASKED, by=APPLICANT, perm="", title="提出咨询",
                   stamp="submitted_at", clocks={"start": "answer"}, done="咨询已提交，律师会按承诺时限答复。"),
        Transition("answer", "答复", (ASKED,), ANSWERED, perm=PERM_REPRESENT, module_form=True, title="律师答复",
                   notify="answered", style="success", clocks={"stop": "answer"}),
        Transition("follow_up", "追问", (ANSWERED,), ASKED, by=APPLICANT, perm="", module_form=True, title="追问",
                   clocks={"restart": "answer"}),
        Transition("assign_lawyer", "改派律师", (ASKED,), ASKED, perm=PERM_HANDLE, needs_partner=PERM_REPRESENT,
                   title="改派律师", style="outline-secondary"),
        Transition("close", "问题已解决", (ANSWERED,), CONSULT_CLOSED, by=APPLICANT, perm="", stamp="closed_at",
                   title="咨询结束", done="感谢您的反馈，欢迎评价本次咨询。"),
        Transition("withdraw", "撤回咨询", (State.DRAFT, ASKED), State.WITHDRAWN, by=APPLICANT, perm="",
                   title="申请人撤回", style="outline-secondary", stamp="closed_at", done="咨询已撤回。",
                   confirm="确定撤回这项咨询吗？"),
    ),
    messages={
        "answered": ("律师已答复", "您的法律咨询（{number}）律师已答复，请登录“我的办件”查看；如有疑问可继续追问。"),
    },
)


class ConsultHandler(Handler):
    """A consultation goes to a lawyer when it is asked; the thread of questions and answers is the case
    page's section, with the forms to answer (the lawyer), to follow up and to turn it into a legal-aid
    application (the worker, or staff)."""

    def on_step(self, case, step, source: str) -> None:
        from . import services

        services.consult_on_step(case, step, source)

    def section(self, case, user, surface: str) -> dict | None:
        from . import views

        return views.consult_section(case, user, surface)


# --- the joint labour-dispute mediation centre ---------------------------------------------------------------

MEDIATING = "mediating"
PARTY_REFUSED = "party_refused"
AGREED = "agreed"
CONFIRMING = "confirming"
RULED = "ruled"
MEDIATION_FAILED = "mediation_failed"
MEDIATION_CLOSED = "mediation_closed"

MEDIATION_WORKFLOW = STANDARD.extend(
    "mediation",
    states=(
        Status(MEDIATING, "调解中"),
        Status(PARTY_REFUSED, "对方不同意调解", closed=True, rateable=True),
        Status(AGREED, "已达成协议"),
        Status(CONFIRMING, "司法确认中"),
        Status(RULED, "已司法确认", closed=True, rateable=True),
        Status(MEDIATION_FAILED, "调解不成", closed=True, rateable=True),
        Status(MEDIATION_CLOSED, "协议履行完毕", closed=True, rateable=True),
    ),
    clocks=(
        Clock("accept", "受理时限"),  # 3 working days (local procedures)
        Clock("mediate", "调解期限", unit="calendar"),  # 15 days (劳动争议调解仲裁法 Art. 14)
        Clock("confirm", "申请司法确认期限", unit="calendar"),  # 30 days (Civil Procedure Law Art. 205)
    ),
    transitions=(
        Transition("submit", "提交申请", (State.DRAFT, State.RETURNED), State.SUBMITTED, by=APPLICANT, perm="",
                   title="申请调解", stamp="submitted_at", clocks={"start": "accept", "resume": "accept"},
                   done="调解申请已提交，调解中心将在3个工作日内决定是否受理。", notify_staff="staff_submitted"),
        Transition("return", "退回补正", (State.SUBMITTED,), State.RETURNED, needs_fix=True,
                   title="退回补正（一次告知）", notify="returned", style="warning", clocks={"pause": "accept"}),
        Transition("accept", "受理（对方同意调解）", (State.SUBMITTED,), MEDIATING, title="受理调解申请",
                   notify="mediation_accepted", style="success", stamp="accepted_at",
                   clocks={"stop": "accept", "start": "mediate"}),
        Transition("not_accept", "不予受理", (State.SUBMITTED,), State.NOT_ACCEPTED, needs_reason=True,
                   notify="not_accepted", style="outline-danger", stamp="closed_at", clocks={"stop": "accept"}),
        Transition("party_refused", "对方不同意调解", (State.SUBMITTED,), PARTY_REFUSED, needs_reason=True,
                   title="对方当事人不同意调解", notify="party_refused", style="outline-danger", stamp="closed_at",
                   clocks={"stop": "accept"}),
        Transition("agree", "达成调解协议", (MEDIATING,), AGREED, module_form=True, title="达成调解协议",
                   notify="agreed", style="success", stamp="decided_at",
                   clocks={"stop": "mediate", "start": "confirm"}),
        Transition("fail", "调解不成", (MEDIATING,), MEDIATION_FAILED, needs_reason=True, title="调解不成，终止调解",
                   notify="mediation_failed", style="outline-danger", stamp="closed_at"),
        Transition("apply_confirmation", "申请司法确认", (AGREED,), CONFIRMING, title="双方共同申请司法确认",
                   style="outline-primary", clocks={"stop": "confirm"}),
        Transition("record_ruling", "登记法院裁定", (CONFIRMING,), RULED, title="法院作出确认裁定",
                   notify="ruled", style="success", stamp="closed_at"),
        Transition("close_agreement", "协议履行完毕", (AGREED,), MEDIATION_CLOSED, title="协议履行完毕，结案",
                   notify="mediation_closed", style="success", stamp="closed_at"),
    ),
    remove=("review", "approve", "deny", "fulfil"),
    messages={
        "mediation_accepted": ("调解申请已受理", "您的调解申请（{number}）已受理，调解期限为受理之日起{days}{unit}。"),
        "party_refused": ("对方不同意调解", "您的调解申请（{number}）因对方当事人不同意调解而终止：{reason}。"
                                         "您可以依法申请劳动争议仲裁。书面告知书可到调解中心领取或登录查看。"),
        "agreed": ("已达成调解协议", "您的调解申请（{number}）已达成调解协议，请按约定到调解中心签署协议书。"),
        "mediation_failed": ("调解不成", "您的调解申请（{number}）调解不成：{reason}。"
                                       "您可以依法向劳动人事争议仲裁委员会申请仲裁，调解中心已出具告知书。"),
        "ruled": ("法院已作出确认裁定", "您的调解协议（{number}）法院已作出裁定。{result}"),
        "mediation_closed": ("调解协议已履行", "您的调解申请（{number}）协议已履行完毕，欢迎对本次服务进行评价。"),
    },
)


class MediationHandler(Handler):
    """Where a request goes (its district, by the applicant's town, and the district's least busy officer),
    the representatives of a dispute of 10 or more workers, the agreement and its payments, the notices."""

    def check_form(self, item, worker, form: dict) -> None:
        from . import mediation

        mediation.check_representatives(form)

    def on_step(self, case, step, source: str) -> None:
        from . import mediation

        mediation.on_step(case, step, source)

    def result_rows(self, case) -> list[tuple[str, str]]:
        from gonghui.cases.registry import step_field_rows

        rows = [("调解片区", case.result["district"])] if (case.result or {}).get("district") else []
        return rows + step_field_rows(case.item, case.result or {})

    def section(self, case, user, surface: str) -> dict | None:
        from . import views

        return views.mediation_section(case, user, surface)
