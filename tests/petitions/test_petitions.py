"""Petitions: registration, the statutory clocks on the official calendar, notices in writing, review and
re-review, repeats, groups and supervision."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gonghui.cases import services as cases
from gonghui.cases.models import Case, Message
from gonghui.core.models import AuditLog
from gonghui.petitions import services
from gonghui.petitions.models import Petition, Route

pytestmark = pytest.mark.django_db


def _clock(case, key):
    return case.clock_set.get(key=key)


def test_a_visit_is_registered_at_the_town_and_its_acceptance_notice_runs_15_days_past_spring_festival(
        register, today, staff):
    today(dt.date(2026, 2, 1))
    case = register(people=1)
    assert case.state == "submitted" and case.org.code == "qingyang"
    petition = Petition.objects.get(case=case)
    assert (petition.channel, petition.kind, petition.registered_org.code) == ("visit", "wages", "qingyang")
    # 15 days from 1 February end on 16 February, inside the Spring Festival holiday (15-23 February):
    # the period ends on the first working day after it
    assert _clock(case, "notice").due_on == dt.date(2026, 2, 24)


def test_acceptance_issues_a_notice_and_the_60_days_end_after_national_day(register, today, staff, client, login):
    today(dt.date(2026, 8, 8))
    case = register()
    case = cases.transition(actor=staff["qingyang_staff"], case=case, name="accept")
    assert _clock(case, "notice").stopped_on == dt.date(2026, 8, 8)
    # 60 days from 8 August is 7 October, a National Day holiday: the period ends on 8 October
    assert _clock(case, "handle").due_on == dt.date(2026, 10, 8)
    notice = case.documents.get()
    assert notice.title == "信访事项受理告知书" and "60日内办结" in notice.body
    login("qingyang_staff")
    response = client.get(reverse("cases:document", args=[case.number, notice.number]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert AuditLog.objects.filter(action="cases.document_print").exists()


def test_handling_is_extended_once_by_at_most_30_days_with_the_reason_told(register, today, staff, worker_user):
    worker = worker_user("王芳")
    today(dt.date(2026, 3, 2))
    case = cases.transition(actor=staff["qingyang_staff"], case=register(), name="accept")
    before = _clock(case, "handle").due_on
    with pytest.raises(ValidationError):
        cases.extend_deadline(actor=staff["city_staff"], case=case, clock_key="handle", days=31, reason="情况复杂")
    cases.extend_deadline(actor=staff["city_staff"], case=case, clock_key="handle", days=30,
                          reason="涉及企业破产清算，需等待管理人核实")
    assert _clock(case, "handle").due_on > before
    notice = case.documents.get(kind="extend")
    assert "涉及企业破产清算" in notice.body and "延长30日" in notice.body
    with pytest.raises(ValidationError, match="只能延长一次"):
        cases.extend_deadline(actor=staff["city_staff"], case=case, clock_key="handle", days=5, reason="再延")
    assert Message.objects.filter(recipient=worker, title="信访事项办理期限延长").exists()


def _replied(register, staff, day, today):
    today(day)
    case = cases.transition(actor=staff["qingyang_staff"], case=register(), name="accept")
    return services.answer(actor=staff["qingyang_staff"], case=case, step="reply",
                           text="经核实，企业已承诺于本月底前补发拖欠工资。")


def test_a_review_is_asked_within_30_days_a_make_up_saturday_counting_as_a_working_day(
        register, today, staff, worker_user):
    case = _replied(register, staff, dt.date(2026, 9, 10), today)
    assert case.state == "replied" and case.documents.filter(kind="reply").exists()
    # 30 days from 10 September end on Saturday 10 October, a make-up working day: the window closes then
    today(dt.date(2026, 10, 11))
    with pytest.raises(ValidationError, match="2026年10月10日"):
        cases.transition(actor=worker_user("王芳"), case=case, name="request_review")
    today(dt.date(2026, 10, 10))
    case = cases.transition(actor=worker_user("王芳"), case=case, name="request_review")
    assert case.state == "review" and case.org.code == "jinjiang"  # the union above the one that replied
    assert Petition.objects.get(case=case).level == 2
    assert _clock(case, "review").due_on == dt.date(2026, 11, 9)


def test_review_and_re_review_end_it_and_the_same_facts_are_not_accepted_again(register, today, staff, people):
    case = _replied(register, staff, dt.date(2026, 4, 1), today)
    case = cases.transition(actor=staff["qingyang_staff"], case=case, name="request_review")
    case = services.answer(actor=staff["city_staff"], case=case, step="answer_review", text="经复查，维持原答复意见。")
    case = cases.transition(actor=staff["city_staff"], case=case, name="request_rereview")
    case = services.answer(actor=staff["city_staff"], case=case, step="answer_rereview", text="经复核，维持复查意见。")
    assert case.state == "final"
    assert [d.kind for d in case.documents.all()] == ["accept", "reply", "review", "rereview"]
    # the petitioner comes again on the same facts: shown the earlier case, the clerk records why it is refused
    with pytest.raises(services.RepeatCheck) as shown:
        register()
    assert [c.number for c in shown.value.earlier] == [case.number]
    with pytest.raises(ValidationError, match="不予受理的理由"):
        register(repeat_of=case)
    again = register(repeat_of=case, repeat_note="同一事实和理由，已复核终结")
    assert again.state == "not_accepted" and case.number in again.reason
    assert again.documents.get().title == "信访事项不予受理告知书"
    assert Petition.objects.get(case=again).repeat_of_id == case.pk


def test_a_repeat_handled_elsewhere_is_counted_not_shown(register, staff):
    first = register("meiling_staff")
    with pytest.raises(services.RepeatCheck) as shown:
        register("qingyang_staff")
    assert (shown.value.earlier, shown.value.elsewhere) == ([], 1) and first.number not in str(shown.value)
    with pytest.raises(ValidationError, match="不是该信访人"):
        register("qingyang_staff", repeat_of=first)  # a case the clerk cannot see is no choice
    assert register("qingyang_staff", repeat_note="另一家企业的事").state == "submitted"


def test_a_repeat_of_an_open_matter_is_flagged_and_a_new_one_says_why(register, staff):
    first = register()
    with pytest.raises(services.RepeatCheck):
        register(form={"subject": "另一家企业"})
    second = register(repeat_of=first)
    assert second.state == "submitted" and Petition.objects.get(case=second).repeat_of_id == first.pk
    third = register(repeat_note="反映的是另一家企业的社保问题，与此前事项无关", form={"kind": "社会保险"})
    assert Petition.objects.get(case=third).repeat_of_id is None


def test_a_group_visit_elects_at_most_five_representatives(register):
    with pytest.raises(ValidationError, match="推选的代表"):
        register(people=30)
    with pytest.raises(ValidationError, match="不超过5人"):
        register(people=30, representatives="甲\n乙\n丙\n丁\n戊\n己")
    case = register(people=30, representatives="王芳\n李强\n陈明")
    petition = Petition.objects.get(case=case)
    assert petition.is_group and petition.representatives == ["王芳", "李强", "陈明"]


def test_a_petition_outside_the_registry_adds_the_person_and_the_letter_scan_is_kept(register, staff):
    from tests.cases.conftest import png

    case = register(person=None, id_number="35058219750505001" + "X"[:0] + _check("35058219750505001"),
                    name="许阿明", phone="13900000009", channel="letter", letter=("来信.png", png()))
    assert case.applicant.name == "许阿明" and case.attachments.get().material == "letter"


def _check(body):
    from gonghui.core.idnumber import check_char

    return check_char(body)


def test_transfer_restarts_the_receivers_15_days_and_assignment_goes_below_with_a_date(register, today, staff):
    today(dt.date(2026, 6, 1))
    case = register("city_staff")
    today(dt.date(2026, 6, 5))
    case = services.transfer(actor=staff["city_staff"], case=case, org=staff["meiling_staff"].org, note="属地管辖")
    assert case.org.code == "meiling" and _clock(case, "notice").started_on == dt.date(2026, 6, 5)
    petition = Petition.objects.get(case=case)
    assert (petition.route, petition.routed_from.code) == (Route.TRANSFER, "jinjiang")
    assert Message.objects.filter(recipient=staff["meiling_staff"], case=case).exists()
    # the city accepts another and hands it to a town with a date to report by
    other = cases.transition(actor=staff["city_staff"], case=register("city_staff", repeat_note="新的事项"),
                             name="accept")
    with pytest.raises(ValidationError, match="交办期限"):
        services.assign_down(actor=staff["city_staff"], case=other, org=staff["qingyang_staff"].org, due_on="2026-12-31")
    other = services.assign_down(actor=staff["city_staff"], case=other, org=staff["qingyang_staff"].org,
                                 due_on="2026-07-01")
    assert other.org.code == "qingyang" and Petition.objects.get(case=other).assign_due_on == dt.date(2026, 7, 1)


def test_a_referral_sends_a_letter_to_the_authority_and_a_notice_to_the_petitioner(register, staff):
    case = services.refer(actor=staff["qingyang_staff"], case=register(), authority="晋江市人社局劳动保障监察大队")
    assert case.state == "referred"
    kinds = {d.kind: d.public for d in case.documents.all()}
    assert kinds == {"refer_notice": True, "refer_letter": False}


def test_supervision_of_a_routed_case_is_answered_and_the_digest_tells_handler_and_supervisor(
        register, today, staff):
    today(dt.date(2026, 6, 1))
    case = register("city_staff")
    case = services.transfer(actor=staff["city_staff"], case=case, org=staff["qingyang_staff"].org)
    with pytest.raises(ValidationError, match="无需督办"):
        services.supervise(actor=staff["qingyang_staff"], case=case, text="请加快")
    row = services.supervise(actor=staff["city_staff"], case=case, text="请在期限内告知信访人是否受理")
    assert Message.objects.filter(recipient=staff["qingyang_staff"], title="督办通知").exists()
    services.supervision_answer(actor=staff["qingyang_staff"], supervision=row, text="已联系企业，将于本周受理")
    row.refresh_from_db()
    assert row.answered_by == staff["qingyang_staff"]
    # past its date the case is red; both the handler and the registering city get its number
    today(dt.date(2026, 6, 25))
    from gonghui.cases.tasks import run_daily

    run_daily(dt.date(2026, 6, 25))
    for who in ("qingyang_staff", "city_staff"):
        digest = Message.objects.get(recipient=staff[who], title="信访事项到期提醒（06月25日）")
        assert case.number in digest.body and "已超期" in digest.body
    # a case closed late keeps its missed deadline
    case = Case.objects.get(pk=case.pk)
    case = cases.transition(actor=staff["qingyang_staff"], case=case, name="accept")
    assert case.missed_deadline and _clock(case, "notice").missed


def test_every_view_is_audited_and_a_supervisor_sees_the_petitioner_masked(register, staff, client, login):
    case = register()
    login("city_staff")
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert "王*" in page and "王芳" not in page
    assert AuditLog.objects.filter(action="petitions.view", actor=staff["city_staff"]).count() == 1
    queue = client.get(reverse("cases:queue") + "?item=petition").content.decode()
    assert case.number in queue and "王芳" not in queue
    # a name search does not tell the supervisor that this person petitioned
    assert case.number not in client.get(reverse("cases:queue") + "?q=王芳&state=all").content.decode()
    # nor does the worker's archive, nor a notice in writing (it is addressed to the petitioner)
    archive = reverse("registry:worker_detail", args=[case.applicant_id])
    assert case.number not in client.get(archive).content.decode()
    case = cases.transition(actor=staff["qingyang_staff"], case=case, name="accept")
    notice = reverse("cases:document", args=[case.number, case.documents.get().number])
    assert client.get(notice).status_code == 403
    listed = client.get("/api/v1/cases?item=petition").json()["items"]
    assert [c["applicant"] for c in listed] == ["王*"]
    assert client.get(f"/api/v1/cases/{case.number}").json()["applicant"] == "王*"
    assert AuditLog.objects.filter(action="petitions.view", actor=staff["city_staff"]).count() == 2  # page, API
    login("qingyang_staff")
    assert "王芳" in client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert client.get(f"/api/v1/cases/{case.number}").json()["applicant"] == "王芳"
    assert case.number in client.get(archive).content.decode()
    assert client.get(notice).status_code == 200


def test_a_worker_petitions_online_and_follows_the_notices_on_the_phone(people, worker_user, staff, client):
    from gonghui.cases.models import ServiceItem

    user = worker_user("张伟")
    item = ServiceItem.objects.get(code="petition")
    guide = client.get(reverse("portal_cases:guide", args=["petition"])).content.decode()
    assert "承诺60日" in guide and "来信扫描件" not in guide  # calendar days; the letter is the clerk's scan
    assert "12351热线工单" not in client.get(reverse("portal_cases:catalogue")).content.decode()
    case = cases.case_create(actor=user, item=item, data={"kind": "劳动权益", "subject": "某企业", "facts": "加班不给加班费。",
                                                          "request": "依法支付", "delivery": "邮寄"}, submit=True)
    assert case.org.code == "meiling"
    petition = Petition.objects.get(case=case)
    assert (petition.channel, petition.delivery) == ("online", "post")
    case = cases.transition(actor=staff["meiling_staff"], case=case, name="accept")
    client.force_login(user)
    page = client.get(reverse("portal_cases:detail", args=[case.number])).content.decode()
    assert "信访事项受理告知书" in page
    document = case.documents.get()
    response = client.get(reverse("portal_cases:document", args=[case.number, document.number]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    # a hotline order is never opened by the worker
    with pytest.raises(ValidationError, match="工作人员登记"):
        cases.case_create(actor=user, item=ServiceItem.objects.get(code="hotline"),
                          data={"kind": "工资报酬", "difficulty": "一般", "facts": "x"})
