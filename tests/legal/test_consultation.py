"""Legal consultation: a worker asks on /m/ (with a photo of the contract); the question goes to the least
busy lawyer of the firm, who answers within 2 working days; the worker follows up and then turns it into a
legal-aid application with what was already given; staff log a hotline call the same way."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from gonghui.cases import services as cases
from gonghui.cases.models import Case, CaseAssignment, CaseClock, Message, ServiceItem
from gonghui.legal import services
from tests.cases.conftest import png

from .conftest import fresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def ask(worker_user):
    def _ask(name="王芳", question="老板拖欠三个月工资，合同里写的是月薪6000元，我该怎么办？"):
        user = worker_user(name)
        case = cases.case_create(actor=user, item=ServiceItem.objects.get(code="legal_consult"), data={
            "topic": "追索劳动报酬", "employer": "晋江市青阳办件测试鞋业有限公司", "question": question})
        cases.attachment_add(actor=user, case=case, material="photos", name="合同.png", data=png())
        return cases.transition(actor=user, case=case, name="submit")
    return _ask


def _worker_client(user):
    client = Client()
    client.force_login(user)
    return client


def test_ask_answer_follow_up_and_turn_into_legal_aid(ask, lawyers, worker_user, login, today):
    today(dt.date(2026, 11, 6))  # a Friday: 2 working days end on Tuesday
    case = ask()
    assignment = CaseAssignment.objects.get(case=case)
    assert assignment.user == lawyers[0] and assignment.status == "accepted"
    assert CaseClock.objects.get(case=case, key="answer").due_on == dt.date(2026, 11, 10)
    second = ask("李强", "公司不签劳动合同，能要求双倍工资吗？")
    assert CaseAssignment.objects.get(case=second).user == lawyers[1]  # the least busy lawyer

    other = Client()
    other.force_login(lawyers[1])
    assert other.get(f"/desk/cases/{case.number}/").status_code == 404
    lawyer = login("lawyer1")
    page = lawyer.get(f"/desk/cases/{case.number}/").content.decode()
    assert "老板拖欠三个月工资" in page and 'data-testid="answer-form"' in page
    lawyer.post(f"/desk/legal/consultations/{case.number}/answer/", {"text": "可以向劳动监察投诉，或申请劳动仲裁。"})
    case.refresh_from_db()
    assert case.state == "answered" and CaseClock.objects.get(case=case, key="answer").stopped_on is not None
    wang = worker_user("王芳")
    assert Message.objects.filter(recipient=wang, case=case, title="律师已答复").exists()

    phone = _worker_client(wang)
    mine = phone.get(f"/m/cases/{case.number}/").content.decode()
    assert "可以向劳动监察投诉" in mine and 'data-testid="follow-up-form"' in mine
    today(dt.date(2026, 11, 9))
    phone = _worker_client(wang)  # signed in again: the weekend ended the session
    phone.post(f"/m/legal/consultations/{case.number}/follow-up/", {"text": "仲裁要花钱吗？"})
    case.refresh_from_db()
    clock = CaseClock.objects.get(case=case, key="answer")
    assert case.state == "asked" and (clock.started_on, clock.due_on) == (dt.date(2026, 11, 9), dt.date(2026, 11, 11))
    lawyer = login("lawyer1")
    lawyer.post(f"/desk/legal/consultations/{case.number}/answer/", {"text": "劳动仲裁不收费。"})

    response = phone.post(f"/m/legal/consultations/{case.number}/convert/")
    aid = Case.objects.get(item__code="legal_aid", applicant=case.applicant)
    assert response.status_code == 302 and response["Location"] == f"/m/cases/{aid.number}/edit/"
    assert aid.state == "draft" and aid.form["claim_type"] == "追索劳动报酬"
    assert aid.form["opponent"] == "晋江市青阳办件测试鞋业有限公司"
    assert "老板拖欠三个月工资" in aid.form["facts"] and "仲裁要花钱吗" in aid.form["facts"]
    assert [(a.material, a.name) for a in aid.attachments.all()] == [("evidence", "合同.png")]
    phone.post(f"/m/legal/consultations/{case.number}/convert/")  # a second tap: the same draft
    assert Case.objects.filter(item__code="legal_aid", applicant=case.applicant).count() == 1
    assert aid.number in phone.get(f"/m/cases/{case.number}/").content.decode()


def test_only_the_lawyer_it_went_to_answers_and_only_through_the_module(ask, lawyers, staff, login):
    case = ask()
    with pytest.raises(PermissionDenied):
        services.consult_answer(actor=fresh(lawyers[1]), case=case, text="x")
    with pytest.raises(PermissionDenied):
        services.consult_answer(actor=staff["city_staff"], case=case, text="x")
    api = login("lawyer1").post(f"/api/v1/cases/{case.number}/transitions/answer", json.dumps({}),
                                content_type="application/json")
    assert api.status_code == 422 and "答复表单" in api.json()["detail"]
    case.refresh_from_db()
    assert case.state == "asked"
    refused = login("lawyer1").post(f"/desk/legal/consultations/{case.number}/answer/", {"text": "  "}, follow=True)
    assert "请填写答复内容" in refused.content.decode()


def test_staff_log_a_hotline_call(lawyers, people, staff, login):
    client = login("city_staff")
    item = ServiceItem.objects.get(code="legal_consult")
    case = cases.case_create(actor=staff["city_staff"], item=item, worker=people["张伟"], data={
        "topic": "工伤赔偿", "question": "（12351热线）上班途中被车撞伤，公司说不算工伤。"})
    cases.transition(actor=staff["city_staff"], case=case, name="submit")
    case.refresh_from_db()
    assert case.on_behalf and case.result["channel"] == "工作人员代录（热线或值班台）"
    assert CaseAssignment.objects.filter(case=case, user__in=lawyers).exists()
    page = client.get(f"/desk/cases/{case.number}/").content.decode()
    assert "据此代为申请法律援助" in page


def test_a_consultation_becomes_a_mediation_request(ask, lawyers, worker_user):
    case = ask()
    phone = _worker_client(worker_user("王芳"))
    response = phone.post(f"/m/legal/consultations/{case.number}/convert/", {"target": "mediation"})
    request = Case.objects.get(item__code="mediation")
    assert response["Location"] == f"/m/cases/{request.number}/edit/"
    assert request.form["workers"] == 1 and "老板拖欠三个月工资" in request.form["facts"]
    assert request.result["from_consult"] == case.number
    assert [a.material for a in request.attachments.all()] == ["evidence"]
    page = phone.get(f"/m/cases/{case.number}/").content.decode()
    assert request.number in page and 'data-testid="to-aid-form"' in page  # legal aid is still open to them
    refused = phone.post(f"/m/legal/consultations/{case.number}/convert/", {"target": "ticket_home"}, follow=True)
    assert "未知的转办事项" in refused.content.decode()
