"""Medical mutual aid as a federation runs it: plan years and products administered on /desk/, rosters dated
by their plan year, past years brought in, rules versioned, late claims by exception, figures that
reconcile."""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from gonghui.cases import services as cases
from gonghui.cases.models import Case, ServiceItem, State
from gonghui.core.models import AuditLog
from gonghui.mutual_aid import services
from gonghui.mutual_aid.models import (
    Claim,
    ClaimInvoice,
    Enrolment,
    LateClaimException,
    LateCover,
    PlanYear,
    Product,
)
from gonghui.payments.models import PaymentLine
from gonghui.registry.demo_data import make_id, make_uscc
from gonghui.registry.importing import EnterpriseImporter, WorkerImporter
from gonghui.registry.models import ImportJob, ImportStatus, Worker
from tests.cases.conftest import png
from tests.files import ENTERPRISE_HEADER, WORKER_HEADER, csv_bytes, xlsx
from tests.mutual_aid.conftest import claim_form

CLAIM_HEADER = ["报销编号", "年度", "项目", "姓名", "身份证号", "医院", "入院日期", "出院日期", "诊断", "发票号码",
                "发票金额（元）", "医保范围内费用（元）", "补助金额（元）", "发放日期", "银行流水号"]
ENROLMENT_HEADER = ["年度", "项目", "姓名", "身份证号", "参保日期", "保障起始日", "已缴互助金（元）"]


