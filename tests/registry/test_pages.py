"""The registry in the workbench: masked everywhere, full numbers only with the right and audited."""

import io
import re

import openpyxl
import pytest
from django.urls import reverse

from gonghui.core.models import AuditLog
from gonghui.registry.models import ImportJob, ImportStatus, Worker
from tests.files import WORKER_HEADER, csv_bytes, xlsx

ID_PATTERN = re.compile(r"\b\d{17}[\dX]\b")


@pytest.fixture
def qingyang_worker(registry, staff):
    return Worker.objects.visible_to(staff["qingyang_staff"]).order_by("pk").first()


def test_worker_list_and_archive_show_masked_numbers_only(login, qingyang_worker):
    client = login("qingyang_staff")
    listing = client.get(reverse("registry:worker_list")).content.decode()
    detail = client.get(reverse("registry:worker_detail", args=[qingyang_worker.pk])).content.decode()
    for page in (listing, detail):
        assert not ID_PATTERN.search(page)
        assert qingyang_worker.id_masked in page
        assert qingyang_worker.phone not in page and qingyang_worker.phone_masked in page
    assert qingyang_worker.enterprise.name in detail
    assert "任职经历" in detail
    cases = detail.split('data-testid="archive-cases"', 1)[1].split("</ul>", 1)[0]
    assert "暂无记录" in cases  # the case engine's section of the archive, empty for this worker


