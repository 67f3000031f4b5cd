"""The example module of docs/modules.md, end to end: a workflow of its own with a calendar-day clock
paused and resumed by its own steps, a calculation at a step not named "approve", an applicant step on
/m/, a desk section, a /dash/ panel and an API route — all registered, nothing edited in the engine."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from gonghui.cases import services
from gonghui.cases.models import Case, CaseClock, Message, ServiceItem


@pytest.fixture
def item(db):
    return ServiceItem.objects.get(code="book_loan")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _apply_on_the_phone(worker_client, title="平凡的世界") -> Case:
    response = worker_client.post("/m/services/book_loan/apply/", {"title": title})
    assert response.status_code == 302, response.content.decode()[:300]
    case = Case.objects.latest("pk")
    response = worker_client.post(f"/m/cases/{case.number}/step/submit/", follow=True)
    assert "借阅申请已提交，请到服务中心取书。" in response.content.decode()
    return Case.objects.get(pk=case.pk)


def test_a_loan_runs_on_its_own_states_and_calendar_clock(item, worker_user, staff, today,
                                                          django_capture_on_commit_callbacks):
    worker = _client(worker_user("王芳"))
    clerk = staff["qingyang_staff"]
    today(dt.date(2026, 3, 2))
    case = _apply_on_the_phone(worker)
    assert case.number.startswith("JYTS-2026-") and case.state == "submitted"

    def desk():  # signed in afresh on each day (sessions end after 30 idle minutes)
        return _client(clerk)

    page = desk().get(f"/desk/cases/{case.number}/").content.decode()
    assert "借出" in page and "已提交" in page and 'data-testid="library-section"' in page and "《平凡的世界》" in page
    with django_capture_on_commit_callbacks(execute=True):
        desk().post(f"/desk/cases/{case.number}/step/lend/")
    case.refresh_from_db()
    clock = CaseClock.objects.get(case=case, key="loan")
    # 30 calendar days from 2 March: 1 April, a Wednesday
    assert case.state == "on_loan" and clock.unit == "calendar" and clock.due_on == dt.date(2026, 4, 1)
    message = Message.objects.filter(case=case).latest("pk")
    assert message.body == f"您借阅的图书（{case.number}）已借出，借期30日，请按时归还。"

    # the library closes for ten days: the clock is paused by the module's own step, then resumed
    today(dt.date(2026, 3, 12))
    desk().post(f"/desk/cases/{case.number}/step/hold/", {"reason": "书屋装修闭馆"})
    assert Case.objects.get(pk=case.pk).state == "on_hold"
    assert CaseClock.objects.get(pk=clock.pk).paused_on == dt.date(2026, 3, 12)
    today(dt.date(2026, 3, 22))
    desk().post(f"/desk/cases/{case.number}/step/resume/")
    clock.refresh_from_db()
    assert clock.paused_on is None and clock.due_on == dt.date(2026, 4, 13)  # 20 days left from 22 March

    # returned three days late: the late fee is computed at the return, a step not named "approve"
    today(dt.date(2026, 4, 16))
    desk().post(f"/desk/cases/{case.number}/step/give_back/")
    case.refresh_from_db()
    assert case.state == "book_back" and case.result == {"late_days": 3, "late_fee": "0.30"}
    assert case.is_closed and CaseClock.objects.get(pk=clock.pk).stopped_on == dt.date(2026, 4, 16)
    page = _client(worker_user("王芳")).get(f"/m/cases/{case.number}/").content.decode()
    assert "已归还" in page and "逾期费 0.30 元" in page and "评价本次服务" in page
    assert "逾期天数：3天" in page and "{" not in page.split("办件编号")[1].split("申请表")[0]  # never the raw dict
    desk_page = desk().get(f"/desk/cases/{case.number}/").content.decode()
    assert "逾期费：0.30 元" in desk_page and "'late_fee'" not in desk_page


def test_the_worker_reports_the_book_lost_on_the_phone(item, worker_user, staff):
    user = worker_user("王芳")
    worker = _client(user)
    case = _apply_on_the_phone(worker, "红岩")
    services.transition(actor=staff["qingyang_staff"], case=case, name="lend")
    page = worker.get(f"/m/cases/{case.number}/").content.decode()
    assert ">挂失</button>" in page and 'data-confirm="确定挂失这本书吗？"' in page
    with pytest.raises(PermissionDenied):  # an applicant's step, not staff's
        services.transition(actor=staff["qingyang_staff"], case=case, name="report_lost", reason="x")
    response = worker.post(f"/m/cases/{case.number}/step/report_lost/", {"reason": ""}, follow=True)
    assert "请填写挂失的原因" in response.content.decode()
    response = worker.post(f"/m/cases/{case.number}/step/report_lost/", {"reason": "地铁上遗失"}, follow=True)
    assert "已挂失，服务中心会与您联系赔偿事宜。" in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == "lost"
    # staff's steps are not offered to the worker, and cannot be posted from /m/
    assert worker.post(f"/m/cases/{case.number}/step/lend/").status_code == 403


def test_the_modules_page_panel_and_api_route_are_scoped(item, worker_user, staff):
    user = worker_user("王芳")
    case = _apply_on_the_phone(_client(user), "围城")
    services.transition(actor=staff["qingyang_staff"], case=case, name="lend")
    page = _client(user).get("/m/library/").content.decode()
    assert "《围城》" in page and "借阅中" in page

    dash = _client(staff["qingyang_staff"]).get("/dash/").content.decode()
    assert 'data-testid="panel-library"' in dash and "职工书屋" in dash
    other = _client(staff["meiling_staff"]).get("/dash/").content.decode()
    assert 'data-testid="panel-library"' in other

    def loans(client):
        response = client.get("/api/v1/library/loans")
        assert response.status_code == 200
        return [row["number"] for row in response.json()]

    assert loans(_client(staff["qingyang_staff"])) == [case.number]
    assert loans(_client(staff["meiling_staff"])) == []  # another town's loans are not theirs


def test_the_openapi_schema_and_the_catalogue_include_the_module(item, client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/library/loans" in schema["paths"]
    assert "职工书屋借书" in client.get("/m/services/").content.decode()


def test_a_loan_is_extended_with_the_engines_message_in_its_clocks_unit(item, worker_user, staff, grant,
                                                                         django_capture_on_commit_callbacks):
    """The module's workflow has no "extended" message of its own: the engine's is sent, in days."""
    case = _apply_on_the_phone(_client(worker_user("王芳")), "活着")
    services.transition(actor=staff["qingyang_staff"], case=case, name="lend")
    reviewer = grant(staff["qingyang_staff"], "reviewer")
    services.extend_deadline(actor=reviewer, case=case, clock_key="loan", days=7, reason="读者住院")
    message = Message.objects.filter(case=case).latest("pk")
    assert message.title == "办理时限延长" and "延长7日，理由：读者住院" in message.body
