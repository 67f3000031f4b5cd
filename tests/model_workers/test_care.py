"""Condolence visits, health checks (a reminder list; the result encrypted and seen only by the managing
staff, each view audited) and recuperation groups (places per unit, who went)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from gonghui.core.audit import AuditLog
from gonghui.model_workers import selectors, services
from gonghui.model_workers.models import HealthCheck, Visit

D = dt.date


def test_a_visit_is_recorded_with_who_when_why_and_how_much(register, staff):
    mw = register("陈金水")
    visit = services.visit_record(actor=staff["qingyang_staff"], mw=mw, visited_on="2026-11-02",
                                  visitors="青阳街道工会主席", reason="患病住院", amount="2000")
    assert (visit.visited_on, visit.amount) == (D(2026, 11, 2), Decimal("2000"))
    with pytest.raises(ValidationError) as caught:
        services.visit_record(actor=staff["qingyang_staff"], mw=mw, visited_on="2099-01-01", visitors="",
                              reason="", amount="两千")
    assert set(caught.value.message_dict) == {"visited_on", "visitors", "reason", "amount"}
    with pytest.raises(PermissionDenied):
        services.visit_record(actor=staff["meiling_staff"], mw=mw, visited_on="2026-11-02", visitors="某",
                              reason="某", amount="100")
    assert Visit.objects.count() == 1


def test_health_results_are_encrypted_and_each_view_is_audited(register, staff):
    mw = register("陈金水")
    check = services.check_record(actor=staff["qingyang_staff"], mw=mw, checked_on="2026-04-08",
                                  hospital="晋江市医院体检中心", result="血压偏高，建议复查。")
    with connection.cursor() as cursor:
        cursor.execute("SELECT result_enc FROM model_workers_healthcheck WHERE id = %s", [check.pk])
        stored = bytes(cursor.fetchone()[0])
    assert "血压".encode() not in stored
    assert services.check_result_read(actor=staff["qingyang_staff"], check=check) == "血压偏高，建议复查。"
    assert AuditLog.objects.filter(action="model_workers.check_view", object_id=str(mw.pk)).count() == 1
    with pytest.raises(PermissionDenied):
        services.check_result_read(actor=staff["meiling_staff"], check=HealthCheck.objects.get(pk=check.pk))


def test_the_reminder_list_names_who_is_due(register, staff, today):
    today(D(2026, 6, 1))
    checked_2024 = register("陈金水")
    checked_2026 = register("林清泉")
    register("黄永福", level="city")  # never checked: due now
    register("许国栋", died_on="2026-01-01")
    services.check_record(actor=staff["city_staff"], mw=checked_2024, checked_on="2024-05-01", hospital="医院",
                          result="正常")
    services.check_record(actor=staff["city_staff"], mw=checked_2026, checked_on="2026-03-01", hospital="医院",
                          result="正常")
    due = {mw.name: (last, on) for mw, last, on in selectors.checks_due(staff["qingyang_staff"], by=D(2026, 12, 31))}
    assert due == {"陈金水": (D(2024, 5, 1), D(2026, 5, 1)), "黄永福": (None, D(2026, 6, 1))}
    assert selectors.checks_due(staff["meiling_staff"], by=D(2026, 12, 31)) == []


def test_recuperation_places_are_kept_per_unit(register, staff, city, today):
    today(D(2026, 6, 1))
    group = services.group_create(actor=staff["city_staff"], name="2026年第二期劳模疗休养", starts_on="2026-07-01",
                                  destination="武夷山", places={city["qingyang"]: "1", city["meiling"]: ""})
    assert [(p.org.code, p.places) for p in group.places.all()] == [("qingyang", 1)]
    first, second = register("陈金水"), register("林清泉")
    services.recuperant_add(actor=staff["qingyang_staff"], group=group, mw=first)
    with pytest.raises(ValidationError, match="名额已满"):
        services.recuperant_add(actor=staff["qingyang_staff"], group=group, mw=second)
    with pytest.raises(ValidationError, match="没有名额"):
        services.recuperant_add(actor=staff["meiling_staff"], group=group, mw=register("施荣华", unit="meiling"))
    with pytest.raises(PermissionDenied):
        services.group_create(actor=staff["qingyang_staff"], name="x", starts_on="2026-07-01", destination="y",
                              places={city["qingyang"]: "3"})
    services.recuperant_remove(actor=staff["qingyang_staff"], row=group.members.get())
    services.recuperant_add(actor=staff["qingyang_staff"], group=group, mw=second)
    assert [m.model_worker.name for m in group.members.all()] == ["林清泉"]
