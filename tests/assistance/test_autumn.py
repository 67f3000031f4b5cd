"""Golden Autumn: who may apply (children on file; others below the line only when the campaign says so),
who is excluded, the amounts by tier, and the notice before approval."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gonghui.assistance import services
from gonghui.assistance.models import Award
from gonghui.cases import services as cases
from gonghui.cases.models import ServiceItem
from tests.assistance.conftest import autumn_form
from tests.cases.conftest import png

pytestmark = pytest.mark.django_db


@pytest.fixture
def autumn_item(db):
    return ServiceItem.objects.get(code="golden_autumn")


@pytest.fixture
def apply(autumn_item, worker_user, people):
    def _make(name="王芳", submit=True, **extra):
        user = worker_user(name)
        case = cases.case_create(actor=user, item=autumn_item, data=autumn_form(people[name], **extra))
        for material in ("admission_letter", "student_card"):
            cases.attachment_add(actor=user, case=case, material=material, name="m.png", data=png())
        if submit:
            cases.transition(actor=user, case=case, name="submit")
        return case

    return _make


def test_the_form_offers_the_campaigns_tiers_and_nothing_out_of_season(autumn_item, autumn_campaign, people):
    from gonghui.cases.services import form_fields, unavailable

    tier = next(f for f in form_fields(autumn_item, people["王芳"]) if f["key"] == "tier")
    assert tier["choices"] == ["本科一年级（本二及以上）", "本科其他年级", "高中、中职"]
    assert "请先申请困难职工建档" in unavailable(autumn_item, people["王芳"])
    autumn_campaign.closes_on = timezone.localdate() - dt.timedelta(days=1)
    autumn_campaign.save()
    assert "金秋助学不在申请期内" in unavailable(autumn_item, people["王芳"])


@pytest.mark.parametrize(("extra", "said"), [
    ({"excluded": "军事院校"}, "军事院校不在金秋助学资助范围"),
    ({"excluded": "定向委培生"}, "定向委培生不在金秋助学资助范围"),
    ({"other_funding": "是"}, "已获其他单位资助的学生不再重复资助"),
])
def test_excluded_students_are_told_at_once(apply, on_file, autumn_campaign, extra, said):
    on_file()
    with pytest.raises(ValidationError, match=said):
        apply(submit=False, **extra)


def test_the_student_must_be_a_child_on_the_file(apply, on_file, autumn_campaign, people, worker_user):
    on_file()
    case = apply(submit=False, student_id=people["李强"].id_number_clear())
    with pytest.raises(ValidationError, match="学生须为困难职工档案中登记的子女"):
        cases.transition(actor=worker_user("王芳"), case=case, name="submit")


def test_a_worker_off_file_applies_only_when_the_campaign_allows_and_below_the_line(apply, autumn_campaign):
    with pytest.raises(ValidationError, match="请先申请困难职工建档"):
        apply()
    autumn_campaign.off_file = True
    autumn_campaign.save()
    with pytest.raises(ValidationError, match=r"家庭人均月收入须低于1,700\.00元"):
        apply(household_income="1800")
    case = apply(household_income="1500")
    # the amount for a child off file is the tier's own (here 1,000 less)
    assert services.autumn_amount(case) == (Decimal("2000"), "uni_first")


def test_approved_after_the_notice_at_the_tiers_amount(apply, on_file, autumn_campaign, staff, today):
    on_file()
    case = apply()
    clerk = staff["qingyang_staff"]
    cases.transition(actor=clerk, case=case, name="accept")
    with pytest.raises(ValidationError, match="当前不能公示"):
        services.publicise(actor=clerk, case_list=[case], title="公示")
    cases.transition(actor=clerk, case=case, name="review")
    notice = services.publicise(actor=clerk, case_list=[case], title="金秋助学资助对象公示")
    entry = notice.entries.get()
    assert "福州大学（本科一年级（本二及以上）），拟资助3,000.00元" in entry.summary and "陈子涵" not in entry.summary
    today(notice.closes_on + dt.timedelta(days=1))
    case.refresh_from_db()
    cases.transition(actor=clerk, case=case, name="approve")
    assert Award.objects.get(case=case).amount == Decimal("3000.00")


def test_a_strangers_aid_is_not_revealed_to_an_applicant(apply, on_file, autumn_campaign, people, worker_user, staff,
                                                         today):
    """An off-file applicant typing the ID number of a student aided elsewhere learns only that the student
    has had such aid this year — not the programme's case, its amount or the name."""
    on_file()
    first = apply()
    clerk = staff["qingyang_staff"]
    for step in ("accept", "review"):
        cases.transition(actor=clerk, case=first, name=step)
    notice = services.publicise(actor=clerk, case_list=[first], title="公示")
    today(notice.closes_on + dt.timedelta(days=1))
    first.refresh_from_db()
    cases.transition(actor=clerk, case=first, name="approve")
    autumn_campaign.off_file = True
    autumn_campaign.closes_on = notice.closes_on + dt.timedelta(days=30)
    autumn_campaign.save()
    other = apply(name="张伟", submit=False, household_income="1200",
                  student_id=autumn_form(people["王芳"])["student_id"])  # 王芳's son, typed by a stranger
    with pytest.raises(ValidationError) as refused:
        cases.transition(actor=worker_user("张伟"), case=other, name="submit")
    said = " ".join(refused.value.messages)
    assert "已获助学类救助" in said and first.number not in said and "陈子涵" not in said and "3,000" not in said
