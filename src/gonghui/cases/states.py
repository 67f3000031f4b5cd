"""Workflows as data: the states a case passes through, the steps between them, who takes each step and
what it needs, what each step does to the item's clocks, and the messages it sends.

Every service item follows a ``Workflow``: the shared ``STANDARD`` one (draft → submitted → accepted →
in review → approved → fulfilled, with returned for completion, not accepted, denied and withdrawn), or
a module's own, usually ``STANDARD.extend(…)`` with states and steps of its own (legal aid's "assigned to
a lawyer", a petition's "under review"). The engine reads everything from here; no step name is special
to it:

- a ``Transition`` names its sources and target, who takes it (``by``: staff with ``perm``, or the
  applicant on /m/ and through the API), what it needs (a reason, a list of what to fix, an amount, an
  assignee, an attached document of a given material), its effect on the clocks (``clocks={"start":
  "*", "resume": "*"}``: action → clock keys, ``"*"`` for every clock of the item; ``restart`` counts a
  clock afresh from today, as the Legal Aid Law's 7 days run from the *complete* application), whether
  the item's
  handler computes a result at this step (``calculate=True``), and the message sent to the applicant;
- a ``Status`` says whether the case has ended there (every clock stops, the queue lets it go), whether
  the applicant may still edit the form and materials, and whether the applicant may rate the service;
- a ``Clock`` is a time limit the workflow knows (key, label, unit); an item picks the clocks it uses
  and their days in its declaration (``Item.clocks``);
- ``messages`` are the default templates of the workflow (title, body), which an item overrides in its
  declaration or the administrator in the admin. Placeholders: see ``PLACEHOLDERS``.

Stored state names are plain strings checked against the item's workflow, so a module's new state needs
no migration of the engine. The registry (cases.registry) checks every declaration at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .models import State

APPLICANT = "applicant"
STAFF = "staff"

PERM_VIEW = "cases.view_case"
PERM_HANDLE = "cases.handle_case"
PERM_DECIDE = "cases.decide_case"
PERM_ON_BEHALF = "cases.file_on_behalf"
PERM_EXTEND = "cases.extend_deadline"
PERM_DOCUMENT = "cases.add_document"

# what a partner's step answers about the assignment (``Transition.partner_answer``)
PARTNER_ACCEPT = "accept"
PARTNER_DECLINE = "decline"

CLOCK_ACTIONS = ("start", "pause", "resume", "stop", "restart")
EVERY_CLOCK = "*"
UNIT_WORDS = {"working": "个工作日", "calendar": "日"}

# what a message template may name (a template naming anything else is refused at start-up)
PLACEHOLDERS = {
    "item": "服务事项名称", "number": "办件编号", "reason": "原因", "fix": "补正内容", "days": "时限天数",
    "unit": "时限单位（个工作日/日）", "extra": "延长天数等附加数字", "amount": "金额", "assignee": "承办人",
    "applicant": "申请人姓名", "note": "附注（如：补正后重新提交）",
    "result": "办理结果（工作人员在该环节填写的内容，以“。”结尾；未填写时为空）",
}


@dataclass(frozen=True)
class Status:
    name: str
    label: str
    closed: bool = False  # the case has ended: every clock stops; not in the open queue
    editable: bool = False  # the applicant (or the on-behalf staff) may change the form and materials
    rateable: bool = False  # the applicant may rate the service here


@dataclass(frozen=True)
class Clock:
    key: str
    label: str
    unit: str = "working"  # or "calendar" (a period in days, Civil Code Art. 203)


def _effects(value) -> tuple[tuple[str, str], ...]:
    """``{"start": "*", "stop": ("accept",)}`` → ``(("start", "*"), ("stop", "accept"))``."""
    if isinstance(value, tuple) and all(isinstance(v, tuple) for v in value):
        return value
    out = []
    for action, keys in dict(value or {}).items():
        for key in ((keys,) if isinstance(keys, str) else tuple(keys)):
            out.append((action, key))
    return tuple(out)


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
    needs_amount: bool = False  # an amount in yuan, kept in ``case.result["amount"]``
    needs_assignee: bool = False  # a user who may handle the case becomes its assignee
    # a partner (e.g. a lawyer) is assigned the case: the permission their assignment-scoped role must give
    needs_partner: str = ""
    partner_answer: str = ""  # the assigned partner accepts ("accept") or declines ("decline") the assignment
    module_form: bool = False  # the module's section of the case page takes this step with a form of its own
    needs_document: str = ""  # a material key: an attachment of it must be on the case
    title: str = ""  # the timeline's wording; the button's when empty
    notify: str = ""  # the message template sent to the applicant, if any
    notify_staff: str = ""  # the message template sent to the handling centre's staff, if any
    style: str = "primary"
    stamp: str = ""  # the Case datetime field set when taking this step
    clocks: tuple = ()  # effects on the clocks, as {action: clock keys}; normalised to pairs
    calculate: bool = False  # the item's handler computes ``case.result`` at this step
    done: str = ""  # what the applicant is told after taking the step on /m/
    confirm: str = ""  # a question asked before the step is taken on /m/

    def __post_init__(self):
        object.__setattr__(self, "sources", tuple(self.sources))
        object.__setattr__(self, "clocks", _effects(self.clocks))

    @property
    def event_title(self) -> str:
        return self.title or self.label

    def keys_for(self, action: str) -> tuple[str, ...]:
        return tuple(key for act, key in self.clocks if act == action)


@dataclass(frozen=True)
class Workflow:
    code: str
    states: tuple[Status, ...]
    transitions: tuple[Transition, ...]
    clocks: tuple[Clock, ...] = ()
    messages: dict = field(default_factory=dict)  # key → (title, body)
    initial: str = State.DRAFT

    def state(self, name: str) -> Status | None:
        return next((s for s in self.states if s.name == name), None)

    def step(self, name: str) -> Transition | None:
        return next((t for t in self.transitions if t.name == name), None)

    def clock(self, key: str) -> Clock | None:
        return next((c for c in self.clocks if c.key == key), None)

    def label(self, state: str) -> str:
        found = self.state(state)
        return found.label if found else state

    @property
    def closed_states(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.states if s.closed)

    @property
    def editable_states(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.states if s.editable)

    def extend(self, code: str, *, states=(), transitions=(), clocks=(), messages=None, remove=()) -> Workflow:
        """A workflow of a module: this one with states, steps and clocks added or replaced (by name) and
        the steps named in ``remove`` taken out."""

        def merged(base, extra, key):
            out = {key(x): x for x in base}
            out.update({key(x): x for x in extra})
            return tuple(out.values())

        steps = tuple(t for t in merged(self.transitions, transitions, lambda t: t.name) if t.name not in remove)
        return replace(self, code=code, states=merged(self.states, states, lambda s: s.name), transitions=steps,
                       clocks=merged(self.clocks, clocks, lambda c: c.key),
                       messages={**self.messages, **(messages or {})})


OPEN_FOR_APPLICANT = (State.DRAFT, State.SUBMITTED, State.ACCEPTED, State.IN_REVIEW, State.RETURNED)

STANDARD = Workflow(
    code="standard",
    states=(
        Status(State.DRAFT, "草稿", editable=True),
        Status(State.SUBMITTED, "已提交"),
        Status(State.ACCEPTED, "已受理"),
        Status(State.IN_REVIEW, "审核中"),
        Status(State.APPROVED, "已核准"),
        Status(State.FULFILLED, "已办结", closed=True, rateable=True),
        Status(State.RETURNED, "待补正", editable=True),
        Status(State.NOT_ACCEPTED, "不予受理", closed=True, rateable=True),
        Status(State.DENIED, "未予核准", closed=True, rateable=True),
        Status(State.WITHDRAWN, "已撤回", closed=True),
    ),
    clocks=(
        Clock("accept", "受理时限"),
        Clock("finish", "承诺办结时限"),
    ),
    transitions=(
        # a first submission starts every clock of the item; a resubmission after completion resumes them
        Transition("submit", "提交申请", (State.DRAFT, State.RETURNED), State.SUBMITTED, by=APPLICANT, perm="",
                   title="提交申请", stamp="submitted_at", clocks={"start": EVERY_CLOCK, "resume": EVERY_CLOCK},
                   done="申请已提交，请留意办理进度和短信通知。", notify_staff="staff_submitted"),
        Transition("accept", "受理", (State.SUBMITTED,), State.ACCEPTED, title="已受理", notify="accepted",
                   style="success", stamp="accepted_at", clocks={"stop": "accept"}),
        Transition("return", "退回补正", (State.SUBMITTED, State.ACCEPTED, State.IN_REVIEW), State.RETURNED,
                   needs_fix=True, title="退回补正（一次告知）", notify="returned", style="warning",
                   clocks={"pause": EVERY_CLOCK}),
        Transition("not_accept", "不予受理", (State.SUBMITTED,), State.NOT_ACCEPTED, needs_reason=True,
                   notify="not_accepted", style="outline-danger", stamp="closed_at"),
        Transition("review", "开始审核", (State.ACCEPTED,), State.IN_REVIEW, title="进入审核",
                   style="outline-primary"),
        Transition("approve", "核准", (State.ACCEPTED, State.IN_REVIEW), State.APPROVED, perm=PERM_DECIDE,
                   title="审核通过", notify="approved", style="success", stamp="decided_at", calculate=True),
        Transition("deny", "不予核准", (State.ACCEPTED, State.IN_REVIEW), State.DENIED, perm=PERM_DECIDE,
                   needs_reason=True, title="未予核准", notify="denied", style="outline-danger", stamp="decided_at"),
        Transition("fulfil", "办结", (State.APPROVED,), State.FULFILLED, title="已办结", notify="fulfilled",
                   style="success", stamp="closed_at"),
        Transition("withdraw", "撤回申请", OPEN_FOR_APPLICANT, State.WITHDRAWN, by=APPLICANT, perm="",
                   title="申请人撤回", style="outline-secondary", stamp="closed_at", done="申请已撤回。",
                   confirm="确定撤回这项申请吗？"),
    ),
    messages={
        "accepted": ("已受理", "您申请的“{item}”（{number}）已受理，承诺{days}{unit}内办结。"),
        "returned": ("需要补正", "您申请的“{item}”（{number}）需要补正：{fix}。请登录“我的办件”一次补齐后重新提交。"),
        "approved": ("审核通过", "您申请的“{item}”（{number}）已审核通过。"),
        "fulfilled": ("已办结", "您申请的“{item}”（{number}）已办结，欢迎对本次服务进行评价。"),
        "not_accepted": ("不予受理", "您申请的“{item}”（{number}）不予受理，原因：{reason}。"),
        "denied": ("未予核准", "您申请的“{item}”（{number}）未予核准，原因：{reason}。"),
        "extended": ("办理时限延长", "您申请的“{item}”（{number}）办理时限延长{extra}{unit}，理由：{reason}。"),
        # to the handling centre's staff
        "staff_submitted": ("待受理的办件", "{note}：“{item}”（{number}），申请人{applicant}，请及时受理。"),
        "staff_poor_rating": ("差评待回访", "“{item}”（{number}）收到差评：{reason}。请尽快回访申请人。"),
    },
)

def state_label(state: str, item=None) -> str:
    from .registry import registry

    return registry.state_label(state, item)
