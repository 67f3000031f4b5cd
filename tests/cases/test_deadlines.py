"""Deadlines in working days on the official calendar: a holiday, a make-up working Saturday, a pause
while the applicant completes the case, one extension, a missed deadline kept on the record, colours
and the daily digest. The 2026 Spring Festival: 15–23 Feb off, Saturdays 14 and 28 Feb worked."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from gonghui.cases import services, tasks
from gonghui.cases.models import Case, CaseClock, Message, Urgency


def _clock(case, key):
    return CaseClock.objects.get(case=case, key=key)


def test_a_deadline_skips_the_spring_festival_and_counts_the_make_up_saturday(submitted, today):
    today(dt.date(2026, 2, 13))  # Friday before the holiday
    case = submitted()
    # accept within 2 working days: Sat 14 Feb (worked) and Tue 24 Feb
    assert _clock(case, "accept").due_on == dt.date(2026, 2, 24)
    # finish within 5: 14, 24, 25, 26, 27 Feb
    assert _clock(case, "finish").due_on == dt.date(2026, 2, 27)
    assert Case.objects.get(pk=case.pk).due_on == dt.date(2026, 2, 24)  # the nearest running clock


def test_the_clock_pauses_while_the_applicant_completes_the_case(submitted, staff, worker_user, today):
    clerk = staff["qingyang_staff"]
    today(dt.date(2026, 2, 13))
    case = submitted()
    today(dt.date(2026, 2, 24))
    services.transition(actor=clerk, case=case, name="accept")
    services.transition(actor=clerk, case=case, name="return",
                        fix={"items": [{"type": "material", "key": "id_card", "note": "反面缺失"}]})
    finish = _clock(case, "finish")
    assert finish.paused_on == dt.date(2026, 2, 24) and finish.remaining_at_pause == 3  # 25, 26, 27 Feb
    stored = Case.objects.get(pk=case.pk)
    assert stored.urgency == Urgency.NONE and stored.due_on is None  # waiting on the applicant
    # a week later the applicant fixes it and resubmits on Monday 2 March
    today(dt.date(2026, 3, 2))
    from .conftest import png

    services.attachment_add(actor=worker_user("王芳"), case=case, material="id_card", name="id.png", data=png((9, 9, 9)))
    services.transition(actor=worker_user("王芳"), case=case, name="submit")
    finish.refresh_from_db()
    assert finish.paused_on is None and finish.due_on == dt.date(2026, 3, 5)  # 3 working days again
    assert _clock(case, "accept").stopped_on == dt.date(2026, 2, 24)  # met, not restarted


def test_a_deadline_is_extended_once_with_a_reason_the_applicant_is_told(submitted, staff, worker_user, today):
    today(dt.date(2026, 3, 2))
    case = submitted()
    clerk, reviewer = staff["qingyang_staff"], staff["city_staff"]
    with pytest.raises(Exception, match="批准延长时限"):
        services.extend_deadline(actor=clerk, case=case, clock_key="finish", days=5, reason="x")
    services.extend_deadline(actor=reviewer, case=case, clock_key="finish", days=5, reason="铁路部门放票推迟")
    finish = _clock(case, "finish")
    assert finish.due_on == dt.date(2026, 3, 16) and finish.extension_by == reviewer
    message = Message.objects.get(recipient=worker_user("王芳"), title="办理时限延长")
    assert "延长5个工作日" in message.body and "铁路部门放票推迟" in message.body
    with pytest.raises(ValidationError, match="只能延长一次"):
        services.extend_deadline(actor=reviewer, case=case, clock_key="finish", days=2, reason="再延")


def test_colours_and_a_missed_deadline_that_stays_on_the_record(submitted, staff, today):
    today(dt.date(2026, 3, 2))  # Monday; accept due Wed 4 Mar, finish due Mon 9 Mar
    case = submitted()
    assert Case.objects.get(pk=case.pk).urgency == Urgency.GREEN
    tasks.run_daily(dt.date(2026, 3, 3))
    assert Case.objects.get(pk=case.pk).urgency == Urgency.AMBER  # 1 working day left to accept
    tasks.run_daily(dt.date(2026, 3, 5))
    stored = Case.objects.get(pk=case.pk)
    assert stored.urgency == Urgency.RED and stored.missed_deadline
    assert _clock(case, "accept").missed
    today(dt.date(2026, 3, 5))
    services.transition(actor=staff["qingyang_staff"], case=case, name="accept")
    stored = Case.objects.get(pk=case.pk)
    assert stored.due_on == dt.date(2026, 3, 9) and stored.urgency == Urgency.GREEN  # amber from 6 Mar
    assert stored.missed_deadline  # the late acceptance stays on the record
    for step in ("approve", "fulfil"):
        services.transition(actor=staff["qingyang_staff"], case=case, name=step)
    stored = Case.objects.get(pk=case.pk)
    assert stored.is_closed and stored.missed_deadline and stored.urgency == Urgency.NONE


def test_the_queue_puts_overdue_cases_first(submitted, staff, today):
    from gonghui.cases import selectors

    today(dt.date(2026, 3, 2))
    late = submitted()
    today(dt.date(2026, 3, 4))
    fresh = submitted("李强")
    tasks.run_daily(dt.date(2026, 3, 5))
    order = [c.number for c in selectors.queue(user=staff["qingyang_staff"])]
    assert order == [late.number, fresh.number]
    assert [c.number for c in selectors.queue(user=staff["qingyang_staff"], urgency=str(Urgency.AMBER))] == [fresh.number]


def test_the_daily_digest_tells_the_centre_and_its_parent_once_a_day(submitted, staff, today):
    today(dt.date(2026, 3, 2))
    submitted()
    assert tasks.run_daily(dt.date(2026, 3, 5))["messages"] >= 2
    for username in ("qingyang_staff", "city_staff"):
        message = Message.objects.get(recipient=staff[username], title__startswith="办件到期提醒")
        assert "青阳街道" in message.body and "已超期1件" in message.body
    assert not Message.objects.filter(recipient=staff["meiling_staff"]).exists()
    assert tasks.run_daily(dt.date(2026, 3, 5))["messages"] == 0  # again the same day: nothing new


def test_a_clock_in_calendar_days(ticket, submitted, today):
    """Where a law says days (petitions), every day counts, holidays included; but a period whose last day
    is a rest day or public holiday ends on the first working day after it (Civil Code Art. 203)."""
    ticket.clocks = [{"key": "finish", "label": "办结期限", "days": 10, "unit": "calendar"}]
    ticket.save()
    today(dt.date(2026, 2, 13))
    case = submitted()
    # 10 days from 13 February is the 23rd, the last day of the Spring Festival holiday: the 24th
    assert _clock(case, "finish").due_on == dt.date(2026, 2, 24)
    stored = Case.objects.get(pk=case.pk)
    assert stored.amber_on == dt.date(2026, 2, 22)  # a third of 10 days, capped at clocks.AMBER_DAYS
