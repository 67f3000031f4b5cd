"""The context of an action (core.context): the web middleware sets it per request, so services that do
not take the request still audit the client's address; outside a request nothing leaks between callers."""

import pytest
from django.test import Client

from gonghui.cases import services
from gonghui.core import context
from gonghui.core.models import AuditLog

pytestmark = pytest.mark.django_db


def test_a_step_taken_on_a_page_is_audited_with_the_clients_address(staff, people, worker_user):
    from gonghui.cases.models import ServiceItem
    from tests.cases.conftest import png, ticket_form

    user = worker_user("王芳")
    case = services.case_create(actor=user, item=ServiceItem.objects.get(code="ticket_home"),
                                data=ticket_form(people["王芳"]))
    for material in ("id_card", "employment"):
        services.attachment_add(actor=user, case=case, material=material, name="x.png", data=png())
    services.transition(actor=user, case=case, name="submit")
    client = Client(REMOTE_ADDR="203.0.113.9")
    client.force_login(staff["qingyang_staff"])
    client.post(f"/desk/cases/{case.number}/step/accept/")
    row = AuditLog.objects.filter(action="cases.transition.accept").latest("seq")
    assert row.ip == "203.0.113.9"
    assert context.current() == context.Context()  # the request's context ended with it


def test_a_context_holds_for_its_block_only():
    with context.acting(context.Context(address="198.51.100.7", channel="command")):
        assert context.current().address == "198.51.100.7"
        context.second_factor_passed(1.0)  # outside a web request: no effect
        assert context.current().second_factor_at is None
    assert context.current().address is None
