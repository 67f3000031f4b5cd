"""What the modules register on the case engine: service items, workflows and one handler per item.

A module registers in its ``AppConfig.ready()``::

    from gonghui.cases.registry import Handler, registry

    registry.workflow(MY_WORKFLOW)                 # if its items need states or steps of their own
    registry.declare(Item(code="legal_aid", workflow="legal_aid", …))
    registry.attach("legal_aid", LegalAidHandler())

The registry is frozen once the apps are ready (the first read after that freezes it; a registration
afterwards raises). ``problems()`` is the Django system check (``cases.E001`` …) that refuses at start-up:
two handlers for one item, an item of an unknown workflow or with a clock its workflow does not know, a
step from or to an unknown state, a clock effect on an unknown clock, an unknown permission, a message
that names an unknown placeholder or a step that sends a message no template defines.
"""

from __future__ import annotations

import contextlib
import string
from collections.abc import Callable

from django.core import checks

from .catalogue import Item, check_declaration, effective_clocks
from .states import APPLICANT, CLOCK_ACTIONS, EVERY_CLOCK, PLACEHOLDERS, STAFF, STANDARD, Workflow


class Handler:
    """The module code of one service item. Every method is optional; the defaults do nothing.

    - ``eligibility(case)`` runs before the applicant's submission and raises ``ValidationError`` to refuse;
    - ``calculate(case, step)`` runs at every step declared with ``calculate=True`` (before the write) and
      returns a dict stored in ``case.result`` (e.g. the amount), or None;
    - ``on_step(case, step, source)`` runs inside the transaction of every step, after the state moved: a
      module reserves or releases what the case holds there (``step`` is the ``Transition``);
      ``on_step_by(case, step, source, actor)`` is the same with the user who took the step;
    - ``section(case, user, surface)`` returns ``{"template": …, **context}`` for a part of the case page
      of its own (``surface`` is ``"m"`` or ``"desk"``), or None;
    - ``actions(case, user, surface)`` returns extra links for the case page: ``[(label, url)]``;
    - ``result_rows(case)`` says what ``case.result`` holds, as the module words it: ``[(label, shown)]``
      (the pages never print the stored dict itself);
    - ``form_fields(item, worker)`` the form as this worker sees it (e.g. only the products they may claim),
      or None for the item's fields; ``unavailable(item, worker)`` why this worker cannot apply at all
      (said before any form or material is asked), or ""; ``check_form(item, worker, form)`` refuses, with
      ``ValidationError``, a form this worker cannot apply with — each time the form is saved, so that the
      worker learns it before uploading materials;
    - ``check_step(case, step, actor)`` refuses, with ``ValidationError``, a step the module's rules forbid
      now (a review asked after its window closed), before anything is written;
    - ``clock_applies(case, key)`` whether a clock a step starts applies to this case (a hotline order
      runs only the clock of its difficulty); ``on_extend(case, clock, actor)`` runs inside the
      transaction of an extension (a notice in writing to the applicant);
    - ``self_service`` (an attribute) whether workers apply themselves; ``handling_org(item, worker, form)``
      the handling organisation of a new case when the module decides it;
    - ``on_view(case, user, surface)`` runs when staff open the case (a petition's every view is audited);
      ``identity_shown(case, user, surface)`` whether the applicant's name is shown to ``user`` on the
      queue, the case page and the API (``surface`` ``"export"``: in a spreadsheet), else it is masked.
    """

    def check_step(self, case, step, actor) -> None:
        return None

    def clock_applies(self, case, key: str) -> bool:
        return True

    def on_extend(self, case, clock, actor) -> None:
        return None

    def on_view(self, case, user, surface: str) -> None:
        return None

    # a worker may apply for the item themselves (/m/, the API); else staff register every case of it (a
    # hotline work order is logged while the caller talks)
    self_service = True

    def handling_org(self, item, worker, form: dict):
        """The organisation that handles a new case, when the module decides it (else None: the item's
        handling level above the applicant's union)."""
        return None

    # the applicant's identity is private to those who handle the case (a petition): ``identity_shown`` then
    # shows it to the handling organisation's own staff and the assignee only, and never in a spreadsheet
    identity_private = False

    def identity_shown(self, case, user, surface: str) -> bool:
        if not self.identity_private:
            return True
        if surface == "export" or user is None:
            return False
        return case.org_id == getattr(user, "org_id", None) or (
            case.assigned_to_id is not None and case.assigned_to_id == user.pk)

    def identity_known_q(self, user):
        """A ``Q`` over cases for those whose applicant ``user`` knows besides the handlers' (petitions: the
        union that registered it), or None; the engine applies it (cases.services.identity_shown, one query
        for a whole list in ``applicant_labels``; cases.selectors.identity_visible)."""
        return None

    def eligibility(self, case) -> None:
        return None

    def calculate(self, case, step) -> dict | None:
        return None

    def on_step(self, case, step, source: str) -> None:
        return None

    def on_step_by(self, case, step, source: str, actor) -> None:
        """``on_step`` for a module that records who took the step (a grant in the aid ledger, say)."""
        return self.on_step(case, step, source)

    def section(self, case, user, surface: str) -> dict | None:
        return None

    def actions(self, case, user, surface: str) -> list[tuple[str, str]]:
        return []

    def form_fields(self, item, worker) -> list[dict] | None:
        return None

    def unavailable(self, item, worker) -> str:
        return ""

    def check_form(self, item, worker, form: dict) -> None:
        return None

    def result_rows(self, case) -> list[tuple[str, str]]:
        """By default the amount a step recorded (``needs_amount``) and what staff recorded at the item's
        steps (``Item.step_fields``), by their labels."""
        result = case.result or {}
        rows = [("金额", f"{result['amount']} 元")] if result.get("amount") else []
        return rows + step_field_rows(case.item, result)


