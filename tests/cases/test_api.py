"""The case endpoints of /api/v1/: tokens and scoping, idempotent retries, conflicts, structured errors."""

import json

import pytest
from django.test import Client

from gonghui.accounts import tokens
from gonghui.cases import services
from gonghui.cases.models import Case, State

from .conftest import png, ticket_form


@pytest.fixture
def partner(staff):
    """A bearer-token client acting as 青阳's centre staff (an intake kiosk, say)."""
    _row, secret = tokens.token_issue(actor=None, user=staff["qingyang_staff"], name="自助终端",
                                      scopes=["cases:read", "cases:write", "registry:read"])
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _post(client, url, body=None, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(url, json.dumps(body or {}), content_type="application/json", **headers)


def test_the_openapi_schema_lists_the_case_endpoints(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/service-items", "/api/v1/cases", "/api/v1/cases/{number}",
                 "/api/v1/cases/{number}/attachments", "/api/v1/cases/{number}/transitions/{name}",
                 "/api/v1/cases/{number}/timeline"):
        assert path in paths, path


def test_the_catalogue(partner):
    items = partner.get("/api/v1/service-items").json()
    ticket = next(i for i in items if i["code"] == "ticket_home")
    assert ticket["name"] == "返乡火车票代购" and ticket["time_limit_days"] == 5
    assert [m["key"] for m in ticket["materials"] if m["required"]] == ["id_card", "employment"]


def test_a_token_without_the_scope_is_refused(staff, people):
    _row, secret = tokens.token_issue(actor=None, user=staff["qingyang_staff"], name="只读", scopes=["registry:read"])
    response = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/cases")
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_a_retried_create_gives_the_same_case(partner, people):
    body = {"item": "ticket_home", "worker_id": people["李强"].pk, "form": ticket_form(people["李强"])}
    first = _post(partner, "/api/v1/cases", body, key="kiosk-7-0001")
    again = _post(partner, "/api/v1/cases", body, key="kiosk-7-0001")
    assert first.status_code == again.status_code == 201
    assert first.json()["number"] == again.json()["number"] and again["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1
    assert first.json()["state"] == "draft" and "**********" in first.json()["form"]["passenger_ids"][0]
    other = _post(partner, "/api/v1/cases", {**body, "form": {}}, key="kiosk-7-0001")
    assert other.status_code == 422 and "另一个请求" in other.json()["detail"]


def test_bad_input_is_a_structured_error_and_writes_nothing(partner, people):
    response = _post(partner, "/api/v1/cases", {"item": "ticket_home", "worker_id": people["李强"].pk,
                                                "form": {"contact_phone": "123"}, "submit": True})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and body["fields"]["contact_phone"] == ["联系电话应为11位手机号。"]
    response = _post(partner, "/api/v1/cases", {"item": "ticket_home", "worker_id": people["李强"].pk,
                                                "form": ticket_form(people["李强"]), "submit": True})
    assert response.status_code == 422 and "material:id_card" in response.json()["fields"]
    assert not Case.objects.exists()  # submitted at once or not created


def test_the_whole_road_through_the_api(partner, people, worker_user):
    created = _post(partner, "/api/v1/cases", {"item": "ticket_home", "worker_id": people["李强"].pk,
                                               "form": ticket_form(people["李强"])}).json()
    number = created["number"]
    for material in ("id_card", "employment"):
        response = partner.post(f"/api/v1/cases/{number}/attachments",
                                {"material": material, "file": _upload(f"{material}.png", png())})
        assert response.status_code == 201, response.content
    assert _post(partner, f"/api/v1/cases/{number}/transitions/submit").json()["state"] == "submitted"
    accepted = _post(partner, f"/api/v1/cases/{number}/transitions/accept", key="acc-1")
    retried = _post(partner, f"/api/v1/cases/{number}/transitions/accept", key="acc-1")
    assert accepted.status_code == retried.status_code == 200 and retried.json() == accepted.json()
    again = _post(partner, f"/api/v1/cases/{number}/transitions/accept")
    assert again.status_code == 409 and again.json()["code"] == "conflict"
    returned = _post(partner, f"/api/v1/cases/{number}/transitions/return", {"fix": {"items": [
        {"type": "material", "key": "employment", "note": "缺公章"},
        {"type": "field", "key": "to_station", "note": "写全称"}], "note": "一次补齐"}})
    detail = partner.get(f"/api/v1/cases/{number}").json()
    assert returned.status_code == 200 and detail["state"] == "returned"
    assert [i["label"] for i in detail["fix_list"]["items"]] == ["在职证明或劳动合同首页", "到达站"]
    assert {c["key"]: c["paused"] for c in detail["clocks"]} == {"accept": False, "finish": True}
    services.note_add(actor=partner_user(partner), case=Case.objects.get(number=number),
                      text="申请人电话确认在岗")
    staff_view = [e["title"] for e in partner.get(f"/api/v1/cases/{number}/timeline").json()]
    assert "内部备注" in staff_view
    worker = Client()
    worker.force_login(worker_user("李强"))
    own = worker.get(f"/api/v1/cases/{number}/timeline").json()
    assert "内部备注" not in [e["title"] for e in own] and "退回补正（一次告知）" in [e["title"] for e in own]
    assert [c["number"] for c in worker.get("/api/v1/cases").json()["items"]] == [number]


def partner_user(client):
    from gonghui.accounts.models import ApiToken

    return ApiToken.objects.get().user


def _upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="image/png")


def test_cases_outside_the_subtree_are_not_found(partner, submitted, worker_user, login):
    mine = submitted("王芳")
    theirs = submitted("张伟")
    listed = [c["number"] for c in partner.get("/api/v1/cases").json()["items"]]
    assert listed == [mine.number]
    response = partner.get(f"/api/v1/cases/{theirs.number}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert _post(partner, f"/api/v1/cases/{theirs.number}/transitions/accept").status_code == 404
    assert Case.objects.get(pk=theirs.pk).state == State.SUBMITTED
    other_worker = Client()
    other_worker.force_login(worker_user("李强"))
    assert other_worker.get(f"/api/v1/cases/{mine.number}").status_code == 404
    city = login("city_staff").get("/api/v1/cases", {"urgency": "2"}).json()
    assert {c["number"] for c in city["items"]} == {mine.number, theirs.number}


def test_the_case_list_runs_a_fixed_number_of_queries(submitted, worker_user, partner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    worker = Client()
    worker.force_login(worker_user("王芳"))
    counts = []
    for _ in range(2):
        submitted()
        with CaptureQueriesContext(connection) as own:
            assert worker.get("/api/v1/cases").status_code == 200
        counts.append(len(own.captured_queries))
        with CaptureQueriesContext(connection) as ctx:
            assert partner.get("/api/v1/cases").status_code == 200
        counts.append(len(ctx.captured_queries))
    for _ in range(4):
        submitted()
    with CaptureQueriesContext(connection) as own:
        worker.get("/api/v1/cases")
    with CaptureQueriesContext(connection) as ctx:
        partner.get("/api/v1/cases")
    assert [len(own.captured_queries), len(ctx.captured_queries)] == counts[2:4]
