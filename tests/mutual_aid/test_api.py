"""Medical mutual aid through /api/v1/: a claim with its invoices filed, its scans uploaded, submitted and
followed, as a worker's app or a partner system would; bad invoices refused all at once, nothing kept."""

import pytest
from django.test import Client

from gonghui.cases.models import Case, State
from gonghui.mutual_aid.models import ClaimInvoice
from tests.cases.conftest import png

from .conftest import claim_form

pytestmark = pytest.mark.django_db


def _api(user) -> Client:
    client = Client(enforce_csrf_checks=False)
    client.force_login(user)
    return client


def test_a_claim_is_filed_submitted_and_followed_through_the_api(enrolled, worker_user, item):
    api = _api(worker_user("王芳"))
    invoices = [{"number": "3505260000001", "hospital": "晋江市医院", "issued_on": "2026-03-08", "amount": "12000",
                 "eligible": "10000"},
                {"number": "3505260000002", "hospital": "晋江市医院", "issued_on": "2026-03-08", "amount": "800",
                 "eligible": "600"}]
    response = api.post("/api/v1/mutual-aid/claims", {"form": claim_form(), "invoices": invoices},
                        content_type="application/json")
    assert response.status_code == 201, response.content.decode()
    claim = response.json()
    number = claim["number"]
    assert number.startswith("YLHZ-") and claim["state"] == "draft" and claim["state_label"] == "草稿"
    assert [(i["number"], i["eligible"], i["reserved"]) for i in claim["invoices"]] == [
        ("3505260000001", "10000.00", False), ("3505260000002", "600.00", False)]

    # submitting before the scans: every missing material named at once
    response = api.post(f"/api/v1/cases/{number}/transitions/submit", content_type="application/json")
    assert response.status_code == 422 and response.json()["code"] == "invalid"
    assert response.json()["detail"].startswith("请上传住院发票原件；请上传医保结算单；")
    for material in item.required_materials:
        response = api.post(f"/api/v1/cases/{number}/attachments",
                            {"material": material["key"], "file": _file(f"{material['key']}.png")})
        assert response.status_code == 201, response.content.decode()
    response = api.post(f"/api/v1/cases/{number}/transitions/submit", content_type="application/json")
    assert response.status_code == 200 and response.json()["state"] == State.SUBMITTED

    followed = api.get(f"/api/v1/mutual-aid/claims/{number}").json()
    assert followed["state_label"] == "已提交" and followed["product"] == "住院医疗互助"
    assert all(i["reserved"] for i in followed["invoices"])  # the invoice numbers are now held by this claim
    timeline = api.get(f"/api/v1/cases/{number}/timeline").json()
    assert [e["title"] for e in timeline][-1] == "提交申请"


def test_bad_invoices_are_refused_together_and_nothing_is_kept(enrolled, worker_user):
    api = _api(worker_user("王芳"))
    before = Case.objects.count()
    response = api.post("/api/v1/mutual-aid/claims", {"form": claim_form(), "invoices": [
        {"number": "12", "hospital": "", "issued_on": "2026-03-08", "amount": "100", "eligible": "80"},
        {"number": "3505260000009", "hospital": "晋江市医院", "issued_on": "2026-13-01", "amount": "100",
         "eligible": "200"}]}, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["fields"]["invoices.1.number"] == ["第1张发票：请填写发票号码（6至40位数字或字母）。"]
    assert body["fields"]["invoices.1.hospital"] == ["第1张发票：请填写医院名称。"]
    assert "invoices.2.issued_on" in body["fields"] and "invoices.2.eligible" in body["fields"]
    assert Case.objects.count() == before and not ClaimInvoice.objects.exists()


def test_the_claim_endpoints_are_in_the_openapi_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/mutual-aid/claims", "/api/v1/mutual-aid/claims/{number}",
            "/api/v1/mutual-aid/claims/{number}/invoices"} <= set(paths)


def test_another_workers_claim_is_not_found(enrolled, worker_user, filed):
    case = filed("王芳")
    assert _api(worker_user("李强")).get(f"/api/v1/mutual-aid/claims/{case.number}").status_code == 404


def _file(name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, png(), content_type="image/png")