def test_a_search_by_id_number_keeps_the_number_out_of_the_url(login, qingyang_worker):
    client = login("qingyang_staff")
    number = qingyang_worker.id_number_clear()
    response = client.post(reverse("registry:worker_list"), {"q": number.lower()})
    assert response.status_code == 302
    assert number not in response["Location"] and number.lower() not in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert qingyang_worker.name in page and "共 1 人" in page
    assert number not in page and qingyang_worker.id_masked in page  # the query is shown back masked
    export = client.get(reverse("registry:worker_export") + "?" + response["Location"].split("?", 1)[1])
    rows = list(openpyxl.load_workbook(io.BytesIO(export.content)).active.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [qingyang_worker.name]


def test_a_worker_of_another_town_is_not_found(login, registry, staff):
    other = Worker.objects.exclude(pk__in=Worker.objects.visible_to(staff["qingyang_staff"])).first()
    client = login("qingyang_staff")
    assert client.get(reverse("registry:worker_detail", args=[other.pk])).status_code == 404
    assert client.post(reverse("registry:worker_reveal", args=[other.pk, "id_number"])).status_code == 404


def test_revealing_the_full_number_needs_the_right_and_is_audited(login, qingyang_worker, staff, grant,
                                                                  second_factor):
    client = login("qingyang_staff")
    url = reverse("registry:worker_reveal", args=[qingyang_worker.pk, "id_number"])
    no_device = client.post(url)
    assert no_device.status_code == 403 and "启用双因素认证" in no_device.content.decode()
    device = second_factor(client, staff["qingyang_staff"])
    session = client.session
    session["gonghui_otp_verified_at"] -= 301  # more than five minutes ago: asked again
    session.save()
    asked = client.post(url).content.decode()
    assert "再次输入双因素验证码" in asked and qingyang_worker.id_number_clear() not in asked
    wrong = client.post(url, {"code": "000000"}).content.decode()
    assert "验证码不正确" in wrong
    # the TOTP code of this 30-second window is spent (no reuse): a recovery code serves, once
    from django_otp.plugins.otp_static.models import StaticDevice

    StaticDevice.objects.create(user=device.user, name="恢复码").token_set.create(token="r3c0very")
    response = client.post(url, {"code": "r3c0very"})
    assert response.status_code == 200
    assert qingyang_worker.id_number_clear() in response.content.decode()
    log = AuditLog.objects.get(action="registry.reveal_id_number")
    assert log.actor == staff["qingyang_staff"] and log.object_id == str(qingyang_worker.pk)
    assert qingyang_worker.id_number_clear() not in str(log.summary) + str(log.changes)

    grant(staff["qingyang_staff"], None)
    grant(staff["qingyang_staff"], "enterprise_contact", qingyang_worker.org)  # sees the worker, masked only
    client = login("qingyang_staff")
    refused = client.post(url)
    assert refused.status_code == 403 and "没有查看完整证件号码的权限" in refused.content.decode()
    assert AuditLog.objects.filter(action="registry.reveal_id_number").count() == 1


def test_export_is_masked_scoped_and_audited(login, registry, staff, second_factor):
    client = login("qingyang_staff")
    response = client.get(reverse("registry:worker_export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == Worker.objects.visible_to(staff["qingyang_staff"]).count() > 0
    assert all("**********" in row[1] for row in rows)
    assert all("****" in row[4] for row in rows)
    assert AuditLog.objects.filter(action="registry.export_workers", actor=staff["qingyang_staff"]).exists()
    # a full export needs its own right: qingyang_staff lacks it
    refused = client.get(reverse("registry:worker_export") + "?full=1")
    assert refused.status_code == 302 and refused["Location"] == reverse("registry:worker_list")
    city = login("city_staff")
    asked = city.get(reverse("registry:worker_export") + "?full=1&q=" + rows[0][0])
    assert asked.status_code == 302 and asked["Location"].startswith("/desk/2fa/verify/?next=")
    second_factor(city, staff["city_staff"])
    full = city.get(reverse("registry:worker_export") + "?full=1&q=" + rows[0][0])
    full_rows = list(openpyxl.load_workbook(io.BytesIO(full.content)).active.iter_rows(min_row=2, values_only=True))
    assert full_rows and all(ID_PATTERN.fullmatch(row[1]) for row in full_rows)
    assert AuditLog.objects.filter(action="registry.export_workers_full").exists()


def test_upload_preview_error_report_and_import(login, registry, staff, django_capture_on_commit_callbacks):
    from gonghui.core.idnumber import check_char

    client = login("qingyang_staff")
    enterprise = Worker.objects.visible_to(staff["qingyang_staff"]).first().enterprise
    good = "35058219950505003"
    good += check_char(good)
    data = xlsx(WORKER_HEADER, [
        ["新职工", good, "13912345678", enterprise.uscc, "2020-05-01", "", "", ""],
        ["坏号码", "350582199505050040", "13912345679", enterprise.uscc, "2020-05-01", "", "", ""],
        ["=HYPERLINK(\"x\")", "", "13912345670", enterprise.uscc, "", "", "", ""],
    ])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registry:import_list"), {
            "kind": "workers", "file": _upload("新职工.xlsx", data)})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("registry:import_detail", args=[job.pk])
    assert job.status == ImportStatus.VALIDATED and (job.good_rows, job.error_rows) == (1, 2)
    page = client.get(response["Location"]).content.decode()
    assert "1</strong> 行数据有效" in page and "2</strong> 行有错误" in page

    report = client.get(reverse("registry:import_errors", args=[job.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(report.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [3, 4]
    assert "校验位" in rows[0][2]
    assert rows[1][3].startswith("'=")  # the hostile name comes back inert

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("registry:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.created == 1 and job.file_enc is None
    assert Worker.objects.filter(name="新职工").exists()
    # a second click changes nothing
    client.post(reverse("registry:import_confirm", args=[job.pk]))
    assert Worker.objects.filter(name="新职工").count() == 1


def test_a_file_that_is_not_a_spreadsheet_is_refused_on_the_page(login, registry, django_capture_on_commit_callbacks):
    client = login("qingyang_staff")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registry:import_list"), {
            "kind": "workers", "file": _upload("名单.xlsx", csv_bytes(WORKER_HEADER, [["a"] * 8]))})
    page = client.get(response["Location"]).content.decode()
    assert "文件无法导入" in page and "内容不是Excel" in page
    assert ImportJob.objects.get().status == ImportStatus.REFUSED


def test_templates_download_with_the_issue_columns(login, registry):
    client = login("qingyang_staff")
    for kind, first in (("workers", "姓名"), ("enterprises", "企业名称")):
        response = client.get(reverse("registry:import_template", args=[kind]))
        header = next(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        assert header[0] == first
    header = next(openpyxl.load_workbook(io.BytesIO(client.get(
        reverse("registry:import_template", args=["workers"])).content)).active.iter_rows(values_only=True))
    assert list(header) == WORKER_HEADER


def test_worker_pages_run_a_fixed_number_of_queries(login, registry, django_assert_max_num_queries):
    client = login("city_staff")
    with django_assert_max_num_queries(16):
        client.get(reverse("registry:worker_list"))
    with django_assert_max_num_queries(16):
        client.get(reverse("registry:worker_list") + "?page=40")


def _upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)