def step_field_rows(item, result: dict) -> list[tuple[str, str]]:
    """``(label, value)`` of what staff recorded at the item's steps, in the declared order."""
    declared = registry.declared().get(item.code if hasattr(item, "code") else item)
    rows = []
    for specs in (declared.step_fields if declared else {}).values():
        for spec in specs:
            if result.get(spec["key"]) not in (None, ""):
                rows.append((spec["label"], str(result[spec["key"]])))
    return rows


NO_HANDLER = Handler()


class Registry:
    def __init__(self):
        self.items: dict[str, Item] = {}
        self.workflows: dict[str, Workflow] = {STANDARD.code: STANDARD}
        self.handlers: dict[str, list[Handler]] = {}
        self.frozen = False
        self.is_ready: Callable[[], bool] = _apps_ready

    # --- registration ---------------------------------------------------------------------------------

    def _writable(self) -> None:
        if self.frozen:
            raise RuntimeError("the case registry is frozen: register in AppConfig.ready()")

    def declare(self, item: Item) -> None:
        self._writable()
        check_declaration(item)
        if item.code in self.items and self.items[item.code] != item:
            raise ValueError(f"service item {item.code!r} declared twice")
        self.items[item.code] = item

    def workflow(self, workflow: Workflow) -> Workflow:
        self._writable()
        if workflow.code in self.workflows and self.workflows[workflow.code] != workflow:
            raise ValueError(f"workflow {workflow.code!r} registered twice")
        self.workflows[workflow.code] = workflow
        return workflow

    def attach(self, item_code: str, handler: Handler) -> None:
        """One handler per item (a second one is reported by the system check, never silently kept)."""
        self._writable()
        self.handlers.setdefault(item_code, []).append(handler)

    @contextlib.contextmanager
    def temporarily(self):
        """For tests: register more inside the ``with`` block; everything is as it was afterwards."""
        saved = (dict(self.items), dict(self.workflows), {k: list(v) for k, v in self.handlers.items()},
                 self.frozen)
        self.frozen = False
        try:
            yield self
        finally:
            self.items, self.workflows, self.handlers, self.frozen = saved

    # --- reading (freezes) ----------------------------------------------------------------------------

    def _read(self) -> None:
        if not self.frozen and self.is_ready():
            self.frozen = True

    def _code(self, item) -> str:
        return item if isinstance(item, str) else item.code

    def workflow_for(self, item) -> Workflow:
        """The workflow of a service item (a ``ServiceItem`` row, an ``Item`` or a code); items the code
        does not declare (added in the admin) follow the standard workflow."""
        self._read()
        declared = self.items.get(self._code(item))
        return self.workflows.get(declared.workflow, STANDARD) if declared else STANDARD

    def staff_only_items(self) -> list[str]:
        """The items staff register and workers do not apply for themselves (``Handler.self_service``)."""
        return sorted(code for code, found in self.handlers.items() if found and not found[0].self_service)

    def private_identity_items(self) -> list[str]:
        """The items whose applicant's identity only their handlers see (``Handler.identity_private``)."""
        return sorted(code for code, found in self.handlers.items() if found and found[0].identity_private)

    def handler_for(self, item) -> Handler:
        self._read()
        found = self.handlers.get(self._code(item))
        return found[0] if found else NO_HANDLER

    def declared(self) -> dict[str, Item]:
        self._read()
        return dict(self.items)

    def state_label(self, state: str, item=None) -> str:
        if item is not None:
            return self.workflow_for(item).label(state)
        for workflow in self.workflows.values():
            found = workflow.state(state)
            if found:
                return found.label
        return state

    def closed_states(self) -> tuple[str, ...]:
        """Every state in which a case of some workflow has ended (the open queue leaves them out)."""
        return tuple(sorted({s for w in self.workflows.values() for s in w.closed_states}))

    def state_choices(self) -> list[tuple[str, str]]:
        """``(name, label)`` of every state of every workflow, the standard ones first."""
        seen: dict[str, str] = {}
        for workflow in [STANDARD, *self.workflows.values()]:
            for state in workflow.states:
                seen.setdefault(state.name, state.label)
        return list(seen.items())

    # --- the system check -------------------------------------------------------------------------------

    def problems(self) -> list[checks.CheckMessage]:
        errors: list[checks.CheckMessage] = []

        def error(code: int, msg: str, obj: str) -> None:
            errors.append(checks.Error(msg, obj=obj, id=f"cases.E{code:03d}"))

        known_perms = _known_permissions()
        for workflow in self.workflows.values():
            self._check_workflow(workflow, known_perms, error)
        labels: dict[str, str] = {}
        for workflow in self.workflows.values():
            for state in workflow.states:
                if labels.setdefault(state.name, state.label) != state.label:
                    error(9, f"state {state.name!r} has two labels ({labels[state.name]!r}, {state.label!r})",
                          workflow.code)
        for code, handlers in self.handlers.items():
            if len(handlers) > 1:
                error(1, f"{len(handlers)} handlers are attached to the service item {code!r}: one item, one handler",
                      code)
            if code not in self.items:
                error(2, f"a handler is attached to {code!r}, which no module declares", code)
        for item in self.items.values():
            workflow = self.workflows.get(item.workflow)
            if workflow is None:
                error(3, f"service item {item.code!r} follows the unknown workflow {item.workflow!r}", item.code)
                continue
            for clock in effective_clocks(item.clocks, item.time_limit_days):
                if workflow.clock(clock["key"]) is None:
                    error(4, f"service item {item.code!r} has the clock {clock['key']!r}, which the workflow "
                             f"{workflow.code!r} does not know", item.code)
            for key, body in (item.templates or {}).items():
                _check_template(f"{item.code}.templates[{key}]", body, error)
            for step in item.step_fields:
                if workflow.step(step) is None:
                    error(5, f"service item {item.code!r} records fields at the unknown step {step!r}", item.code)
        return errors

    def _check_workflow(self, workflow: Workflow, known_perms: set[str] | None, error) -> None:
        names = {s.name for s in workflow.states}
        clocks = {c.key for c in workflow.clocks}
        where = f"workflow {workflow.code}"
        if workflow.initial not in names:
            error(5, f"{where}: the initial state {workflow.initial!r} is not one of its states", workflow.code)
        for step in workflow.transitions:
            for state in (*step.sources, step.target):
                if state not in names:
                    error(5, f"{where}: step {step.name!r} leads from or to the unknown state {state!r}",
                          workflow.code)
            for action, key in step.clocks:
                if action not in CLOCK_ACTIONS:
                    error(6, f"{where}: step {step.name!r} has the unknown clock action {action!r}", workflow.code)
                if key != EVERY_CLOCK and key not in clocks:
                    error(6, f"{where}: step {step.name!r} acts on the unknown clock {key!r}", workflow.code)
            if step.by not in (STAFF, APPLICANT):
                error(7, f"{where}: step {step.name!r} is taken by {step.by!r} (staff or applicant)", workflow.code)
            if step.by == STAFF and not step.perm:
                error(7, f"{where}: staff step {step.name!r} names no permission", workflow.code)
            for perm in (step.perm, step.needs_partner):
                if perm and known_perms is not None and perm not in known_perms:
                    error(7, f"{where}: step {step.name!r} needs the unknown permission {perm!r}", workflow.code)
            if step.partner_answer not in ("", "accept", "decline"):
                error(7, f"{where}: step {step.name!r} answers an assignment with {step.partner_answer!r} "
                         "(accept or decline)", workflow.code)
            for key in (step.notify, step.notify_staff):
                if key and key not in workflow.messages:
                    error(8, f"{where}: step {step.name!r} sends the message {key!r}, which no template defines",
                          workflow.code)
        for key, (_title, body) in workflow.messages.items():
            _check_template(f"{where}.messages[{key}]", body, error)


def _check_template(where: str, body: str, error) -> None:
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(body) if name is not None}
    except ValueError as exc:
        error(8, f"{where}: the message template is malformed ({exc})", where)
        return
    for name in sorted(names - set(PLACEHOLDERS)):
        error(8, f"{where}: the message template names the unknown placeholder {{{name}}} "
                 f"(known: {', '.join(sorted(PLACEHOLDERS))})", where)


def _known_permissions() -> set[str] | None:
    """``app_label.codename`` of every permission the installed models declare (None before the apps)."""
    from django.apps import apps

    if not apps.ready:
        return None
    perms = set()
    for model in apps.get_models():
        opts = model._meta
        for codename, _ in opts.permissions:
            perms.add(f"{opts.app_label}.{codename}")
        for action in opts.default_permissions:
            perms.add(f"{opts.app_label}.{action}_{opts.model_name}")
    return perms


def _apps_ready() -> bool:
    from django.apps import apps

    return apps.ready


registry = Registry()


@checks.register("gonghui")
def check_registry(app_configs=None, **kwargs):
    return registry.problems()
