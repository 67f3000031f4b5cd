"""A recurring schedule over the official calendar: public holidays skipped (or kept) and the weekend days
worked to make up for them (调休上班) holding sessions when the schedule says so — across Labour Day 2026
(1–5 May off, Saturday 9 May worked) and National Day 2026 (1–7 October off, 20 September and 10 October
worked)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from gonghui.scheduling import recurrence, services
from gonghui.scheduling.models import Service, Session

D = dt.date


def test_a_weekday_schedule_skips_labour_day_and_opens_on_the_make_up_saturday(db):
    days = recurrence.dates(range(5), D(2026, 4, 27), D(2026, 5, 10), on_make_up="hold")
    assert days == [D(2026, 4, 27), D(2026, 4, 28), D(2026, 4, 29), D(2026, 4, 30),  # Mon–Thu
                    D(2026, 5, 6), D(2026, 5, 7), D(2026, 5, 8), D(2026, 5, 9)]  # back on Wed, and Saturday 9th
    # a schedule that does not open on make-up days leaves Saturday out
    assert D(2026, 5, 9) not in recurrence.dates(range(5), D(2026, 4, 27), D(2026, 5, 10))


def test_the_wednesday_clinic_skips_the_national_day_wednesday_unless_it_keeps_holidays(db):
    wednesdays = recurrence.dates([2], D(2026, 9, 14), D(2026, 10, 18))
    assert wednesdays == [D(2026, 9, 16), D(2026, 9, 23), D(2026, 9, 30), D(2026, 10, 14)]  # 7 Oct is a holiday
    assert D(2026, 10, 7) in recurrence.dates([2], D(2026, 9, 14), D(2026, 10, 18), on_holiday="keep")
    # the make-up Sunday 20 September and Saturday 10 October are not Wednesdays: a Wednesday-only clinic that
    # "holds on make-up days" opens on them as the working days they are
    held = recurrence.dates([2], D(2026, 9, 14), D(2026, 10, 18), on_make_up="hold")
    assert {D(2026, 9, 20), D(2026, 10, 10)} <= set(held)


def test_slots_cut_the_morning_and_the_afternoon(db):
    blocks = recurrence.parse_blocks("14:30-17:00，09:00-11:30")
    assert blocks == [["09:00", "11:30"], ["14:30", "17:00"]]
    times = recurrence.slots(blocks, 30)
    assert len(times) == 10 and times[0] == (dt.time(9), dt.time(9, 30)) and times[-1] == (dt.time(16, 30),
                                                                                           dt.time(17))
    assert recurrence.slots(blocks, None) == [(dt.time(9), dt.time(11, 30)), (dt.time(14, 30), dt.time(17))]


@pytest.mark.parametrize("text, message", [("", "至少一个时段"), ("9点-11点", "时:分"), ("11:00-09:00", "晚于"),
                                           ("09:00-11:00,10:00-12:00", "重叠")])
def test_a_bad_block_is_refused_in_chinese(db, text, message):
    with pytest.raises(ValidationError) as refused:
        recurrence.parse_blocks(text)
    assert message in refused.value.messages[0]


def test_a_schedule_makes_its_sessions_with_their_doctor(city, staff, doctors, today):
    today(D(2026, 4, 20))
    schedule = services.schedule_create(
        actor=staff["city_staff"], service=Service.objects.get(code="spine_clinic"), org=city["jinjiang"],
        title="每周三脊椎养护门诊", weekdays=[2], blocks=[["09:00", "11:30"], ["14:30", "17:00"]], slot_minutes=30,
        capacity=2, starts_on=D(2026, 4, 20), ends_on=D(2026, 5, 31), providers=doctors[:1])
    sessions = Session.objects.filter(schedule=schedule)
    assert sorted({s.date for s in sessions}) == [D(2026, 4, 22), D(2026, 4, 29), D(2026, 5, 6), D(2026, 5, 13),
                                                  D(2026, 5, 20), D(2026, 5, 27)]
    assert sessions.count() == 6 * 10
    assert all(list(s.providers.all()) == doctors[:1] for s in sessions[:3])


def test_a_town_clerk_cannot_schedule_for_the_city_nor_name_a_stranger(city, staff, doctors, today):
    today(D(2026, 4, 20))
    args = dict(service=Service.objects.get(code="spine_clinic"), title="x", weekdays=[2], blocks=[["09:00", "10:00"]],
                capacity=2, starts_on=D(2026, 4, 20), ends_on=D(2026, 4, 30))
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.schedule_create(actor=staff["qingyang_staff"], org=city["jinjiang"], **args)
    with pytest.raises(ValidationError) as refused:  # a clerk is not a contracted provider
        services.schedule_create(actor=staff["city_staff"], org=city["jinjiang"], providers=[staff["meiling_staff"]],
                                 **args)
    assert "不是签约的服务人员" in " ".join(refused.value.messages)


def test_a_provider_serves_only_unions_under_the_one_that_contracted_her(city, staff, grant, today):
    from django.contrib.auth import get_user_model

    from gonghui.accounts.models import Partner, PartnerKind

    today(D(2026, 4, 20))
    clinic = Partner.objects.create(name="青阳社区卫生服务中心", kind=PartnerKind.CLINIC, org=city["qingyang"])
    doctor = get_user_model().objects.create_user("qy_doctor", password="x", name="青阳医生", partner=clinic,
                                                  must_change_password=False)
    grant(doctor, "health_provider", city["qingyang"])
    service = Service.objects.get(code="spine_clinic")
    args = dict(service=service, date=D(2026, 4, 22), starts_at=dt.time(9), ends_at=dt.time(10), capacity=2)
    assert services.session_create(actor=staff["qingyang_staff"], org=city["qingyang"], providers=[doctor], **args)
    with pytest.raises(ValidationError, match="未与梅岭街道总工会或其上级工会签约"):
        services.session_create(actor=staff["meiling_staff"], org=city["meiling"], providers=[doctor], **args)
