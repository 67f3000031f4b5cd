"""Fixtures of scheduling: the city centre's Wednesday spine clinic with its doctor, and booking as the worker
does on /m/ (王芳 and 张伟 are women, 李强 a man)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gonghui.accounts.demo_accounts import ensure_partner_people
from gonghui.accounts.models import PartnerKind
from gonghui.scheduling import services
from gonghui.scheduling.models import Service, Session


@pytest.fixture
def doctors(city):
    return ensure_partner_people(name="晋江市康复理疗诊所", kind=PartnerKind.CLINIC, role="health_provider",
                                 people=["骆医生", "蔡医生"], prefix="doctor", title="医师")


@pytest.fixture
def counsellors(city):
    return ensure_partner_people(name="晋江市心语心理咨询中心", kind=PartnerKind.COUNSELLING, role="counsellor",
                                 people=["苏老师", "林老师"], prefix="counsellor", title="国家二级心理咨询师")


def next_weekday(weekday: int, after: dt.date | None = None) -> dt.date:
    """The next ``weekday`` (0 = Monday) strictly after ``after`` (today) that is not a public holiday."""
    from gonghui.core.calendar import exceptions

    day = (after or timezone.localdate()) + dt.timedelta(days=1)
    while day.weekday() != weekday or exceptions(day, day).get(day) == "holiday":
        day += dt.timedelta(days=1)
    return day


@pytest.fixture
def session(city, staff, doctors):
    """One slot of next Wednesday's clinic at the city centre, ``capacity`` places, doctor 1 on it."""

    def _make(capacity=1, *, day=None, service="spine_clinic", org="jinjiang", start=dt.time(9), end=dt.time(9, 30),
              who="city_staff", providers=None):
        return services.session_create(
            actor=staff[who], service=Service.objects.get(code=service), org=city[org],
            date=day or next_weekday(2), starts_at=start, ends_at=end, capacity=capacity,
            providers=doctors[:1] if providers is None else providers)

    return _make


@pytest.fixture
def book(worker_user, people):
    """Book as the worker does on /m/."""

    def _book(name: str, target):
        kind = "session" if isinstance(target, Session) else "course"
        return services.book(actor=worker_user(name), worker=people[name], **{kind: target})

    return _book
