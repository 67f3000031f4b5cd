"""The registry of items, workflows and handlers refuses a broken declaration at start-up (Django's
system check), one problem at a time; and it is frozen once the apps are ready."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from gonghui.cases.catalogue import Item
from gonghui.cases.registry import Handler, Registry, registry
from gonghui.cases.states import STANDARD, Clock, Transition

ITEM = {"code": "sample", "prefix": "YBSX", "name": "示例事项", "module": "sample", "category": "其他",
        "time_limit_days": 5}


def problems(build) -> list[str]:
    fresh = Registry()
    fresh.is_ready = lambda: False
    build(fresh)
    return [f"{p.id}: {p.msg}" for p in fresh.problems()]


def test_the_shipped_declarations_pass_the_check(db):
    assert registry.problems() == []
    call_command("check")  # raises SystemCheckError on an error


def test_a_sound_module_passes(db):
    def build(r):
        r.workflow(STANDARD.extend("sample", clocks=(Clock("reply", "答复时限", unit="calendar"),),
                                   transitions=(Transition("reply", "答复", ("accepted",), "approved",
                                                           clocks={"stop": "reply"}),)))
        r.declare(Item(**ITEM, workflow="sample", clocks=[{"key": "reply", "label": "答复时限", "days": 60}]))
        r.attach("sample", Handler())

    assert problems(build) == []


def test_two_handlers_for_one_item_are_refused(db):
    def build(r):
        r.declare(Item(**ITEM))
        r.attach("sample", Handler())
        r.attach("sample", Handler())

    assert problems(build) == ["cases.E001: 2 handlers are attached to the service item 'sample': one item, one handler"]


def test_a_step_to_an_unknown_state_is_refused(db):
    def build(r):
        r.workflow(STANDARD.extend("sample", transitions=(Transition("mediate", "调解", ("accepted",), "mediating"),)))

    assert problems(build) == [
        "cases.E005: workflow sample: step 'mediate' leads from or to the unknown state 'mediating'"]


def test_a_clock_effect_on_an_unknown_clock_is_refused(db):
    def build(r):
        r.workflow(STANDARD.extend("sample", transitions=(
            Transition("accept", "受理", ("submitted",), "accepted", clocks={"stop": "reply"}),)))

    assert problems(build) == ["cases.E006: workflow sample: step 'accept' acts on the unknown clock 'reply'"]


def test_an_item_with_a_clock_its_workflow_does_not_know_is_refused(db):
    def build(r):
        r.declare(Item(**ITEM, clocks=[{"key": "reply", "label": "答复时限", "days": 60}]))

    assert problems(build) == [
        "cases.E004: service item 'sample' has the clock 'reply', which the workflow 'standard' does not know"]


def test_an_unknown_permission_is_refused(db):
    def build(r):
        r.workflow(STANDARD.extend("sample", transitions=(
            Transition("approve", "核准", ("accepted",), "approved", perm="cases.sign_off"),)))

    assert problems(build) == ["cases.E007: workflow sample: step 'approve' needs the unknown permission 'cases.sign_off'"]


def test_a_message_naming_an_unknown_placeholder_is_refused(db):
    def build(r):
        r.workflow(STANDARD.extend("sample", messages={"accepted": ("已受理", "{item}已受理，请于{deadline}前补交。")}))
        r.declare(Item(**ITEM, templates={"denied": "未予核准：{why}"}))

    found = problems(build)
    assert len(found) == 2 and all(p.startswith("cases.E008") for p in found)
    assert "workflow sample.messages[accepted]: the message template names the unknown placeholder {deadline}" in found[0]
    assert "sample.templates[denied]: the message template names the unknown placeholder {why}" in found[1]


def test_an_item_of_an_unknown_workflow_is_refused(db):
    assert problems(lambda r: r.declare(Item(**ITEM, workflow="legal"))) == [
        "cases.E003: service item 'sample' follows the unknown workflow 'legal'"]


def test_the_check_runs_at_start_up(db):
    """``manage.py check`` (and every server start) stops on such a problem."""
    with registry.temporarily():
        registry.attach("ticket_home", Handler())
        registry.attach("ticket_home", Handler())
        with pytest.raises(SystemCheckError, match=r"cases\.E001"):
            call_command("check")


def test_the_registry_is_frozen_once_the_apps_are_ready(db):
    registry.workflow_for("ticket_home")  # a read after start-up
    with pytest.raises(RuntimeError, match="frozen"):
        registry.attach("ticket_home", Handler())
