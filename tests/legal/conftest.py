"""Fixtures of legal services: the demo law firm and its lawyers, a second firm, and a legal-aid
application of 王芳 (青阳) submitted from her phone with its materials."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from gonghui.cases import services as cases
from gonghui.cases.models import ServiceItem
from tests.cases.conftest import png, submitted, ticket  # noqa: F401 - fixtures of the engine's tests


@pytest.fixture
def lawyers(city):
    from gonghui.legal.demo_data import ensure_partners

    return ensure_partners()


@pytest.fixture
def other_lawyer(city):
    """A lawyer of another firm under agreement with the city."""
    from gonghui.legal.demo_data import ensure_partners

    return ensure_partners(firm="泉州另一律师事务所", lawyers=["郭明"], prefix="otherfirm")[0]


@pytest.fixture
def aid_item(db):
    return ServiceItem.objects.get(code="legal_aid")


def aid_form(**extra) -> dict:
    return {"claim_type": "追索劳动报酬", "opponent": "晋江市青阳办件测试鞋业有限公司", "amount": "36000",
            "facts": "2026年3月至8月工资未发，共计36000元。", "phone": "13600000001", **extra}


@pytest.fixture
def applied(aid_item, worker_user):
    """王芳's application, filed and submitted by herself with the required materials."""

    def _make(name="王芳", **form):
        user = worker_user(name)
        case = cases.case_create(actor=user, item=aid_item, data=aid_form(**form))
        for material in ("id_card", "labour_proof"):
            cases.attachment_add(actor=user, case=case, material=material, name=f"{material}.png", data=png())
        return cases.transition(actor=user, case=case, name="submit")

    return _make


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)
