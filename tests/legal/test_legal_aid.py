"""Legal aid from the worker's application to the lawyer's conclusion and reward, through the pages as
staff and the lawyer use them; the statutory clocks; the means test; group cases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.cases import services as cases
from gonghui.cases.models import CaseAssignment, CaseClock
from gonghui.core.models import AuditLog
from gonghui.legal import services
from gonghui.legal.models import AidClient, RewardLine

from .conftest import fresh

pytestmark = pytest.mark.django_db


def _clock(case, key):
    return CaseClock.objects.get(case=case, key=key)


def test_staff_decide_assign_and_the_lawyer_concludes_with_the_reward(applied, staff, lawyers, login, today,
                                                                     worker_user):
    today(dt.date(2026, 11, 2))
    case = applied()
    city = staff["city_staff"]
    assert case.org.code == "jinjiang"  # the city's legal service centre handles legal aid
    assert _clock(case, "decide").due_on == dt.date(2026, 11, 9)  # 7 days, calendar days

    desk = login("city_staff")
    assert desk.post(f"/desk/cases/{case.number}/step/accept/").status_code == 302
    page = desk.get(f"/desk/cases/{case.number}/").content.decode()
    assert "决定给予援助" in page and "不予援助" in page
    assert "待核查：未申报家庭收入" in page  # the means test, for the reviewer
    desk.post(f"/desk/cases/{case.number}/step/grant/")
    case.refresh_from_db()
    assert case.state == "aid_granted" and case.state_label == "已决定援助"
    assert _clock(case, "decide").stopped_on == dt.date(2026, 11, 2)
    assert _clock(case, "assign").due_on == dt.date(2026, 11, 5)

    # the lawyers of the firm are offered, grouped by firm; assigning one stops the 3-day clock
    page = desk.get(f"/desk/cases/{case.number}/").content.decode()
    assert "福建晋律律师事务所" in page and lawyers[0].name in page
    desk.post(f"/desk/cases/{case.number}/step/assign_lawyer/", {"partner": lawyers[0].pk})
    case.refresh_from_db()
    assert case.state == "lawyer_assigned" and _clock(case, "assign").stopped_on is not None
    message = case.applicant  # the worker is told who represents them
    from gonghui.cases.models import Message

    assert Message.objects.filter(case=case, title="已指派律师", body__contains="陈建华（福建晋律律师事务所）").exists()
    del message

    # the lawyer finds it in their queue, accepts, records two stages and concludes
    lawyer = login("lawyer1")
    queue = lawyer.get("/desk/cases/").content.decode()
    assert case.number in queue
    lawyer.post(f"/desk/cases/{case.number}/step/lawyer_accept/")
    case.refresh_from_db()
    assert case.state == "represented"
    assert CaseAssignment.objects.get(case=case).status == "accepted"
    page = lawyer.get(f"/desk/cases/{case.number}/").content.decode()
    assert 'data-testid="stage-form"' in page and 'data-testid="conclude-form"' not in page  # a stage first
    r = lawyer.post(f"/desk/legal/cases/{case.number}/stages/", {
        "kind": "negotiation", "started_on": "2026-11-02", "ended_on": "2026-11-02", "result": "企业拒绝支付"})
    assert r.status_code == 302
    lawyer.post(f"/desk/legal/cases/{case.number}/stages/", {
        "kind": "arbitration", "started_on": "2026-11-02", "result": "达成调解，企业分两期支付"})
    client_pk = AidClient.objects.get(case=case, lead=True).pk
    # a mistake first: recovered more than awarded is refused, nothing is written
    r = lawyer.post(f"/desk/legal/cases/{case.number}/conclude/", {
        "outcome": "mediated", "summary": "调解结案", f"awarded_{client_pk}": "30000",
        f"recovered_{client_pk}": "31000"}, follow=True)
    assert "实际追回金额不能大于确认金额" in r.content.decode()
    case.refresh_from_db()
    assert case.state == "represented" and not RewardLine.objects.exists()
    lawyer.post(f"/desk/legal/cases/{case.number}/conclude/", {
        "outcome": "mediated", "summary": "调解结案", f"awarded_{client_pk}": "30000",
        f"recovered_{client_pk}": "30000"})
    case.refresh_from_db()
    assert case.state == "concluded" and case.is_closed
    assert case.result["outcome"] == "调解结案" and Decimal(case.result["recovered"]) == Decimal("30000")
    reward = RewardLine.objects.get(case=case)
    assert reward.amount == Decimal("3750.00")  # 2,500 for the first stage + 1,250 for the second
    assert reward.partner.name == "福建晋律律师事务所" and reward.lawyer == lawyers[0]
    assert "首个阶段2,500.00 + 其后1个阶段×1,250.00" in reward.working
    assert "3,750.00" in desk.get("/desk/legal/rewards/").content.decode()
    assert Message.objects.filter(case=case, title="案件已结案", body__contains="30000").exists()
    from django.test import Client

    worker = Client()
    worker.force_login(worker_user("王芳"))
    mine = worker.get(f"/m/cases/{case.number}/").content.decode()
    assert "已追回 30,000.00 元" in mine and "陈建华" in mine and "福建晋律律师事务所" in mine
    assert "经济困难审查" not in mine and "律师补贴" not in mine  # the reviewer's and the union's business
    assert AuditLog.objects.filter(action="legal.stage_add", actor=lawyers[0]).count() == 2
    del city


def test_a_return_pauses_the_decision_and_the_complete_application_starts_it_afresh(applied, staff, worker_user,
                                                                                    today):
    today(dt.date(2026, 11, 2))
    case = applied()
    city = staff["city_staff"]
    cases.transition(actor=city, case=case, name="accept")
    today(dt.date(2026, 11, 4))
    cases.transition(actor=city, case=case, name="return", fix={"items": [
        {"type": "material", "key": "evidence", "note": "请提供欠薪条"},
        {"type": "material", "key": "income_proof", "note": ""}], "note": ""})
    assert _clock(case, "decide").paused_on == dt.date(2026, 11, 4)
    today(dt.date(2026, 11, 20))
    user = worker_user("王芳")
    from tests.cases.conftest import png

    cases.attachment_add(actor=user, case=case, material="evidence", name="e.png", data=png())
    cases.attachment_add(actor=user, case=case, material="income_proof", name="i.png", data=png())
    cases.transition(actor=user, case=case, name="submit")
    clock = _clock(case, "decide")
    assert clock.started_on == dt.date(2026, 11, 20) and clock.due_on == dt.date(2026, 11, 27)  # 7 days afresh


def test_the_seven_days_end_after_a_holiday(applied, today):
    """Civil Code Art. 203: a period of days whose last day falls in the National Day holiday ends on the
    first working day after it."""
    today(dt.date(2026, 9, 28))
    case = applied()
    assert _clock(case, "decide").due_on == dt.date(2026, 10, 8)  # 10-05 is in the 10-01…10-07 holiday


def test_the_means_test(applied, people):
    from gonghui.registry.models import Tag, Worker

    Worker.objects.filter(pk=people["王芳"].pk).update(hukou="migrant")
    case = applied()
    assert "免予经济困难审查：农民工追索劳动报酬" in case.result["means"]
    other = applied("李强", claim_type="劳动合同纠纷", household_income="2500")
    assert other.result["means"].startswith("待核查：申报家庭人均月收入2,500.00元，高于标准2,030.00元")
    needy, _ = Tag.objects.get_or_create(code="needy", defaults={"name": "困难职工"})
    people["张伟"].tags.add(needy)
    third = applied("张伟", claim_type="社会保险待遇")
    assert third.result["means"] == "经济困难：困难职工档案在册"


def test_a_group_case_and_the_reward_for_each_extra_client(applied, staff, lawyers, people, today):
    today(dt.date(2026, 11, 2))
    case = applied()
    city = staff["city_staff"]
    cases.transition(actor=city, case=case, name="accept")
    services.client_add(actor=city, case=case, id_number=people["李强"].id_number_clear(), claimed="12000")
    with pytest.raises(ValidationError, match="已是本案受援人"):
        services.client_add(actor=city, case=case, id_number=people["李强"].id_number_clear(), claimed="1")
    with pytest.raises(ValidationError, match="没有这个身份证号"):
        services.client_add(actor=city, case=case, id_number="350582199001010000", claimed="1")
    cases.transition(actor=city, case=case, name="grant")
    cases.transition(actor=city, case=case, name="assign_lawyer", partner=lawyers[1])
    lawyer = fresh(lawyers[1])
    cases.transition(actor=lawyer, case=case, name="lawyer_accept")
    for kind in ("negotiation", "arbitration", "first"):
        services.stage_add(actor=lawyer, case=case, kind=kind, started_on="2026-11-02")
    clients = {c.worker.name: c.pk for c in AidClient.objects.filter(case=case).select_related("worker")}
    services.aid_conclude(actor=lawyer, case=case, outcome="judged", summary="", amounts={
        clients["王芳"]: ("36000", "20000"), clients["李强"]: ("12000", "12000")})
    reward = RewardLine.objects.get(case=case)
    assert reward.amount == Decimal("2500") + 2 * Decimal("1250") + Decimal("125")
    case.refresh_from_db()
    assert Decimal(case.result["recovered"]) == Decimal("32000")


def test_a_lawyer_who_declines_loses_the_case_and_it_is_assigned_again(applied, staff, lawyers, login, today):
    today(dt.date(2026, 11, 2))
    case = applied()
    city = staff["city_staff"]
    for step in ("accept", "grant"):
        cases.transition(actor=city, case=case, name=step)
    cases.transition(actor=city, case=case, name="assign_lawyer", partner=lawyers[0])
    client = login("lawyer1")
    r = client.post(f"/desk/cases/{case.number}/step/lawyer_decline/", {"reason": "与对方当事人存在利益冲突"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.state == "aid_granted"
    assert CaseAssignment.objects.get(case=case).status == "declined"
    assert client.get(f"/desk/cases/{case.number}/").status_code == 404  # the declined case is gone
    today(dt.date(2026, 11, 3))
    assert _clock(case, "assign").stopped_on is None  # 3 more days to assign it again
    cases.transition(actor=city, case=case, name="assign_lawyer", partner=lawyers[2])
    assert login("lawyer3").get(f"/desk/cases/{case.number}/").status_code == 200


def test_only_the_assigned_lawyer_takes_the_lawyers_steps(applied, staff, lawyers, other_lawyer, today):
    case = applied()
    city = staff["city_staff"]
    for step in ("accept", "grant"):
        cases.transition(actor=city, case=case, name=step)
    with pytest.raises(ValidationError, match="合作机构人员"):  # a staff member is no partner
        cases.transition(actor=city, case=case, name="assign_lawyer", partner=staff["qingyang_staff"])
    cases.transition(actor=city, case=case, name="assign_lawyer", partner=lawyers[0])
    with pytest.raises(PermissionDenied):  # another lawyer of the same firm
        cases.transition(actor=fresh(lawyers[1]), case=case, name="lawyer_accept")
    with pytest.raises(PermissionDenied):  # staff do not act as the lawyer
        cases.transition(actor=city, case=case, name="lawyer_accept")
    with pytest.raises(PermissionDenied):
        services.stage_add(actor=fresh(other_lawyer), case=case, kind="negotiation", started_on="2026-11-02")
    lawyer = fresh(lawyers[0])
    with pytest.raises(PermissionDenied):  # the lawyer takes no staff step on their own case
        cases.transition(actor=lawyer, case=case, name="terminate", reason="x")


def test_the_reward_is_paid_to_the_firm_through_a_payment_batch(applied, staff, lawyers, second_factor, login,
                                                                today):
    """The reward of a concluded case is gathered by finance beside mutual aid's claims (one payments
    machinery), approved, exported with the firm's account and settled by the bank's result."""
    import time

    from gonghui.core.context import Context
    from gonghui.core.spreadsheets import read_table, write_xlsx
    from gonghui.payments import services as payments
    from gonghui.payments.models import PaymentBatch

    today(dt.date(2026, 11, 2))
    case = applied()
    city = staff["city_staff"]
    for step in ("accept", "grant"):
        cases.transition(actor=city, case=case, name=step)
    cases.transition(actor=city, case=case, name="assign_lawyer", partner=lawyers[0])
    lawyer = fresh(lawyers[0])
    cases.transition(actor=lawyer, case=case, name="lawyer_accept")
    services.stage_add(actor=lawyer, case=case, kind="negotiation", started_on="2026-11-02")
    lead = AidClient.objects.get(case=case).pk
    services.aid_conclude(actor=lawyer, case=case, outcome="settled", summary="", amounts={lead: ("36000", "36000")})

    finance = staff["city_finance"]
    officer = login("city_finance")
    second_factor(officer, finance)
    page = officer.get("/desk/payments/?source=legal_reward").content.decode()
    assert "法律援助律师补贴" in page and "医疗互助补助金" in page  # one page, one tab per kind of payment
    assert case.number in page and "福建晋律律师事务所（陈建华）" in page and "2,500.00" in page
    reward = RewardLine.objects.get(case=case)
    officer.post("/desk/payments/?source=legal_reward", {"rows": [reward.pk]})
    batch = PaymentBatch.objects.get(source="legal_reward")
    assert (batch.count, batch.total) == (1, Decimal("2500.00"))
    verified = Context(channel="test", second_factor_at=time.time())
    payments.batch_approve(actor=finance, batch=batch, context=verified)
    data, _type, _name = payments.batch_export(actor=finance, batch=batch, context=verified)
    rows = [values for _n, values in read_table(data, "bank.xlsx").rows]
    assert rows[0][:2] == ["福建晋律律师事务所", "中国工商银行晋江支行"]
    assert rows[0][2] == lawyers[0].partner.account_clear() and rows[0][4:] == [case.number, "法律援助律师补贴"]
    result = write_xlsx(["业务参考号", "状态", "失败原因"], [[case.number, "成功", ""]], sheet="结果")
    payments.batch_import_result(actor=finance, batch=PaymentBatch.objects.get(pk=batch.pk), data=result,
                                 filename="r.xlsx")
    reward.refresh_from_db()
    assert reward.paid_at is not None
    assert "已支付" in login("city_staff").get("/desk/legal/rewards/").content.decode()
    assert officer.get("/desk/payments/?source=legal_reward").content.decode().count('name="rows"') == 0


def test_a_refusal_is_in_writing_with_its_reason(applied, staff, login, worker_user):
    import io

    from pypdf import PdfReader

    case = applied("李强", claim_type="劳动合同纠纷", household_income="5000")
    city = staff["city_staff"]
    cases.transition(actor=city, case=case, name="accept")
    with pytest.raises(ValidationError):
        cases.transition(actor=city, case=case, name="refuse")  # a refusal needs its reason
    cases.transition(actor=city, case=case, name="refuse", reason="家庭人均月收入高于经济困难标准")
    page = login("city_staff").get(f"/desk/cases/{case.number}/").content.decode()
    assert "打印不予法律援助决定书" in page
    from django.test import Client

    worker = Client()
    worker.force_login(worker_user("李强"))
    assert "查看不予法律援助决定书" in worker.get(f"/m/cases/{case.number}/").content.decode()
    data = worker.get(f"/m/legal/documents/{case.number}/notice.pdf").content
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).replace("\n", "").replace(" ", "")
    assert "不予法律援助决定书" in text and "家庭人均月收入高于经济困难标准" in text and "十五日内" in text
    assert worker.get(f"/m/legal/documents/{case.number}/agreement.pdf").status_code == 404
