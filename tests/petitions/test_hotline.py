"""The 12351 hotline: calls logged, work orders by difficulty in working days, dispatch, answer, call-back."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from gonghui.cases import services as cases
from gonghui.petitions import services
from gonghui.petitions.models import HotlineCall, Petition

pytestmark = pytest.mark.django_db


def test_an_order_runs_the_working_days_of_its_difficulty_across_national_day(register, today, staff):
    today(dt.date(2026, 9, 30))
    order = register("city_staff", item="hotline", caller_phone="13600000001", recording_ref="REC-0930-01",
                     form={"difficulty": "一般"})
    assert [c.key for c in order.clock_set.all()] == ["ordinary"]
    # 1-7 October are off; Saturday 10 October is worked: the 3rd working day after 30 September
    assert order.clock_set.get().due_on == dt.date(2026, 10, 10)
    hard = register("city_staff", item="hotline", caller_phone="13600000001", repeat_note="另一问题",
                    form={"difficulty": "疑难"})
    assert [c.key for c in hard.clock_set.all()] == ["difficult"]
    assert hard.clock_set.get().due_on == dt.date(2026, 10, 23)


def test_an_order_is_dispatched_answered_and_called_back(register, today, staff):
    today(dt.date(2026, 11, 2))
    order = register("city_staff", item="hotline", caller_phone="0595-85681234", form={"difficulty": "一般"})
    with pytest.raises(ValidationError):
        register("city_staff", item="hotline", caller_phone="", repeat_note="x")
    order = services.dispatch(actor=staff["city_staff"], case=order, org=staff["qingyang_staff"].org)
    assert order.state == "dispatched" and order.org.code == "qingyang"
    assert Petition.objects.get(case=order).route == "dispatch"
    # the hotline that took the call still knows the caller (it calls back); the town handling it too
    from gonghui.cases.models import Case

    for who in ("city_staff", "qingyang_staff"):
        assert cases.applicant_shown(Case.objects.get(pk=order.pk), staff[who]) == "王芳"
    order = cases.transition(actor=staff["qingyang_staff"], case=order, name="answer",
                             data={"answer": "已约谈企业，工资本周发放。"})
    assert order.state == "handled" and order.clock_set.get(key="callback").due_on == dt.date(2026, 11, 3)
    with pytest.raises(ValidationError, match="回访结果"):
        services.call_back(actor=staff["city_staff"], case=order, satisfaction="")
    order = services.call_back(actor=staff["city_staff"], case=order, satisfaction="满意", note="已收到工资")
    assert order.state == "called_back" and Petition.objects.get(case=order).satisfaction == "satisfied"
    assert not order.missed_deadline


def test_a_call_answered_on_the_spot_is_logged_without_an_order(staff):
    call = services.call_log(actor=staff["city_staff"], caller_phone="13600000009", kind="wages",
                             topic="咨询最低工资标准", answer="晋江市最低工资标准为每月2030元")
    assert HotlineCall.objects.get() == call and call.order is None
    with pytest.raises(ValidationError, match="来电内容"):
        services.call_log(actor=staff["city_staff"], caller_phone="13600000009", kind="wages", topic=" ")


def test_an_order_filed_through_the_general_intake_keeps_its_channel_and_clock(staff, people):
    from gonghui.cases.models import ServiceItem

    order = cases.case_create(actor=staff["city_staff"], item=ServiceItem.objects.get(code="hotline"),
                              worker=people["王芳"], submit=True,
                              data={"kind": "工资报酬", "difficulty": "复杂", "facts": "多名职工反映欠薪"})
    petition = Petition.objects.get(case=order)
    assert (petition.channel, petition.difficulty) == ("hotline", "complex")
    assert [c.key for c in order.clock_set.all()] == ["complex"]
