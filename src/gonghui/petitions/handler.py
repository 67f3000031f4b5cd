"""Petitions and hotline orders on the case engine: their workflows and handlers.

Petition (信访工作条例, 2022), every period in calendar days, a period whose last day is a rest day or a
public holiday ending on the next working day (Civil Code Art. 203; cases.clocks):

- registered (登记, ``submit``) → the written notice whether it is accepted within 15 days (``notice``);
- transferred (转送) to the competent union before acceptance: the receiver's 15 days start afresh;
- accepted (受理) → handled within 60 days (``handle``), extendable once by at most 30 days with the reason
  told (the engine's extension; a notice in writing goes with it); assigned (交办) to a union below with a
  date to report by; or referred (转有权机关) to the labour inspectorate, a court …, with a referral letter;
- replied (答复) → the petitioner may ask for a review (复查) within 30 days of the reply, answered within
  30 days (``review``) by the union above the one that replied; likewise a re-review (复核, ``rereview``);
  after it the same facts are not accepted again. The petitioner asks on /m/ (or the clerk who registered
  the petition on their behalf, as the engine's on-behalf steps allow).

Hotline work order (12351): logged while the caller talks, dispatched (派单) to the competent union,
answered within the working days of its difficulty (``ordinary`` 3, ``difficult`` 13, ``complex`` 30: the
item's clocks, editable in the catalogue), and called back within 1 working day of the answer (``callback``),
the caller's satisfaction recorded.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from gonghui.cases.models import State
from gonghui.cases.registry import Handler
from gonghui.cases.states import APPLICANT, PERM_DECIDE, STANDARD, Clock, Status, Transition

REGISTERED = State.SUBMITTED
REFERRED = "referred"
REPLIED = "replied"
REVIEW = "review"
REVIEWED = "reviewed"
REREVIEW = "rereview"
FINAL = "final"

DISPATCHED = "dispatched"
ANSWERED = "handled"
CALLED_BACK = "called_back"

REVIEW_WINDOW_DAYS = 30

PETITION_WORKFLOW = STANDARD.extend(
    "petition",
    states=(
        Status(REFERRED, "已转有权机关", closed=True),
        Status(REPLIED, "已答复", closed=True, rateable=True),
        Status(REVIEW, "复查中"),
        Status(REVIEWED, "已复查", closed=True, rateable=True),
        Status(REREVIEW, "复核中"),
        Status(FINAL, "已复核（终结）", closed=True, rateable=True),
    ),
    clocks=(
        Clock("notice", "告知是否受理", unit="calendar"),
        Clock("handle", "办理期限", unit="calendar"),
        Clock("review", "复查期限", unit="calendar"),
        Clock("rereview", "复核期限", unit="calendar"),
    ),
    transitions=(
        Transition("submit", "提交信访事项", (State.DRAFT,), State.SUBMITTED, by=APPLICANT, perm="",
                   title="登记信访事项", stamp="submitted_at", clocks={"start": "notice"},
                   done="信访事项已提交，工会将在15日内书面告知是否受理。", notify_staff="staff_submitted"),
        Transition("accept", "受理", (State.SUBMITTED,), State.ACCEPTED, title="受理信访事项", notify="accepted",
                   style="success", stamp="accepted_at", clocks={"stop": "notice", "start": "handle"}),
        Transition("not_accept", "不予受理", (State.SUBMITTED,), State.NOT_ACCEPTED, needs_reason=True,
                   title="不予受理", notify="not_accepted", style="outline-danger", stamp="closed_at"),
        Transition("transfer", "转送", (State.SUBMITTED,), State.SUBMITTED, module_form=True, title="转送",
                   style="outline-primary", clocks={"restart": "notice"}),
        Transition("assign_down", "交办", (State.ACCEPTED,), State.ACCEPTED, module_form=True, title="交办",
                   style="outline-primary"),
        Transition("refer", "转有权机关", (State.SUBMITTED,), REFERRED, module_form=True, title="转有权机关处理",
                   notify="referred", style="outline-secondary", stamp="closed_at"),
        Transition("reply", "答复", (State.ACCEPTED,), REPLIED, module_form=True, title="出具答复意见",
                   notify="replied", style="success", stamp="closed_at"),
        Transition("request_review", "申请复查", (REPLIED,), REVIEW, by=APPLICANT, perm="", title="申请复查",
                   clocks={"start": "review"}, done="复查申请已提交，上一级工会将在30日内提出复查意见。",
                   confirm="对答复意见不服，申请复查吗？", notify_staff="staff_review"),
        Transition("answer_review", "出具复查意见", (REVIEW,), REVIEWED, module_form=True, perm=PERM_DECIDE,
                   title="出具复查意见", notify="reviewed", style="success", stamp="closed_at"),
        Transition("request_rereview", "申请复核", (REVIEWED,), REREVIEW, by=APPLICANT, perm="", title="申请复核",
                   clocks={"start": "rereview"}, done="复核申请已提交，将在30日内提出复核意见。",
                   confirm="对复查意见不服，申请复核吗？", notify_staff="staff_review"),
        Transition("answer_rereview", "出具复核意见", (REREVIEW,), FINAL, module_form=True, perm=PERM_DECIDE,
                   title="出具复核意见", notify="rereviewed", style="success", stamp="closed_at"),
        Transition("withdraw", "撤回信访事项", (State.DRAFT, State.SUBMITTED, State.ACCEPTED), State.WITHDRAWN,
                   by=APPLICANT, perm="", title="信访人撤回", style="outline-secondary", stamp="closed_at",
                   done="信访事项已撤回。", confirm="确定撤回这件信访事项吗？"),
    ),
    remove=("return", "review", "approve", "deny", "fulfil"),
    messages={
        "accepted": ("信访事项已受理", "您的信访事项（{number}）已受理，将自受理之日起60日内办结并书面答复。"
                                   "受理告知书可在“我的办件”中查看。"),
        "not_accepted": ("信访事项不予受理", "您的信访事项（{number}）不予受理，理由：{reason}。"
                                       "不予受理告知书可在“我的办件”中查看。"),
        "referred": ("信访事项已转有权机关", "您反映的事项（{number}）属于{reason}处理，已转送并书面告知。"),
        "replied": ("信访事项已答复", "您的信访事项（{number}）已出具答复意见书，请在“我的办件”中查看。"
                                  "对答复不服的，可自收到之日起30日内申请复查。"),
        "reviewed": ("复查意见", "您申请复查的信访事项（{number}）已出具复查意见书。"
                             "对复查意见不服的，可自收到之日起30日内申请复核。"),
        "rereviewed": ("复核意见", "您申请复核的信访事项（{number}）已出具复核意见书。复核意见为终结意见。"),
        "extended": ("信访事项办理期限延长", "您的信访事项（{number}）办理期限延长{extra}{unit}，理由：{reason}。"),
        "staff_submitted": ("新登记的信访事项", "{note}：信访事项（{number}），请在15日内告知是否受理。"),
        "staff_review": ("信访复查（复核）申请", "信访事项（{number}）申请复查（复核），请在30日内提出意见。"),
    },
)

HOTLINE_WORKFLOW = STANDARD.extend(
    "hotline",
    states=(
        Status(DISPATCHED, "已派单"),
        Status(ANSWERED, "已办复（待回访）"),
        Status(CALLED_BACK, "已回访办结", closed=True, rateable=True),
    ),
    clocks=(
        Clock("ordinary", "办理时限（一般）"),
        Clock("difficult", "办理时限（疑难）"),
        Clock("complex", "办理时限（复杂）"),
        Clock("callback", "回访时限"),
    ),
    transitions=(
        Transition("submit", "登记工单", (State.DRAFT,), State.SUBMITTED, by=APPLICANT, perm="", title="登记热线工单",
                   stamp="submitted_at", clocks={"start": ("ordinary", "difficult", "complex")},
                   done="工单已登记。"),
        Transition("dispatch", "派单", (State.SUBMITTED, DISPATCHED), DISPATCHED, module_form=True, title="派单",
                   style="outline-primary", stamp="accepted_at"),
        Transition("answer", "办复", (State.SUBMITTED, DISPATCHED), ANSWERED, title="办理答复", notify="answered",
                   style="success", stamp="decided_at",
                   clocks={"stop": ("ordinary", "difficult", "complex"), "start": "callback"}),
        Transition("call_back", "回访", (ANSWERED,), CALLED_BACK, title="回访", style="success", stamp="closed_at",
                   module_form=True),
        Transition("withdraw", "撤销工单", (State.DRAFT, State.SUBMITTED), State.WITHDRAWN, by=APPLICANT, perm="",
                   title="来电人撤销", style="outline-secondary", stamp="closed_at", confirm="确定撤销这张工单吗？"),
    ),
    remove=("accept", "not_accept", "return", "review", "approve", "deny", "fulfil"),
    messages={
        "answered": ("12351热线工单已办复", "您反映的问题（{number}）已办理答复：{result}工作人员将回访了解您的意见。"),
    },
)


class PetitionHandler(Handler):
    """The petition's record (channel, group, routing), its notices in writing, the review windows, the
    accusation rule, and the privacy of the petitioner (only those handling the case see who it is)."""

    identity_private = True

    def identity_known_q(self, user):
        """Also the union that registered it (the clerk who took the visit or the call, the hotline that
        calls back): they know who it is already."""
        from django.db.models import Q

        org_id = getattr(user, "org_id", None)
        return Q(petition__registered_org_id=org_id) if org_id else None

    def handling_org(self, item, worker, form):
        from . import services

        return services.online_handling_org(item, worker, form)

    def check_step(self, case, step, actor) -> None:
        from . import services

        services.check_step(case, step)

    def on_step_by(self, case, step, source: str, actor) -> None:
        from . import services

        services.on_step(case, step, source, actor)

    def on_extend(self, case, clock, actor) -> None:
        from . import services

        services.on_extend(case, clock, actor)

    def on_view(self, case, user, surface: str) -> None:
        from . import services

        services.viewed(case, user, surface)

    def section(self, case, user, surface: str) -> dict | None:
        from . import views

        return views.case_section(case, user, surface)

    def check_form(self, item, worker, form: dict) -> None:
        if not (form.get("facts") or "").strip():
            raise ValidationError({"facts": "请写明反映的事实和理由。"})


class HotlineHandler(PetitionHandler):
    """A work order: the clock of its difficulty; the call-back. Staff log every order (no self-service)."""

    self_service = False

    def clock_applies(self, case, key: str) -> bool:
        if key in ("ordinary", "difficult", "complex"):  # the form says the difficulty (its label)
            from .models import Difficulty

            chosen = next((v for v, label in Difficulty.choices if case.form.get("difficulty") in (v, label)),
                          Difficulty.ORDINARY)
            return key == chosen
        return True
