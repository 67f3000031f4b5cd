"""The module's pages as their users meet them: a town clerk's register (only the unit's own), adding with
mistakes, the allowance run and its review, a certificate, a health result, the hospital claim's section,
and the model worker's own page on /m/."""

from __future__ import annotations

import datetime as dt

import pytest

from gonghui.core.audit import AuditLog
from gonghui.model_workers import services
from gonghui.model_workers.models import AllowanceRun, ModelWorker, RunState
from tests.cases.conftest import png
from tests.model_workers.conftest import new_id

D = dt.date


@pytest.fixture
def two(register):
    return register("陈金水", unit="qingyang"), register("林清泉", unit="meiling")


def test_a_town_clerk_sees_only_the_units_model_workers(login, two):
    _ours, theirs = two
    client = login("qingyang_staff")
    page = client.get("/desk/model-workers/").content.decode()
    assert "陈金水" in page and "林清泉" not in page
    assert client.get(f"/desk/model-workers/{theirs.pk}/").status_code == 404
    assert client.post(f"/desk/model-workers/{theirs.pk}/visits/", {"visitors": "x"}).status_code == 404
    city = login("city_staff").get("/desk/model-workers/").content.decode()
    assert "陈金水" in city and "林清泉" in city


def test_adding_with_mistakes_keeps_what_was_typed_and_says_what_is_wrong(login, city, titles):
    client = login("qingyang_staff")
    number = new_id()
    form = {"id_number": number, "name": "", "title": titles["劳动模范"].pk, "level": "provincial",
            "year_awarded": "2005", "awarding_body": "福建省人民政府", "retired_on": "2015-03-01",
            "org": city["qingyang"].pk}
    response = client.post("/desk/model-workers/add/", form)
    page = response.content.decode()
    assert response.status_code == 200 and "档案中没有该身份证号，请填写姓名" in page
    assert number in page and 'value="2015-03-01"' in page and not ModelWorker.objects.exists()
    response = client.post("/desk/model-workers/add/", {**form, "name": "陈金水"})
    mw = ModelWorker.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/desk/model-workers/{mw.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "已登记劳模陈金水" in page and number not in page  # masked on screen


def test_the_city_runs_and_reviews_the_months_allowances(login, two, today):
    today(D(2026, 8, 20))
    client = login("city_staff")
    response = client.post("/desk/model-workers/allowances/", {"month": "2026-08"})
    run = AllowanceRun.objects.get(month=D(2026, 8, 1))
    assert response["Location"] == f"/desk/model-workers/allowances/{run.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "2人，合计400.00元" in page and "待复核" in page
    client.post(f"/desk/model-workers/allowances/{run.pk}/")
    assert AllowanceRun.objects.get(pk=run.pk).state == RunState.RELEASED
    town = login("qingyang_staff")
    assert "生成（重新生成）发放表" not in town.get("/desk/model-workers/allowances/").content.decode()
    own = town.get(f"/desk/model-workers/allowances/{run.pk}/").content.decode()
    assert "1人，合计200.00元" in own and "林清泉" not in own  # its own share of the month
    town.post("/desk/model-workers/allowances/", {"month": "2026-07"})
    assert not AllowanceRun.objects.filter(month=D(2026, 7, 1)).exists()
    client = login("city_staff")  # one browser: signed in as the city again
    assert "请填写月份" in "".join(
        m.message for m in client.post("/desk/model-workers/allowances/", {"month": "八月"}, follow=True)
        .context["messages"])


def test_a_certificate_and_a_health_result_are_shown_to_the_managing_staff(login, two):
    ours, _theirs = two
    client = login("qingyang_staff")
    client.post(f"/desk/model-workers/{ours.pk}/certificate/", {"certificate": _upload()})
    shown = client.get(f"/desk/model-workers/{ours.pk}/certificate/")
    assert shown.status_code == 200 and shown["Content-Type"] == "image/png"
    bad = client.post(f"/desk/model-workers/{ours.pk}/certificate/", {"certificate": _upload(b"not an image")},
                      follow=True)
    assert "JPG、PNG" in "".join(m.message for m in bad.context["messages"])
    client.post(f"/desk/model-workers/{ours.pk}/checks/", {"checked_on": "2026-04-08", "hospital": "晋江市医院",
                                                           "result": "血糖偏高"})
    check = ours.checks.get()
    assert "血糖偏高" not in client.get(f"/desk/model-workers/{ours.pk}/").content.decode()
    assert "血糖偏高" in client.get(f"/desk/model-workers/checks/{check.pk}/").content.decode()
    assert AuditLog.objects.filter(action="model_workers.check_view").count() == 1
    assert login("meiling_staff").get(f"/desk/model-workers/checks/{check.pk}/").status_code == 404


def _upload(data: bytes | None = None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("certificate.png", data or png(), content_type="image/png")


def test_the_model_workers_own_page(client, register, people, worker_user, staff, today):
    today(D(2026, 8, 20))
    mw = register("王芳", id_number=people["王芳"].id_number_clear(), retired_on="2020-01-01")
    services.allowance_run(actor=staff["city_staff"], month="2026-07")
    client.force_login(worker_user("王芳"))
    page = client.get("/m/model-worker/").content.decode()
    assert "省部级劳动模范" in page and "申请医疗补助" in page and "已到体检时间，青阳街道总工会会通知您" in page
    assert "200.00元" not in page  # not paid yet: not shown as paid
    from gonghui.model_workers.models import AllowanceLine

    AllowanceLine.objects.filter(model_worker=mw).update(paid_at=dt.datetime(2026, 8, 5, tzinfo=dt.UTC))
    services.check_record(actor=staff["city_staff"], mw=mw, checked_on="2026-05-06", hospital="医院", result="正常")
    page = client.get("/m/model-worker/").content.decode()
    assert "2026年" in page and "已发放1个月" in page and "200.00元" in page and "下次体检：2028年5月前" in page
    client.force_login(worker_user("李强"))
    assert "您不在劳模名册中" in client.get("/m/model-worker/").content.decode()


def test_the_hospital_claims_section_shows_the_working_before_the_decision(login, register, staff):
    from gonghui.aid import services as aid
    from gonghui.cases import services as cases
    from gonghui.cases.models import ServiceItem

    mw = register("陈金水")
    case = cases.case_create(actor=staff["city_staff"], item=ServiceItem.objects.get(code="mw_hospital"),
                             worker=mw.worker, data={"illness": "住院", "bank_name": "建行", "bank_card": "6217000000000001",
                                                     "phone": "13800000000"})
    aid.case_invoice_add(actor=staff["city_staff"], case=case, number="FP0000101", hospital="晋江市医院",
                         issued_on=D(2026, 3, 2), amount="20000", insured="8125")
    for material in ("invoices", "settlement"):
        cases.attachment_add(actor=staff["city_staff"], case=case, material=material, name="a.png", data=png())
    for step in ("submit", "accept"):
        cases.transition(actor=staff["city_staff"], case=case, name=step)
    page = login("city_staff").get(f"/desk/cases/{case.number}/").content.decode()
    assert "FP0000101" in page and "按标准测算：9,500.00 元" in page and "自付费用11,875.00元 × 80%" in page


def test_the_api_reads_the_register_masked_and_scoped(login, two, staff):
    ours, theirs = two
    services.visit_record(actor=staff["city_staff"], mw=ours, visited_on="2026-11-02", visitors="市总工会",
                          reason="患病住院", amount="2000")
    client = login("qingyang_staff")
    listed = client.get("/api/v1/model-workers?level=provincial").json()
    assert [r["name"] for r in listed["items"]] == ["陈金水"] and "*" in listed["items"][0]["id_masked"]
    detail = client.get(f"/api/v1/model-workers/{ours.pk}").json()
    assert detail["status"] == "retired" and detail["visits"][0]["amount"] == "2000.00"
    assert client.get(f"/api/v1/model-workers/{theirs.pk}").status_code == 404
