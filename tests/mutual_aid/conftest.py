"""Fixtures of the mutual-aid tests: the example plan years, enrolled workers, claims at each step."""

from __future__ import annotations

import datetime as dt
import importlib
import time

import pytest

from gonghui.cases import services as cases
from gonghui.cases.models import ServiceItem
from gonghui.core.context import Context
from gonghui.mutual_aid import services
from gonghui.mutual_aid.models import PlanYear
from tests.cases.conftest import png


@pytest.fixture
def plan(db):
    """The example plan years as the data migration ships them (again after a flush)."""
    if not PlanYear.objects.exists():
        migration = importlib.import_module("gonghui.mutual_aid.migrations.0002_example_plan_year")
        from django.apps import apps

        migration.create(apps, None)
    return PlanYear.objects.get(year=2026)


@pytest.fixture
def inpatient(plan):
    return plan.products.get(code="inpatient")


@pytest.fixture
def women(plan):
    return plan.products.get(code="women")


@pytest.fixture
def item(db):
    return ServiceItem.objects.get(code=services.ITEM_CODE)


@pytest.fixture
def enrolled(people, inpatient):
    services._enrol_rows(inpatient, list(people.values()), dt.date(2025, 12, 20), "roster")
    return people


def verified(user):
    """The context of ``user`` having passed the second factor a moment ago (core.context)."""
    return Context(channel="web", second_factor_at=time.time())


def claim_form(**extra) -> dict:
    return {"product": "住院医疗互助", "hospital": "晋江市医院", "admitted_on": "2026-03-01",
            "discharged_on": "2026-03-08", "diagnosis": "肺炎", "bank_name": "中国农业银行晋江支行",
            "bank_card": "6228480012345678901", **extra}


@pytest.fixture
def filed(item, enrolled, worker_user):
    """A claim of ``name`` filed and submitted by the worker with ``invoices`` [(number, amount, eligible)]."""

    counter = iter(range(1, 1000))

    def _make(name="王芳", invoices=None, submit=True, **form):
        invoices = invoices or ((f"350526{next(counter):05d}", "12000", "10000"),)
        user = worker_user(name)
        case = cases.case_create(actor=user, item=item, data=claim_form(**form))
        for number, amount, eligible in invoices:
            services.invoice_add(actor=user, case=case, number=number, hospital="晋江市医院",
                                 issued_on=form.get("discharged_on", "2026-03-08"), amount=amount, eligible=eligible)
        for material in item.required_materials:
            cases.attachment_add(actor=user, case=case, material=material["key"], name="p.png", data=png())
        if submit:
            cases.transition(actor=user, case=case, name="submit")
        return case

    return _make


@pytest.fixture
def approved(filed, staff):
    def _make(*args, **kwargs):
        case = filed(*args, **kwargs)
        for step in ("accept", "review", "approve"):
            cases.transition(actor=staff["qingyang_staff"] if case.org.code == "qingyang" else staff["city_staff"],
                             case=case, name=step)
        return case

    return _make


@pytest.fixture
def finance(staff, grant):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="city_finance")
    return user


def gather(finance, claims=None):
    """Finance gathers claims (by default every payable one) into a payment batch of mutual aid."""
    from gonghui.mutual_aid.services.payments import SOURCE, payable_rows
    from gonghui.payments import services as payments

    rows = claims if claims is not None else payable_rows(finance)
    return payments.batch_create(actor=finance, source=SOURCE, rows=rows)