@pytest.fixture
def crowd(city):
    """24 workers: 16 in a 青阳 enterprise, 8 in a 梅岭 one (through the importer)."""
    rng = random.Random(2015)
    codes = {"青阳街道": make_uscc(rng), "梅岭街道": make_uscc(rng)}
    EnterpriseImporter(scope=city["jinjiang"]).run(csv_bytes(ENTERPRISE_HEADER, [
        [f"晋江市{town}互助测试鞋业有限公司", code, town, "鞋业", 50, "", ""] for town, code in codes.items()]), "e.csv")
    rows = []
    for n in range(24):
        town = "青阳街道" if n < 16 else "梅岭街道"
        id_number = make_id(rng, "350582", dt.date(1980, 1, 1) + dt.timedelta(days=97 * n), male=n % 2 == 0)
        name = "陈林黄蔡吴施许洪"[n % 8] + ("晓明", "丽娟", "建华")[n // 8]
        rows.append([name, id_number, f"139{n:08d}", codes[town], "", "", "", ""])
    result = WorkerImporter(scope=city["jinjiang"]).run(csv_bytes(WORKER_HEADER, rows), "w.csv")
    assert result.created == 24, result.errors
    return list(Worker.objects.filter(enterprise__uscc__in=codes.values()).select_related("org").order_by("pk"))


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def _confirm(client, job, capture):
    with capture(execute=True):
        client.post(f"/desk/imports/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, (job.status, job.message, job.errors[:3])
    return job


def _claims_file(workers) -> tuple[bytes, Decimal, dict]:
    """Ten paid claims of 2015 for ten workers of both towns (two with two invoices); one paid in January 2016.
    Returns the file, the total paid and the expected (stay month → amount)."""
    rows, total, by_stay = [], Decimal("0"), {}
    for n, worker in enumerate(workers[10:20]):
        month = 3 + n  # stays from March to December
        discharged = dt.date(2015, month, 10)
        paid_on = dt.date(2016, 1, 1) if month == 12 else dt.date(2015, month, 25)  # midnight in China: Dec in UTC
        subsidy = Decimal("1300.00") + n * 100
        invoices = [(f"FP2015{n:04d}A", "12000", "10000")] + ([(f"FP2015{n:04d}B", "3000", "2000")] if n < 2 else [])
        for number, amount, eligible in invoices:
            rows.append([f"JJ2015-{n + 1:05d}", 2015, "住院医疗互助", worker.name, worker.id_number_clear(), "晋江市医院",
                         dt.date(2015, month, 1), discharged, "肺炎", number, amount, eligible, str(subsidy), paid_on,
                         f"BANK{n:06d}"])
        total += subsidy
        by_stay[f"2015-{month:02d}"] = subsidy
    return xlsx(CLAIM_HEADER, rows), total, by_stay


def test_a_federation_sets_up_2015_and_2016_and_brings_in_2015(crowd, login, staff, django_capture_on_commit_callbacks,
                                                                tmp_path):
    capture = django_capture_on_commit_callbacks
    client = login("city_mutualaid")

    # the 2015 plan year, blank; its products with the rules tried on a sample claim before saving
    response = client.post("/desk/mutual-aid/years/", {"year": "2015", "copy_from": ""})
    assert response["Location"] == "/desk/mutual-aid/years/2015/"
    year2015 = PlanYear.objects.get(year=2015)
    assert (year2015.starts_on, year2015.enrol_closes, year2015.claim_deadline) == (
        dt.date(2015, 1, 1), dt.date(2014, 12, 31), dt.date(2016, 3, 31))
    inpatient = {"name": "住院医疗互助", "code": "inpatient", "contribution": "36", "payer_enterprise": "36",
                 "waiting_days": "0", "kind": "share", "base": "insured", "bands": "以上 13%",
                 "cap_per_period": "50000", "rules_note": "医保范围内住院费用的13%", "sample": "20000"}
    page = client.post("/desk/mutual-aid/years/2015/products/new/", {**inpatient, "action": "try"}).content.decode()
    assert "2,600.00元" in page and "× 13% =" in page and not Product.objects.filter(plan_year=year2015).exists()
    bad = client.post("/desk/mutual-aid/years/2015/products/new/",
                      {**inpatient, "bands": "以上 130%", "action": "save"}).content.decode()
    assert "比例应大于0、不超过100%" in bad and not Product.objects.filter(plan_year=year2015).exists()
    client.post("/desk/mutual-aid/years/2015/products/new/", {**inpatient, "action": "save"})
    client.post("/desk/mutual-aid/years/2015/products/new/", {
        "name": "女职工特殊疾病互助", "code": "women", "contribution": "10", "payer_union": "5", "payer_worker": "5",
        "waiting_days": "90", "kind": "fixed", "conditions": "八种女性特殊癌症之一 6000\n子宫肌瘤剔除 1000",
        "cap_per_period": "6000", "action": "save"})
    products = {p.code: p for p in year2015.products.all()}
    assert products["inpatient"].rules["bands"] == [{"upto": None, "rate": "0.13"}]
    assert products["women"].payers == {"union": "5.00", "worker": "5.00"}

    # 2016 from 2015: the dates a year on, the products and their rules copied
    client.post("/desk/mutual-aid/years/", {"year": "2016", "copy_from": "2015"})
    year2016 = PlanYear.objects.get(year=2016)
    assert (year2016.starts_on, year2016.claim_deadline) == (dt.date(2016, 1, 1), dt.date(2017, 3, 31))
    assert sorted(year2016.products.values_list("code", "contribution")) == [
        ("inpatient", Decimal("36.00")), ("women", Decimal("10.00"))]

    # the 2015 roster, received on paper in the window: the preview shows each row's dates, cover from 1 January
    roster = xlsx(["姓名", "身份证号"], [[w.name, w.id_number_clear()] for w in crowd])
    with capture(execute=True):
        response = client.post("/desk/mutual-aid/?year=2015", {
            "product": products["inpatient"].pk, "file": _upload("2015花名册.xlsx", roster),
            "enrolled_on": "2014-12-15", "reason": "纸质花名册2014年12月15日送达"})
    job = ImportJob.objects.get(kind="ma_roster")
    assert response["Location"] == f"/desk/imports/{job.pk}/"
    preview = client.get(response["Location"]).content.decode()
    assert "2014-12-15" in preview and "2015-01-01" in preview and "新参保" in preview and "24" in preview
    _confirm(client, job, capture)
    enrolments = Enrolment.objects.filter(product=products["inpatient"])
    assert enrolments.count() == 24
    assert set(enrolments.values_list("enrolled_on", "covered_from")) == {(dt.date(2014, 12, 15), dt.date(2015, 1, 1))}
    upload = AuditLog.objects.get(action="registry.import_upload", object_id=str(job.pk))
    assert upload.changes["params"]["reason"] == "纸质花名册2014年12月15日送达"

    # six of them also in the women's product of 2015 (history: dates and contributions paid)
    women_rows = [[2015, "女职工特殊疾病互助", w.name, w.id_number_clear(), "2014-11-20", "", "10"] for w in crowd[:6]]
    with capture(execute=True):
        response = client.post("/desk/mutual-aid/years/2015/history/", {
            "kind": "ma_history_enrolments", "file": _upload("2015女职工.xlsx", xlsx(ENROLMENT_HEADER, women_rows))})
    job = ImportJob.objects.get(kind="ma_history_enrolments")
    summary = client.get(response["Location"]).content.decode()
    assert "将新增的数据" in summary and "青阳街道" in summary and "60.00" in summary
    _confirm(client, job, capture)
    assert set(Enrolment.objects.filter(product=products["women"]).values_list("covered_from", flat=True)) == {
        dt.date(2015, 4, 1)}  # the year's start and the 90 days' wait

    # the paid claims of 2015: a dry run on the command line first, then the page
    data, total, by_stay = _claims_file(crowd)
    path = tmp_path / "2015报销.xlsx"
    path.write_bytes(data)
    out = io.StringIO()
    call_command("import", "ma_history_claims", str(path), "--dry-run", "--user", "city_mutualaid", stdout=out)
    printed = out.getvalue()
    assert "青阳街道" in printed and "梅岭街道" in printed and f"{total:,.2f}" in printed
    assert not Claim.objects.exists()
    with capture(execute=True):
        response = client.post("/desk/mutual-aid/years/2015/history/", {
            "kind": "ma_history_claims", "file": _upload("2015报销.xlsx", data)})
    job = ImportJob.objects.get(kind="ma_history_claims")
    assert f"{total:,.2f}" in client.get(response["Location"]).content.decode()
    job = _confirm(client, job, capture)
    assert job.created == 10
    claims = Claim.objects.filter(product__plan_year=year2015).select_related("case")
    assert {c.case.state for c in claims} == {State.FULFILLED} and claims.count() == 10
    assert not Case.objects.filter(pk__in=claims.values("case")).exclude(events__data__history=True).exists()

    # the figures page and its export show exactly the files
    page = client.get("/dash/mutual-aid/?year=2015").content.decode()
    figures = services_figures(staff["city_mutualaid"], year2015)
    assert (figures["persons"], figures["enrolments"]) == (24, 30)
    assert (figures["paid_count"], figures["paid_amount"]) == (10, total)
    assert dict((m, v["amount"]) for m, v in figures["months_stay"]) == by_stay
    assert dict((m, v["count"]) for m, v in figures["months_paid"])["2016-01"] == 1
    assert f"{total:,.2f}" in page and "参保人数（人）" in page and "30 人次" in page
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/dash/mutual-aid/?year=2015&format=xlsx").content)).active
    exported = {r[0]: r[1] for r in sheet.iter_rows(values_only=True) if r and r[0]}
    assert exported["参保人数（人，一人参加多个项目计一人）"] == 24
    assert exported["参保人次（人次，按项目计）"] == 30
    assert (exported["已发放补助（笔）"], Decimal(str(exported["已发放补助金额（元）"]))) == (10, total)

    # the reconciliation balances; a line that disagrees with its claim is listed
    assert "账实相符" in client.get("/dash/mutual-aid/reconcile/?year=2015").content.decode()
    line = PaymentLine.objects.filter(source="mutual_aid", batch__tag="2015").first()
    PaymentLine.objects.filter(pk=line.pk).update(amount=line.amount - 1)
    page = client.get("/dash/mutual-aid/reconcile/?year=2015").content.decode()
    assert "银行成功金额与核定补助不一致" in page and line.reference in page

    # a re-import adds nothing
    with capture(execute=True):
        client.post("/desk/mutual-aid/years/2015/history/", {
            "kind": "ma_history_claims", "file": _upload("2015报销.xlsx", data)})
    again = _confirm(client, ImportJob.objects.filter(kind="ma_history_claims").latest("pk"), capture)
    assert (again.created, Claim.objects.count(), ClaimInvoice.objects.count()) == (0, 10, 12)

    # an invoice number of the history cannot be claimed again
    worker = crowd[0]
    services._enrol_rows(Product.objects.get(plan_year__year=2026, code="inpatient"), [worker], dt.date(2025, 12, 1),
                         "roster")
    item = ServiceItem.objects.get(code=services.ITEM_CODE)
    case = cases.case_create(actor=staff["city_staff"], item=item, worker=worker, data=claim_form())
    services.invoice_add(actor=staff["city_staff"], case=case, number="FP20150000A", hospital="晋江市医院",
                         issued_on="2026-03-08", amount="5000", eligible="4000")
    for material in item.required_materials:
        cases.attachment_add(actor=staff["city_staff"], case=case, material=material["key"], name="p.png", data=png())
    with pytest.raises(ValidationError) as refused:
        cases.transition(actor=staff["city_staff"], case=case, name="submit")
    assert "发票FP20150000A已被其他报销申请使用" in str(refused.value)


def services_figures(user, plan_year):
    from gonghui.mutual_aid import figures

    return figures.plan_year_figures(user=user, plan_year=plan_year)


def test_a_claims_file_with_a_bad_row_imports_none_of_that_claim(crowd, staff, tmp_path):
    year = services.plan_year_create(actor=staff["city_mutualaid"], year=2015,
                                     copy_from=PlanYear.objects.get(year=2026))
    product = year.products.get(code="inpatient")
    services._enrol_rows(product, crowd[:3], dt.date(2014, 12, 1), "roster")
    ok = [["A1", 2015, "住院医疗互助", crowd[0].name, crowd[0].id_number_clear(), "晋江市医院", "2015-03-01",
           "2015-03-05", "肺炎", "INV000001", "100", "80", "10", "2015-04-01", ""]]
    split = [["A2", 2015, "住院医疗互助", crowd[1].name, crowd[1].id_number_clear(), "晋江市医院", "2015-03-01",
              "2015-03-05", "肺炎", "INV000002", "100", "80", "10", "2015-04-01", ""],
             ["A2", 2015, "住院医疗互助", crowd[1].name, crowd[1].id_number_clear(), "晋江市医院", "2015-03-01",
              "2015-03-05", "肺炎", "INV000003", "100", "180", "10", "2015-04-01", ""]]  # eligible > amount
    unenrolled = [["A3", 2015, "住院医疗互助", crowd[5].name, crowd[5].id_number_clear(), "晋江市医院", "2015-03-01",
                   "2015-03-05", "肺炎", "INV000004", "100", "80", "10", "2015-04-01", ""]]
    path = tmp_path / "c.xlsx"
    path.write_bytes(xlsx(CLAIM_HEADER, ok + split + unenrolled))
    with pytest.raises(SystemExit):  # exit 3: some rows were rejected, the good ones imported
        call_command("import", "ma_history_claims", str(path), "--user", "city_mutualaid", stdout=io.StringIO(),
                     stderr=io.StringIO())
    assert list(Claim.objects.values_list("external_number", flat=True)) == ["A1"]
    assert not ClaimInvoice.objects.filter(number__in=["INV000002", "INV000003"]).exists()


def test_rules_change_from_a_date_and_never_under_a_valued_claim(approved, filed, staff, login, plan, inpatient):
    admin = staff["city_mutualaid"]
    valued = approved("王芳")  # stay 2026-03-08, valued at 13% of 10,000
    claim = Claim.objects.get(case=valued)
    assert claim.subsidy == Decimal("1300.00") and claim.rule_change is None
    twenty = {"kind": "share", "base": "insured", "bands": "以上 20%", "cap_per_period": "50000"}
    with pytest.raises(ValidationError) as refused:
        services.product_save(actor=admin, plan_year=plan, product=inpatient, data={
            "name": inpatient.name, "contribution": "36", "payer_enterprise": "36", "waiting_days": "0", **twenty})
    assert "规则变更" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        services.rule_change_add(actor=admin, product=inpatient, effective_from="2026-03-01", data=twenty,
                                 note="市总工会2026年第3号文")
    assert "2026-03-08" in str(refused.value)
    client = login("city_mutualaid")
    response = client.post(f"/desk/mutual-aid/years/2026/products/{inpatient.pk}/rules/", {
        **twenty, "effective_from": "2026-06-01", "note": "市总工会2026年第3号文"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.subsidy == Decimal("1300.00")  # valued before: unchanged
    later = approved("李强", discharged_on="2026-07-10", admitted_on="2026-07-01")
    later_claim = Claim.objects.get(case=later)
    assert later_claim.subsidy == Decimal("2000.00") and later_claim.rule_change.effective_from == dt.date(2026, 6, 1)
    assert "2026-06-01起施行" in later_claim.working[0]
    assert AuditLog.objects.filter(action="mutual_aid.rule_change").exists()
    # a town's staff read the rules and change nothing
    town = login("qingyang_staff")
    assert town.get("/desk/mutual-aid/years/2026/").status_code == 200
    town.post("/desk/mutual-aid/years/", {"year": "2030"})
    assert not PlanYear.objects.filter(year=2030).exists()


def test_a_claim_after_the_deadline_needs_an_approved_exception(filed, item, staff, login, today, worker_user):
    case = filed("王芳", submit=False)  # drafted in the year
    today(dt.date(2027, 4, 10))  # after the 2026 deadline (2027-03-31)
    with pytest.raises(ValidationError) as refused:
        cases.transition(actor=worker_user("王芳"), case=case, name="submit")
    assert "2027-03-31截止" in str(refused.value)
    client = login("city_mutualaid")
    client.post("/desk/mutual-aid/years/2026/late/", {"id_number": case.applicant.id_number_clear(),
                                                      "reason": "住院期间无法办理，出院后补交"})
    granted = AuditLog.objects.get(action="mutual_aid.late_exception")
    assert "住院期间无法办理" in granted.summary and granted.actor.username == "city_mutualaid"
    cases.transition(actor=worker_user("王芳"), case=case, name="submit")
    assert LateClaimException.objects.get().case_id == case.pk
    assert Case.objects.get(pk=case.pk).state == State.SUBMITTED
    # used once: a second late claim needs a second exception
    with pytest.raises(ValidationError, match="没有可以申请补助的医疗互助项目"):
        cases.case_create(actor=worker_user("王芳"), item=item, data=claim_form())


def test_enrolment_is_dated_by_the_plan_year(plan, inpatient, women, staff):
    assert services.covered_from(women, dt.date(2025, 12, 20), renewal=False) == dt.date(2026, 4, 1)
    assert services.covered_from(women, dt.date(2025, 12, 20), renewal=True) == dt.date(2026, 1, 1)
    assert services.covered_from(inpatient, dt.date(2026, 2, 10), renewal=False) == dt.date(2026, 2, 11)
    assert services.covered_from(women, dt.date(2026, 2, 10), renewal=False) == dt.date(2026, 5, 12)
    plan.late_cover = LateCover.NEXT_MONTH
    plan.save()
    inpatient.refresh_from_db()
    assert services.covered_from(inpatient, dt.date(2026, 2, 10), renewal=True) == dt.date(2026, 3, 1)
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.enrolment_date(plan, "2099-01-01", "x")
    with pytest.raises(ValidationError, match="须填写理由"):
        services.enrolment_date(plan, "2025-12-01", "")


def test_a_bulk_load_refreshes_the_planner_statistics(people, inpatient, staff, monkeypatch):
    from django.db import connection

    from gonghui.registry import importing

    monkeypatch.setattr(importing, "ANALYZE_AFTER", 2)
    statements = []

    def spy(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    rows = [[w.name, w.id_number_clear()] for w in people.values()]
    with connection.execute_wrapper(spy):
        services.roster_import(actor=staff["city_staff"], product=inpatient, data=xlsx(["姓名", "身份证号"], rows),
                               filename="r.xlsx")
    analyzed = [s for s in statements if s.startswith("ANALYZE")]
    if connection.vendor == "postgresql":
        assert analyzed and "mutual_aid_enrolment" in analyzed[0] and "mutual_aid_contribution" in analyzed[0]
    else:
        assert analyzed == []  # SQLite keeps no planner statistics to refresh


def test_a_product_the_administrators_add_is_offered_and_claimable(plan, people, staff, item, worker_user):
    product = services.product_save(actor=staff["city_mutualaid"], plan_year=plan, data={
        "name": "大病互助", "code": "serious", "contribution": "60", "payer_worker": "60", "waiting_days": "0",
        "kind": "fixed", "conditions": "恶性肿瘤 5000\n终末期肾病 5000", "cap_per_period": "5000"})
    services._enrol_rows(product, [people["李强"]], dt.date(2025, 12, 1), "roster")
    fields = {f["key"]: f for f in cases.form_fields(item, people["李强"])}
    assert fields["product"]["choices"] == ["大病互助"] and fields["condition"]["choices"] == ["恶性肿瘤", "终末期肾病"]
    with pytest.raises(ValidationError, match="请选择所患病种"):
        cases.case_create(actor=worker_user("李强"), item=item, data=claim_form(product="大病互助"))
    case = cases.case_create(actor=worker_user("李强"), item=item,
                             data=claim_form(product="大病互助", condition="恶性肿瘤"))
    assert case.form["condition"] == "恶性肿瘤"
