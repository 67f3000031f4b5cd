"""Legal services through /api/v1/: each kind of case with its clocks; the lawyer answers and records a stage
through the API as on the page; another lawyer and a town find nothing."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from gonghui.cases import services as cases
from gonghui.cases.models import ServiceItem

pytestmark = pytest.mark.django_db


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_consultations_aid_cases_and_mediations_with_their_clocks(applied, staff, lawyers, worker_user, login):

    from gonghui.legal.demo_data import ensure_districts

    ensure_districts()
    wang = worker_user("王芳")
    consult = cases.case_create(actor=wang, item=ServiceItem.objects.get(code="legal_consult"), data={
        "topic": "工伤赔偿", "question": "工伤认定要多久？"})
    cases.transition(actor=wang, case=consult, name="submit")
    lawyer = login("lawyer1")
    got = lawyer.get(f"/api/v1/legal/consultations/{consult.number}").json()
    assert got["clocks"][0]["key"] == "answer" and got["clocks"][0]["unit"] == "working"
    assert got["detail"]["thread"][0]["text"] == "工伤认定要多久？"
    answered = _post(lawyer, f"/api/v1/legal/consultations/{consult.number}/answers", {"text": "一般60日内。"})
    assert answered.status_code == 200 and answered.json()["state"] == "answered"
    assert answered.json()["clocks"][0]["stopped_on"] is not None

    aid = applied()
    city = staff["city_staff"]
    for step in ("accept", "grant"):
        cases.transition(actor=city, case=aid, name=step)
    cases.transition(actor=city, case=aid, name="assign_lawyer", partner=lawyers[0])
    cases.transition(actor=cases.active_assignment(aid).user, case=aid, name="lawyer_accept")
    lawyer = login("lawyer1")
    stage = _post(lawyer, f"/api/v1/legal/aid/{aid.number}/stages", {"kind": "negotiation",
                                                                     "started_on": str(timezone.localdate(aid.submitted_at))})
    assert stage.status_code == 201 and stage.json()["detail"]["stages"][0]["label"] == "协商"
    refused = _post(lawyer, f"/api/v1/legal/aid/{aid.number}/stages", {"kind": "negotiation",
                                                                       "started_on": "2026-01-01"})
    assert refused.status_code == 422
    got = login("city_staff").get(f"/api/v1/legal/aid/{aid.number}").json()
    assert {c["key"] for c in got["clocks"]} == {"decide", "assign"} and got["lawyer"].startswith("陈建华")
    assert got["detail"]["clients"][0]["claimed"] == "36000.00"

    mediation = cases.case_create(actor=wang, item=ServiceItem.objects.get(code="mediation"), data={
        "claim_type": "追索劳动报酬", "opponent": "某公司", "facts": "欠薪", "workers": "1", "phone": "13600000001"})
    from tests.cases.conftest import png

    cases.attachment_add(actor=wang, case=mediation, material="id_card", name="id.png", data=png())
    cases.transition(actor=wang, case=mediation, name="submit")
    got = login("city_staff").get(f"/api/v1/legal/mediations/{mediation.number}").json()
    assert got["detail"]["district"] == "城区片区" and got["clocks"][0]["key"] == "accept"

    for who in ("lawyer2", "qingyang_staff"):
        client = login(who)
        assert client.get(f"/api/v1/legal/aid/{aid.number}").status_code == 404
        assert client.get(f"/api/v1/legal/mediations/{mediation.number}").status_code == 404
    assert login("city_staff").get(f"/api/v1/legal/aid/{mediation.number}").status_code == 404  # wrong kind
