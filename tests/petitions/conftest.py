"""Fixtures of petitions: registering a petition or a hotline order at a centre, as the clerk does."""

from __future__ import annotations

import pytest

from gonghui.core.idnumber import check_char
from gonghui.petitions import services


def new_id(body: str = "35058219800303005") -> str:
    return body + check_char(body)


FORM = {"kind": "工资报酬", "subject": "晋江市青阳办件测试鞋业有限公司", "facts": "2026年工资拖欠三个月，共计18000元。",
        "request": "请工会协调企业支付工资。"}


@pytest.fixture
def register(staff, people):
    """Register a matter as ``who`` (a demo username) for a petitioner (王芳 by default)."""

    def _register(who="qingyang_staff", *, person="王芳", item="petition", channel="visit", form=None, **extra):
        worker = people.get(person)
        id_number = extra.pop("id_number", None) or (worker and _id_of(worker))
        return services.register(actor=staff[who], item_code=item, channel=channel, id_number=id_number,
                                 form={**FORM, **(form or {})}, **extra)

    return _register


def _id_of(worker) -> str:
    from gonghui.core import pii

    return pii.decrypt(worker.id_enc, field="id_number")
