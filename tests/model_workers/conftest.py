"""Fixtures of the model workers' module: the shipped example rules (back after a transactional test's
flush) and a way to register model workers as the city or a town's staff would."""

from __future__ import annotations

import datetime as dt
import importlib
import itertools

import pytest

from gonghui.core import idnumber
from tests.mutual_aid.conftest import enrolled, filed, inpatient, item, plan  # noqa: F401 - mutual aid's fixtures

_serial = itertools.count(1)


@pytest.fixture(autouse=True)
def _rules(db):
    from django.apps import apps

    from gonghui.model_workers.models import Title

    if not Title.objects.exists():
        importlib.import_module("gonghui.model_workers.migrations.0002_example_rules").add(apps, None)


def new_id(born: dt.date = dt.date(1958, 5, 6)) -> str:
    body = f"350582{born:%Y%m%d}{800 + next(_serial) % 199:03d}"
    return body + idnumber.check_char(body)


@pytest.fixture
def titles(db):
    from gonghui.model_workers.models import Title

    return {t.name: t for t in Title.objects.all()}


@pytest.fixture
def register(city, staff, titles):
    """Register a model worker (by default a retired provincial one of 青阳, outside the registry)."""
    from gonghui.model_workers import services

    def _make(name="陈金水", *, id_number=None, level="provincial", unit="qingyang", retired_on="2015-03-01",
              died_on="", by="city_staff", title="劳动模范", card=True):
        mw = services.register(actor=staff[by], id_number=id_number or new_id(), name=name, title=titles[title].pk,
                               level=level, year_awarded="2005", awarding_body="福建省人民政府",
                               retired_on=retired_on or "", died_on=died_on, org=city[unit].pk)
        if card:
            services.bank_set(actor=staff[by], mw=mw, bank_card=f"6217{mw.pk:012d}", bank_name="中国建设银行晋江支行")
        return mw

    return _make
