"""/api/v1/: scoped, masked, structured errors, OpenAPI."""

import re

from gonghui.registry.models import ImportJob, Worker
from tests.files import WORKER_HEADER, csv_bytes

ID_PATTERN = re.compile(r"\d{17}[\dX]")


def test_openapi_schema_lists_the_registry_endpoints(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/enterprises", "/api/v1/workers", "/api/v1/workers/{worker_id}", "/api/v1/imports",
                 "/api/v1/imports/{job_id}"):
        assert path in schema["paths"], path


def test_unauthenticated_calls_get_a_structured_401(client, db):
    response = client.get("/api/v1/workers")
    assert response.status_code == 401
    assert response.json() == {"detail": "请先登录。", "code": "unauthenticated"}


def test_worker_list_is_scoped_paged_and_masked(login, registry, staff):
    client = login("qingyang_staff")
    body = client.get("/api/v1/workers", {"page_size": 20}).json()
    visible = Worker.objects.visible_to(staff["qingyang_staff"])
    assert body["count"] == visible.count()
    assert len(body["items"]) == 20
    assert not ID_PATTERN.search(str(body))
    assert all("**********" in item["id_number"] and "****" in item["phone"] for item in body["items"])
    page2 = client.get("/api/v1/workers", {"page_size": 20, "page": 2}).json()
    assert {i["id"] for i in page2["items"]}.isdisjoint({i["id"] for i in body["items"]})


def test_worker_detail_and_404_outside_the_subtree(login, registry, staff):
    client = login("qingyang_staff")
    mine = Worker.objects.visible_to(staff["qingyang_staff"]).first()
    other = Worker.objects.exclude(pk__in=Worker.objects.visible_to(staff["qingyang_staff"])).first()
    detail = client.get(f"/api/v1/workers/{mine.pk}").json()
    assert detail["name"] == mine.name and detail["employments"][0]["enterprise"] == mine.enterprise.name
    missing = client.get(f"/api/v1/workers/{other.pk}")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_search_through_the_api(login, registry, staff):
    client = login("qingyang_staff")
    mine = Worker.objects.visible_to(staff["qingyang_staff"]).first()
    body = client.get("/api/v1/workers", {"q": mine.id_number_clear()}).json()
    assert [i["id"] for i in body["items"]] == [mine.pk]


def test_import_job_through_the_api(login, registry, staff, django_capture_on_commit_callbacks):
    client = login("qingyang_staff")
    data = csv_bytes(WORKER_HEADER, [["坏行", "123", "1", "x", "", "", "", ""]])
    from django.core.files.uploadedfile import SimpleUploadedFile

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/imports", {"kind": "workers", "file": SimpleUploadedFile("w.csv", data)})
    assert response.status_code == 201, response.content
    job_id = response.json()["id"]
    status = client.get(f"/api/v1/imports/{job_id}").json()
    assert status["status"] == "validated" and status["error_rows"] == 1 and status["good_rows"] == 0
    assert status["errors"][0]["row"] == 2
    refused = client.post(f"/api/v1/imports/{job_id}/confirm")
    assert refused.status_code == 422 and refused.json()["code"] == "invalid"
    assert ImportJob.objects.get().status == "validated"


def test_staff_without_the_import_right_get_a_403(login, registry, staff, grant):
    grant(staff["meiling_staff"], None)
    grant(staff["meiling_staff"], "leader")
    client = login("meiling_staff")
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post("/api/v1/imports", {"kind": "workers", "file": SimpleUploadedFile("w.csv", b"a,b")})
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
