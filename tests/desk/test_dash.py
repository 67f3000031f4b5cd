"""/dash/, the leaders' home: the panels the modules registered, with figures of the user's own subtree,
each number a link to what it counts."""

import pytest
from django.test import Client

from gonghui.cases import services

pytestmark = pytest.mark.django_db


def _page(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get("/dash/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_home_lists_the_registered_panels_with_scoped_figures(staff, people, worker_user):
    from gonghui.cases.models import ServiceItem
    from tests.cases.conftest import png, ticket_form

    ticket = ServiceItem.objects.get(code="ticket_home")
    user = worker_user("王芳")
    case = services.case_create(actor=user, item=ticket, data=ticket_form(people["王芳"]))
    for material in ("id_card", "employment"):
        services.attachment_add(actor=user, case=case, material=material, name="x.png", data=png())
    services.transition(actor=user, case=case, name="submit")

    qingyang = _page(staff["qingyang_staff"])
    assert 'data-testid="panel-cases"' in qingyang and 'data-testid="panel-mutual_aid"' in qingyang
    assert '<a href="/desk/cases/" class="text-decoration-none">1</a>' in qingyang  # 1 open case in 青阳
    meiling = _page(staff["meiling_staff"])
    assert '<a href="/desk/cases/" class="text-decoration-none">0</a>' in meiling  # none of 青阳's


def test_a_user_without_the_right_sees_no_panel(staff, grant):
    from gonghui.accounts.models import Role, RoleAssignment

    user = grant(staff["meiling_staff"], None)
    RoleAssignment.objects.create(user=user, role=Role.objects.get(code="enterprise_contact"), org=user.org)
    page = _page(user)
    assert "暂无可查看的统计" in page and "panel-cases" not in page
