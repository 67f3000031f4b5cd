"""Partners (assignment-scoped access): a lawyer sees the cases assigned to them — on /desk/, in the queue's
export and through the API — and nothing else of the worker's record or of the tree."""

from __future__ import annotations

import json

import pytest

from gonghui.cases import services as cases
from gonghui.cases.models import Case
from gonghui.core.spreadsheets import read_table

pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned(applied, staff, lawyers, submitted):
    """王芳's legal-aid case assigned to lawyer1; a ticket case of 王芳 too (not for the lawyer)."""
    case = applied()
    city = staff["city_staff"]
    for step in ("accept", "grant"):
        cases.transition(actor=city, case=case, name=step)
    cases.transition(actor=city, case=case, name="assign_lawyer", partner=lawyers[0])
    return {"aid": case, "ticket": submitted("王芳")}


def test_the_lawyer_sees_the_assigned_case_and_nothing_of_the_worker(assigned, people, login):
    client = login("lawyer1")
    aid, ticket = assigned["aid"], assigned["ticket"]
    page = client.get(f"/desk/cases/{aid.number}/").content.decode()
    assert "王芳" in page and "接受指派" in page and "拒绝指派" in page
    assert f"/desk/workers/{people['王芳'].pk}/" not in page  # no way into the worker's archive
    assert client.get(f"/desk/workers/{people['王芳'].pk}/").status_code == 404
    assert client.get(f"/desk/cases/{ticket.number}/").status_code == 404
    queue = client.get("/desk/cases/?state=all").content.decode()
    assert aid.number in queue and ticket.number not in queue
    export = client.get("/desk/cases/export.xlsx?state=all")
    table = read_table(export.content, "x.xlsx")
    assert [values[0] for _n, values in table.rows] == [aid.number]
    assert "没有找到“136****0001”对应的职工" in client.get("/desk/workers/?q=13600000001").content.decode()
    assert client.get("/dash/").status_code == 403
    reveal = client.post(f"/desk/workers/{people['王芳'].pk}/reveal/id_number/")
    assert reveal.status_code == 404


def test_the_api_gives_the_lawyer_the_assigned_case_only(assigned, login):
    client = login("lawyer1")
    listed = client.get("/api/v1/cases?state=all").json()
    assert [c["number"] for c in listed["items"]] == [assigned["aid"].number]
    detail = client.get(f"/api/v1/cases/{assigned['aid'].number}").json()
    assert {c["key"] for c in detail["clocks"]} == {"decide", "assign"}
    assert detail["allowed_transitions"] == ["lawyer_accept", "lawyer_decline"]
    assert client.get(f"/api/v1/cases/{assigned['ticket'].number}").status_code == 404
    accepted = client.post(f"/api/v1/cases/{assigned['aid'].number}/transitions/lawyer_accept",
                           json.dumps({}), content_type="application/json")
    assert accepted.status_code == 200 and accepted.json()["state"] == "represented"


def test_other_lawyers_find_nothing(assigned, other_lawyer, login):
    for who in ("lawyer2", "otherfirm1"):
        client = login(who)
        assert client.get(f"/desk/cases/{assigned['aid'].number}/").status_code == 404
        assert assigned["aid"].number not in client.get("/desk/cases/?state=all").content.decode()
        assert client.get("/api/v1/cases?state=all").json()["items"] == []


def test_staff_scope_is_unchanged_by_partners(assigned, login):
    """A town's staff still see their town's cases only; the city sees the legal-aid case it handles."""
    assert login("qingyang_staff").get(f"/desk/cases/{assigned['aid'].number}/").status_code == 404
    assert login("city_staff").get(f"/desk/cases/{assigned['aid'].number}/").status_code == 200
    assert Case.objects.visible_to(assigned["aid"].assignments.get().user).count() == 1


def test_the_lawyers_navigation_holds_only_their_work(assigned, login):
    page = login("lawyer1").get(f"/desk/cases/{assigned['aid'].number}/").content.decode()
    nav = page.split('id="desk-nav"', 1)[1].split("</nav>", 1)[0]
    assert "办件队列" in nav and "消息" in nav and "律师补贴" in nav
    assert "医疗互助" not in nav and "管理决策" not in nav and "职工档案" not in nav
    staff_nav = login("city_staff").get("/desk/cases/").content.decode().split('id="desk-nav"', 1)[1]
    assert "医疗互助" in staff_nav.split("</nav>", 1)[0]
