"""The joint labour-dispute mediation centre: a request routed to its district, accepted within 3 working
days (the official calendar, across the National Day holiday), mediated within 15 days (calendar days, the
end moved off a weekend), an agreement printed as a PDF and followed up, the court's confirmation tracked;
another request past 15 days ends with the referral to arbitration; a refusal is told in writing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from gonghui.cases import services as cases
from gonghui.cases.models import CaseClock, Message, ServiceItem
from gonghui.legal import mediation
from gonghui.legal.models import AgreementPayment
from tests.cases.conftest import png

pytestmark = pytest.mark.django_db


@pytest.fixture
def districts(city, staff):
    from gonghui.legal.demo_data import ensure_districts

    return ensure_districts()


@pytest.fixture
def request_(worker_user):
    def _make(name="王芳", **extra):
        user = worker_user(name)
        case = cases.case_create(actor=user, item=ServiceItem.objects.get(code="mediation"), data={
            "claim_type": "追索劳动报酬", "opponent": "晋江市青阳办件测试鞋业有限公司", "amount": "30000",
            "facts": "拖欠6月至9月工资30000元，请求一次性支付。", "workers": "1", "phone": "13600000001", **extra})
        cases.attachment_add(actor=user, case=case, material="id_card", name="id.png", data=png())
        return cases.transition(actor=user, case=case, name="submit")
    return _make


def _text(data: bytes) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).replace(" ", "").replace(
        "\n", "")


def _clock(case, key):
    return CaseClock.objects.get(case=case, key=key)


def test_accepted_agreed_printed_followed_and_confirmed(districts, request_, staff, login, today, worker_user):
    today(dt.date(2026, 9, 30))
    case = request_()
    assert case.result["district"] == "城区片区" and case.assigned_to == staff["city_staff"]
    # 3 working days on the official calendar: 10-01…10-07 is the holiday, 10-10 a make-up working day
    assert _clock(case, "accept").due_on == dt.date(2026, 10, 10)
    desk = login("city_staff")
    page = desk.get(f"/desk/cases/{case.number}/").content.decode()
    assert "受理时限（3个工作日）" in page

    today(dt.date(2026, 10, 9))
    desk = login("city_staff")
    desk.post(f"/desk/cases/{case.number}/step/accept/", {"origin": "职工申请", "consent": "同意调解"})
    case.refresh_from_db()
    assert case.state == "mediating" and case.result["consent"] == "同意调解"
    # 15 days, calendar days: 10-24 is a Saturday, so the period ends on Monday 10-26 (Civil Code Art. 203)
    assert _clock(case, "mediate").due_on == dt.date(2026, 10, 26)
    assert "调解期限（15个自然日）" in desk.get(f"/desk/cases/{case.number}/").content.decode()
    wang = worker_user("王芳")
    assert Message.objects.filter(recipient=wang, case=case, body__contains="受理之日起15日").exists()

    r = desk.post(f"/desk/legal/mediations/{case.number}/agreement/", {
        "other_party": "晋江市青阳办件测试鞋业有限公司", "agent": "陈经理",
        "terms": "被申请人同意支付申请人2026年6月至9月工资共计30000元。", "payments": "2026-10-20 15000\n2026-x 1"},
        follow=True)
    assert "支付安排第2行应为" in r.content.decode()
    desk.post(f"/desk/legal/mediations/{case.number}/agreement/", {
        "other_party": "晋江市青阳办件测试鞋业有限公司", "agent": "陈经理",
        "terms": "被申请人同意支付申请人2026年6月至9月工资共计30000元。",
        "payments": "2026-10-20 15000\n2026-11-20 15000"})
    case.refresh_from_db()
    assert case.state == "agreed" and case.result["agreed_amount"] == "30000.00"
    assert _clock(case, "mediate").stopped_on == dt.date(2026, 10, 9)
    assert _clock(case, "confirm").due_on == dt.date(2026, 11, 9)  # 30 days; 11-08 is a Sunday

    text = _text(desk.get(f"/desk/legal/documents/{case.number}/agreement.pdf").content)
    assert "劳动争议调解协议书" in text and "王芳" in text and "晋江市青阳办件测试鞋业有限公司" in text
    assert "共计30000元" in text and "2026年10月20日前" in text and "15000.00" in text
    phone = Client()
    phone.force_login(wang)
    assert phone.get(f"/m/legal/documents/{case.number}/agreement.pdf")["Content-Type"] == "application/pdf"

    today(dt.date(2026, 10, 23))
    desk = login("city_staff")
    first = AgreementPayment.objects.filter(case=case).first()
    desk.post(f"/desk/legal/mediations/{case.number}/payments/{first.pk}/paid/", {"paid_on": "2026-10-22"})
    first.refresh_from_db()
    assert first.paid_on == dt.date(2026, 10, 22) and first.on_time is False
    assert "逾期" in desk.get(f"/desk/cases/{case.number}/").content.decode()

    desk.post(f"/desk/cases/{case.number}/step/apply_confirmation/", {"court": "晋江市人民法院",
                                                                     "applied_on": "2026-10-23"})
    case.refresh_from_db()
    assert case.state == "confirming" and _clock(case, "confirm").stopped_on == dt.date(2026, 10, 23)
    desk.post(f"/desk/cases/{case.number}/step/record_ruling/", {
        "ruling": "确认调解协议有效", "ruling_number": "（2026）闽0582民特123号", "ruled_on": "2026-10-23"})
    case.refresh_from_db()
    assert case.state == "ruled" and case.is_closed and not case.missed_deadline


def test_past_15_days_without_agreement_ends_with_the_referral(districts, request_, staff, login, today):
    today(dt.date(2026, 11, 2))
    case = request_()
    cases.transition(actor=staff["city_staff"], case=case, name="accept", data={"origin": "法院委派",
                                                                                "consent": "同意调解"})
    today(dt.date(2026, 11, 18))  # 16 days after the acceptance
    from gonghui.cases import clocks

    clocks.sweep()  # the hourly job
    desk = login("city_staff")
    page = desk.get(f"/desk/cases/{case.number}/").content.decode()
    assert "已超期" in page  # the 15 days are over: the case is red in the queue
    desk.post(f"/desk/cases/{case.number}/step/fail/", {"reason": "双方对欠薪金额分歧较大"})
    case.refresh_from_db()
    assert case.state == "mediation_failed"
    text = _text(desk.get(f"/desk/legal/documents/{case.number}/notice.pdf").content)
    assert "调解终止告知书" in text and "自受理之日起15日内未达成调解协议" in text
    assert "劳动人事争议仲裁委员会申请仲裁" in text and "双方对欠薪金额分歧较大" in text


def test_the_other_partys_refusal_is_told_in_writing(districts, request_, staff, login):
    case = request_()
    cases.transition(actor=staff["city_staff"], case=case, name="party_refused", reason="企业表示只接受仲裁")
    text = _text(login("city_staff").get(f"/desk/legal/documents/{case.number}/notice.pdf").content)
    assert "对方当事人不同意调解告知书" in text and "企业表示只接受仲裁" in text
    assert login("city_staff").get(f"/desk/legal/documents/{case.number}/agreement.pdf").status_code == 404


def test_ten_or_more_workers_name_three_to_five_representatives(districts, request_):
    with pytest.raises(ValidationError, match="3至5名代表"):
        request_(workers="12", representatives="王芳")
    case = request_(workers="12", representatives="王芳\n李强\n张伟")
    assert mediation.representatives(case.form) == ["王芳", "李强", "张伟"]


def test_a_town_and_a_lawyer_do_not_reach_the_centres_cases(districts, request_, lawyers, login):
    case = request_()
    for who in ("qingyang_staff", "lawyer1"):
        client = login(who)
        assert client.get(f"/desk/cases/{case.number}/").status_code == 404
        assert client.get(f"/desk/legal/documents/{case.number}/notice.pdf").status_code == 404
