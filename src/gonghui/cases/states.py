"""The state machine shared by every module: which step leads from which states to which, who takes it,
and what it needs. A module adds or replaces steps for its own items through ``catalogue.Hooks``."""

from __future__ import annotations

from dataclasses import dataclass

from .models import State

APPLICANT = "applicant"
STAFF = "staff"

PERM_VIEW = "cases.view_case"
PERM_HANDLE = "cases.handle_case"
PERM_DECIDE = "cases.decide_case"
PERM_ON_BEHALF = "cases.file_on_behalf"
PERM_EXTEND = "cases.extend_deadline"


@dataclass(frozen=True)
class Transition:
    name: str
    label: str  # the button
    sources: tuple[str, ...]
    target: str
    by: str = STAFF
    perm: str = PERM_HANDLE
    needs_reason: bool = False
    needs_fix: bool = False
    title: str = ""  # the timeline's wording; the button's when empty
    notify: str = ""  # the message template sent to the applicant, if any
    style: str = "primary"
    stamp: str = ""  # the Case datetime field set when taking this step

    @property
    def event_title(self) -> str:
        return self.title or self.label


BASE = (
    Transition("submit", "提交申请", (State.DRAFT, State.RETURNED), State.SUBMITTED, by=APPLICANT, perm="",
               title="提交申请", stamp="submitted_at"),
    Transition("accept", "受理", (State.SUBMITTED,), State.ACCEPTED, title="已受理", notify="accepted",
               style="success", stamp="accepted_at"),
    Transition("return", "退回补正", (State.SUBMITTED, State.ACCEPTED, State.IN_REVIEW), State.RETURNED,
               needs_fix=True, title="退回补正（一次告知）", notify="returned", style="warning"),
    Transition("not_accept", "不予受理", (State.SUBMITTED,), State.NOT_ACCEPTED, needs_reason=True,
               notify="not_accepted", style="outline-danger", stamp="closed_at"),
    Transition("review", "开始审核", (State.ACCEPTED,), State.IN_REVIEW, title="进入审核", style="outline-primary"),
    Transition("approve", "核准", (State.ACCEPTED, State.IN_REVIEW), State.APPROVED, perm=PERM_DECIDE,
               title="审核通过", notify="approved", style="success", stamp="decided_at"),
    Transition("deny", "不予核准", (State.ACCEPTED, State.IN_REVIEW), State.DENIED, perm=PERM_DECIDE,
               needs_reason=True, title="未予核准", notify="denied", style="outline-danger", stamp="decided_at"),
    Transition("fulfil", "办结", (State.APPROVED,), State.FULFILLED, title="已办结", notify="fulfilled",
               style="success", stamp="closed_at"),
    Transition("withdraw", "撤回申请", (State.DRAFT, State.SUBMITTED, State.ACCEPTED, State.IN_REVIEW, State.RETURNED),
               State.WITHDRAWN, by=APPLICANT, perm="", title="申请人撤回", style="outline-secondary",
               stamp="closed_at"),
)


def transitions_for(item) -> dict[str, Transition]:
    """The steps of ``item``: the shared ones, with its module's additions and replacements."""
    from .catalogue import hooks

    steps = {t.name: t for t in BASE}
    for extra in hooks(item.module).transitions:
        steps[extra.name] = extra
    return steps


def state_label(state: str) -> str:
    try:
        return State(state).label
    except ValueError:
        return state
