"""Fixtures of the needy-worker programmes: the shipped example rules (back after a transactional test's
flush), a household of 王芳 (青阳) applied for from her phone, taken to the notice by the town's staff."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.utils import timezone

from gonghui.cases import services as cases
from gonghui.cases.models import ServiceItem
from gonghui.core import idnumber
from tests.cases.conftest import png
from tests.mutual_aid.conftest import enrolled, filed, inpatient, item, plan  # noqa: F401 - mutual aid's fixtures


@pytest.fixture(autouse=True)
def _rules(db):
    """The example rules a data migration ships (a transactional test's flush removes them)."""
    from django.apps import apps

    from gonghui.assistance.models import HardshipRules

    if not HardshipRules.objects.exists():
        importlib.import_module("gonghui.assistance.migrations.0002_example_rules").create(apps, None)


def member_id(worker, born: dt.date, seq: int) -> str:
    body = f"{worker.id_number_clear()[:6]}{born:%Y%m%d}{seq:03d}"
    return body + idnumber.check_char(body)


FILE_FORM = {"cause": "本人或家人患重病", "medical_costs": "6000", "education_costs": "0",
             "situation": "丈夫患尿毒症，每周透析三次，家中两个孩子上学。", "phone": "13600000001"}


@pytest.fixture
def file_item(db):
    return ServiceItem.objects.get(code="hardship_file")


@pytest.fixture
def household(file_item, worker_user, people):
    """王芳 applies on her phone: herself (24,000 a year), her husband (no income, seriously ill), a son at
    university and a daughter at high school — 4 people; (24,000 − 6,000) ÷ 12 ÷ 4 = 375 a month."""
    from gonghui.assistance import services

    def _make(name="王芳", incomes=("24000", "0"), form=None, submit=True):
        user = worker_user(name)
        worker = people[name]
        case = cases.case_create(actor=user, item=file_item, data={**FILE_FORM, **(form or {})})
        services.member_add(actor=user, case=case, name=name, relation="self", id_number=worker.id_number_clear(),
                            income=incomes[0])
        services.member_add(actor=user, case=case, name="陈建国", relation="spouse", health="serious",
                            employment="unable", id_number=member_id(worker, dt.date(1988, 3, 4), 11),
                            income=incomes[1])
        services.member_add(actor=user, case=case, name="陈子涵", relation="child", schooling="university",
                            employment="student", id_number=member_id(worker, dt.date(2008, 9, 1), 31), income="0")
        services.member_add(actor=user, case=case, name="陈雨萱", relation="child", schooling="high",
                            employment="student", id_number=member_id(worker, dt.date(2010, 5, 6), 42), income="0")
        for material in ("id_card", "hukou", "income_proof"):
            cases.attachment_add(actor=user, case=case, material=material, name=f"{material}.png", data=png())
        if submit:
            cases.transition(actor=user, case=case, name="submit")
        return case

    return _make


def clerk_of(case, staff):
    """The town centre's clerk of the case (青阳 or 梅岭)."""
    return staff["qingyang_staff"] if case.org.code == "qingyang" else staff["meiling_staff"]


@pytest.fixture
def visited(household, staff):
    """The town's staff accept 王芳's application and record the home visit with its photo."""
    from gonghui.assistance import services

    def _make(**kwargs):
        case = household(**kwargs)
        clerk = clerk_of(case, staff)
        cases.transition(actor=clerk, case=case, name="accept")
        cases.attachment_add(actor=clerk, case=case, material="visit_photos", name="visit.png", data=png())
        services.visit_record(actor=clerk, case=case, visited_on=timezone.localdate(),
                              visitors="陈志强、黄丽娟", findings="家中陈设简陋，丈夫卧床，情况属实。")
        case.refresh_from_db()
        return case

    return _make


@pytest.fixture
def on_file(visited, staff):
    """王芳's household on file: published 12 days ago (the window long closed), approved today."""
    from gonghui.assistance import services

    def _make(**kwargs):
        case = visited(**kwargs)
        clerk = clerk_of(case, staff)
        back = timezone.localdate() - dt.timedelta(days=20)
        services.publicise(actor=clerk, case_list=[case], title="青阳街道困难职工建档公示",
                           on=max(back, timezone.localdate() - dt.timedelta(days=30)))
        case.refresh_from_db()
        cases.transition(actor=clerk, case=case, name="approve")
        case.refresh_from_db()
        return case

    return _make


@pytest.fixture
def autumn_campaign(db):
    from decimal import Decimal

    from django.utils import timezone

    from gonghui.assistance.models import Campaign, Tier

    today = timezone.localdate()
    campaign = Campaign.objects.create(year=today.year, name=f"{today.year}年金秋助学",
                                       opens_on=today - dt.timedelta(days=10), closes_on=today + dt.timedelta(days=20))
    for n, (code, label, amount) in enumerate([("uni_first", "本科一年级（本二及以上）", "3000"),
                                               ("uni_other", "本科其他年级", "2000"), ("high", "高中、中职", "1000")]):
        Tier.objects.create(campaign=campaign, code=code, label=label, amount=Decimal(amount), order=n,
                            amount_off_file=Decimal(amount) - 1000 if code != "high" else None)
    return campaign


def autumn_form(worker, **extra) -> dict:
    return {"student_name": "陈子涵", "student_id": member_id(worker, dt.date(2008, 9, 1), 31), "school": "福州大学",
            "tier": "本科一年级（本二及以上）", "excluded": "以上情形均不是", "other_funding": "否",
            "bank_name": "中国农业银行晋江支行", "bank_card": "6228480012345678901", "phone": "13600000001", **extra}
