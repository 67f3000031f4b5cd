"""Duty rosters: the city plans the 陈埭 town centre's festival duty in one go; workers see on /m/ when a
lawyer sits near them; each half-day served earns the firm a reward, paid through the payments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from gonghui.cases.services import CaseConflict
from gonghui.legal import services
from gonghui.legal.models import DutySlot, RewardLine
from gonghui.orgs.models import ServiceCentre

pytestmark = pytest.mark.django_db


@pytest.fixture
def chendai(city):
    return ServiceCentre.objects.filter(org__code="chendai", kind="town").first()


def test_the_festival_duty_is_planned_shown_recorded_and_paid(chendai, lawyers, staff, login, today, worker_user):
    today(dt.date(2026, 2, 9))
    desk = login("city_staff")
    desk.post("/desk/legal/duty/", {"lawyer": lawyers[0].pk, "centre": chendai.pk, "start": "2026-02-10",
                                    "end": "2026-02-12", "halves": ["am", "pm"], "note": "春节前欠薪维权值班"})
    assert DutySlot.objects.filter(centre=chendai).count() == 6
    r = desk.post("/desk/legal/duty/", {"lawyer": lawyers[0].pk, "centre": chendai.pk, "start": "2026-02-12",
                                        "end": "2026-02-13", "halves": ["am"]}, follow=True)
    assert "已安排1个半天，1个半天该律师已有值班，已跳过" in r.content.decode()
    desk.post("/desk/legal/duty/", {"lawyer": lawyers[1].pk, "centre": chendai.pk, "start": "2026-02-10",
                                    "halves": ["am"]})  # two lawyers on the first morning

    # a worker of 青阳 sees where and when, signed in or not
    page = Client().get("/m/legal/duty/").content.decode()
    assert "陈建华律师、林秀英律师（福建晋律律师事务所）" in page  # both lawyers on the first morning
    assert page.count(chendai.name) == 4  # one card a day: 02-10 … 02-13, none served yet

    # after the day: served or not; a served half-day earns the scheme's 180 yuan, once
    today(dt.date(2026, 2, 10))
    first = DutySlot.objects.get(lawyer=lawyers[0], day=dt.date(2026, 2, 10), half="am")
    desk = login("city_staff")
    desk.post(f"/desk/legal/duty/{first.pk}/record/", {"served": "1"})
    reward = RewardLine.objects.get(duty=first)
    assert reward.amount == Decimal("180.00") and reward.org == chendai.org and reward.partner == lawyers[0].partner
    with pytest.raises(CaseConflict):
        services.duty_record(actor=staff["city_staff"], slot=DutySlot.objects.get(pk=first.pk), served=False)
    later = DutySlot.objects.get(lawyer=lawyers[0], day=dt.date(2026, 2, 11), half="am")
    with pytest.raises(ValidationError, match="值班日之后"):
        services.duty_record(actor=staff["city_staff"], slot=later, served=True)
    absent = DutySlot.objects.get(lawyer=lawyers[1], day=dt.date(2026, 2, 10))
    services.duty_record(actor=staff["city_staff"], slot=absent, served=False)
    assert not RewardLine.objects.filter(duty=absent).exists()

    # paid to the firm like a case's reward, with a reference of its own
    from gonghui.legal.payments import line_for, payable_rows

    line = line_for(payable_rows(staff["city_finance"]).get(duty=first))
    assert line.reference == f"ZB-20260210-{first.pk}" and line.amount == Decimal("180.00")
    assert line.org_id == chendai.org_id and line.case_id is None
    assert "值班 02-10上午" in desk.get("/desk/legal/rewards/").content.decode()


def test_a_town_plans_only_at_its_own_centres(chendai, lawyers, staff, login):
    qingyang = ServiceCentre.objects.filter(org__code="qingyang", kind="town").first()
    client = login("qingyang_staff")
    r = client.post("/desk/legal/duty/", {"lawyer": lawyers[0].pk, "centre": chendai.pk, "start": "2026-12-10",
                                          "halves": ["am"]}, follow=True)
    assert "请选择值班地点" in r.content.decode() and not DutySlot.objects.exists()
    client.post("/desk/legal/duty/", {"lawyer": lawyers[0].pk, "centre": qingyang.pk, "start": "2026-12-10",
                                      "halves": ["pm"]})
    assert DutySlot.objects.get().centre == qingyang
    with pytest.raises(ValidationError, match="签约律师"):
        services.duty_plan(actor=staff["qingyang_staff"], lawyer=staff["meiling_staff"], centre=qingyang,
                           start="2026-12-11", end="2026-12-11", halves=["am"])
    with pytest.raises(ValidationError, match="最多安排"):
        services.duty_plan(actor=staff["qingyang_staff"], lawyer=lawyers[0], centre=qingyang,
                           start="2026-12-11", end="2027-03-11", halves=["am"])
    assert login("meiling_staff").get("/desk/legal/duty/?from=2026-12-01&to=2026-12-31").content.decode().count(
        qingyang.name) == 0
