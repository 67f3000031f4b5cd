"""The needy-worker programmes on /api/v1/: a file with its household masked, its working and its notice;
a member added by an intake system (refused in Chinese when wrong); an application with its award and the
ledger."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.assistance.conftest import member_id

pytestmark = pytest.mark.django_db


def test_a_file_and_its_household_on_the_api(visited, staff, login, people):
    case = visited()
    api = login("qingyang_staff")
    got = api.get(f"/api/v1/assistance/files/{case.number}").json()
    detail = got["detail"]
    assert (got["state"], detail["category"], detail["per_capita"]) == ("visited", "deep", "375.00")
    own = people["王芳"].id_number_clear()
    assert detail["household"][0]["id_masked"] == own[:6] + "*" * 10 + own[-4:]
    assert own not in json.dumps(got, ensure_ascii=False)
    assert detail["visits"][0]["visitors"] == "陈志强、黄丽娟" and detail["notice"] is None
    bad = api.post(f"/api/v1/assistance/files/{case.number}/members", json.dumps(
        {"name": "陈小妹", "relation": "child", "id_number": "350582201201010000"}), content_type="application/json")
    assert bad.status_code == 422 and "身份证号" in json.dumps(bad.json(), ensure_ascii=False)
    added = api.post(f"/api/v1/assistance/files/{case.number}/members", json.dumps(
        {"name": "陈小妹", "relation": "child", "id_number": member_id(people["王芳"], dt.date(2015, 6, 1), 61),
         "schooling": "primary", "employment": "student"}), content_type="application/json")
    assert added.status_code == 201 and len(added.json()["detail"]["household"]) == 5
    # (24,000 − 6,000) ÷ 12 ÷ 5 = 300
    assert added.json()["detail"]["per_capita"] == "300.00"
    assert login("meiling_staff").get(f"/api/v1/assistance/files/{case.number}").status_code == 404
