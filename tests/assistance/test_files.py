"""The hardship file from the worker's phone to the file: the household, the home visit, the public notice
(its window in working days, objections), approval, the yearly review, the lapse and the exit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gonghui.assistance import services
from gonghui.assistance.models import FileStatus, HardshipFile
from gonghui.cases import services as cases
from gonghui.cases.models import Message
from gonghui.notices import services as notices
from gonghui.registry.models import Tag
from tests.assistance.conftest import member_id
from tests.cases.conftest import png

pytestmark = pytest.mark.django_db


def test_the_household_is_classified_as_it_is_entered(household):
    case = household(submit=False)
    file = HardshipFile.objects.get(case=case)
    assert (file.category, file.per_capita, file.standard) == ("deep", Decimal("375.00"), Decimal("850.00"))
    assert "人均月收入 =（24,000.00 − 6,000.00）÷ 12 ÷ 4 = 375.00元" in file.working
    assert file.working[-1] == "低于低保标准×1（850.00元）：深度困难"


def test_members_are_checked_before_they_are_kept(household, worker_user, people):
    case = household(submit=False)
    user = worker_user("王芳")
    with pytest.raises(ValidationError) as bad:
        services.member_add(actor=user, case=case, name="陈小明", relation="child", id_number="350582201001010000")
    assert "id_number" in bad.value.message_dict
    with pytest.raises(ValidationError, match="已在家庭成员中"):
        services.member_add(actor=user, case=case, name="陈子涵", relation="child",
                            id_number=member_id(people["王芳"], dt.date(2008, 9, 1), 31))
    with pytest.raises(ValidationError, match="已填写申请人本人"):
        services.member_add(actor=user, case=case, name="王芳", relation="self",
                            id_number=people["王芳"].id_number_clear())
    assert HardshipFile.objects.get(case=case).members.count() == 4


def test_someone_else_cannot_touch_the_household(household, worker_user):
    case = household(submit=False)
    with pytest.raises(PermissionDenied):
        services.member_add(actor=worker_user("李强"), case=case, name="李某", relation="child",
                            id_number=member_id(case.applicant, dt.date(2012, 1, 1), 51))


def test_submission_needs_the_applicant_in_the_household(file_item, worker_user):
    user = worker_user("王芳")
    case = cases.case_create(actor=user, item=file_item, data={
        "cause": "其他", "situation": "收入低。", "phone": "13600000001"})
    for material in ("id_card", "hukou", "income_proof"):
        cases.attachment_add(actor=user, case=case, material=material, name="m.png", data=png())
    with pytest.raises(ValidationError, match="申请人本人"):
        cases.transition(actor=user, case=case, name="submit")


def test_the_visit_needs_two_visitors_and_photos(household, staff):
    case = household()
    clerk = staff["qingyang_staff"]
    cases.transition(actor=clerk, case=case, name="accept")
    with pytest.raises(ValidationError, match="入户核查照片"):
        services.visit_record(actor=clerk, case=case, visited_on=timezone.localdate(), visitors="陈志强、黄丽娟",
                              findings="属实")
    cases.attachment_add(actor=clerk, case=case, material="visit_photos", name="v.png", data=png())
    with pytest.raises(ValidationError, match="两名工作人员"):
        services.visit_record(actor=clerk, case=case, visited_on=timezone.localdate(), visitors="陈志强", findings="属实")
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.visit_record(actor=clerk, case=case, visited_on=timezone.localdate() + dt.timedelta(days=1),
                              visitors="陈志强、黄丽娟", findings="属实")
    services.visit_record(actor=clerk, case=case, visited_on=timezone.localdate(), visitors="陈志强 黄丽娟",
                          findings="属实")
    case.refresh_from_db()
    assert case.state == "visited"
    assert case.hardship_file.visits.get().visitors == "陈志强、黄丽娟"


def test_a_file_is_approved_only_after_the_notice_clears(visited, staff, today):
    case = visited()
    clerk = staff["qingyang_staff"]
    with pytest.raises(ValidationError, match="“公示”须在办件页的公示表单中办理"):
        cases.transition(actor=clerk, case=case, name="publicise")
    notice = services.publicise(actor=clerk, case_list=[case], title="青阳街道困难职工建档公示")
    entry = notice.entries.get()
    number = case.applicant.id_number_clear()
    assert entry.name_masked == "王*" and entry.id_masked == number[:6] + "*" * 10 + number[-4:]
    assert "人均月收入375.00元，拟认定为深度困难" in entry.summary
    case.refresh_from_db()
    with pytest.raises(ValidationError, match=f"公示期至{notice.closes_on:%Y-%m-%d}"):
        cases.transition(actor=clerk, case=case, name="approve")
    objection = notices.objection_add(notice=notice, entry=entry, text="她家有商铺出租。")
    today(notice.closes_on + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="有异议尚待核查答复"):
        cases.transition(actor=clerk, case=case, name="approve")
    notices.objection_answer(actor=clerk, objection=objection, upheld=False, findings="经核查，商铺为其兄所有。")
    cases.transition(actor=clerk, case=case, name="approve")
    file = HardshipFile.objects.get(case=case)
    assert (file.status, file.approved_on) == (FileStatus.ON_FILE, notice.closes_on + dt.timedelta(days=1))
    assert file.review_due == dt.date(file.approved_on.year + 1, file.approved_on.month, file.approved_on.day)
    assert case.applicant.tags.filter(code="needy").exists() or not Tag.objects.filter(code="needy").exists()


def test_an_upheld_objection_stops_the_file(visited, staff, today):
    case = visited()
    clerk = staff["qingyang_staff"]
    notice = services.publicise(actor=clerk, case_list=[case], title="公示")
    objection = notices.objection_add(notice=notice, entry=notice.entries.get(), text="有房出租未申报。")
    notices.objection_answer(actor=clerk, objection=objection, upheld=True, findings="属实。")
    today(notice.closes_on + dt.timedelta(days=3))
    case.refresh_from_db()
    with pytest.raises(ValidationError, match="异议成立"):
        cases.transition(actor=clerk, case=case, name="approve")
    cases.transition(actor=clerk, case=case, name="deny", reason="异议成立：有房屋出租收入未申报")
    assert HardshipFile.objects.get(case=case).status == FileStatus.REFUSED


def test_the_notice_window_runs_in_working_days_across_national_day(visited, staff, today):
    today(dt.date(2026, 9, 30))
    case = visited()
    notice = services.publicise(actor=staff["qingyang_staff"], case_list=[case], title="公示")
    # Oct 1–7 are the holiday; Oct 8, 9, 10 (a Saturday worked in exchange), 12 and 13 are the five days
    assert (notice.published_on, notice.closes_on) == (dt.date(2026, 9, 30), dt.date(2026, 10, 13))


def test_a_household_out_of_hardship_cannot_be_put_on_file(visited, staff, today):
    case = visited(incomes=("90000", "60000"))
    assert HardshipFile.objects.get(case=case).category == "none"
    clerk = staff["qingyang_staff"]
    notice = services.publicise(actor=clerk, case_list=[case], title="公示")
    today(notice.closes_on + dt.timedelta(days=1))
    case.refresh_from_db()
    with pytest.raises(ValidationError, match="不符合困难职工条件"):
        cases.transition(actor=clerk, case=case, name="approve")


def test_the_yearly_review_reminds_lapses_and_renews(on_file, staff, today, worker_user):
    case = on_file()
    file = HardshipFile.objects.get(case=case)
    due = file.review_due
    # 31 days before: nothing yet; 30 days before: the worker and the town's staff are told, once
    assert services.daily(due - dt.timedelta(days=31)) == {"review_reminders": 0, "lapsed": 0}
    assert services.daily(due - dt.timedelta(days=30)) == {"review_reminders": 1, "lapsed": 0}
    assert services.daily(due - dt.timedelta(days=29)) == {"review_reminders": 0, "lapsed": 0}
    mine = Message.objects.filter(recipient=worker_user("王芳"), title="困难职工档案年度复核").get()
    assert f"应于{due:%Y-%m-%d}前复核" in mine.body
    assert Message.objects.filter(recipient=staff["qingyang_staff"], title="档案待复核").exists()
    # reviewed in time: on file for another year
    today(due - dt.timedelta(days=10))
    clerk = staff["qingyang_staff"]
    services.review_record(actor=clerk, file=file, visited_on=due - dt.timedelta(days=10), visitors="陈志强、黄丽娟",
                           findings="丈夫仍在透析，收入未变。")
    file.refresh_from_db()
    assert file.status == FileStatus.ON_FILE and file.review_due.year == due.year + 1
    # the next year nobody reviews it: the day after it is due it lapses
    assert services.daily(file.review_due) == {"review_reminders": 1, "lapsed": 0}
    assert services.daily(file.review_due + dt.timedelta(days=1)) == {"review_reminders": 0, "lapsed": 1}
    file.refresh_from_db()
    assert (file.status, file.closed_on is not None) == (FileStatus.LAPSED, True)
    assert "逾期未复核" in file.close_reason


def test_a_review_that_finds_the_household_out_of_hardship_closes_the_file(on_file, staff):
    case = on_file()
    file = HardshipFile.objects.get(case=case)
    clerk = staff["qingyang_staff"]
    spouse = file.members.get(relation="spouse")
    services.member_remove(actor=clerk, member=spouse)  # the household brought up to date at the review
    services.member_add(actor=clerk, case=case, name="陈建国", relation="spouse", income="96000",
                        id_number=spouse.id_number_clear())
    services.review_record(actor=clerk, file=file, visited_on=timezone.localdate(), visitors="陈志强、黄丽娟",
                           findings="丈夫康复后重新就业。")
    file.refresh_from_db()
    assert (file.status, file.category) == (FileStatus.EXITED, "none")
    assert not case.applicant.tags.filter(code="needy").exists()


def test_the_worker_cannot_apply_twice(on_file, file_item, worker_user):
    on_file()
    from gonghui.cases.services import unavailable

    assert "已纳入困难职工档案" in unavailable(file_item, worker_user("王芳").worker_account.worker)


def test_the_visit_photos_are_the_staffs_to_take(household, worker_user):
    from django.test import Client

    case = household(submit=False)
    user = worker_user("王芳")
    with pytest.raises(PermissionDenied, match="由工作人员上传"):
        cases.attachment_add(actor=user, case=case, material="visit_photos", name="v.png", data=png())
    client = Client()
    client.force_login(user)
    page = client.get(f"/m/cases/{case.number}/").content.decode()
    assert "入户核查照片" not in page and "家庭成员收入证明" in page
