"""A claim from filing to payment: the checks at submit, the reviewer's correction, the subsidy by the
rules of the stay's year, the batch, the bank file, the bank's result, a failed payment corrected, and
the figures of the plan year recounted claim by claim."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.cases import services as cases
from gonghui.cases.models import Case, Message, State
from gonghui.core.spreadsheets import write_xlsx
from gonghui.mutual_aid import figures, services
from gonghui.mutual_aid.models import Claim, ClaimInvoice
from gonghui.mutual_aid.services.payments import payable_rows
from gonghui.payments import services as payments
from gonghui.payments.models import LineStatus, PaymentBatch, PaymentLine
from tests.cases.conftest import png
from tests.mutual_aid.conftest import gather

from .conftest import claim_form, verified


def test_a_claim_is_checked_at_submit_all_at_once(filed, worker_user, women, people, item):
    # 王芳 is in inpatient aid, not in the women's product: refused as soon as the form is saved, before any
    # material is asked (it used to be at submission, after five photos)
    user = worker_user("王芳")
    with pytest.raises(ValidationError) as exc:
        cases.case_create(actor=user, item=item, data=claim_form(product="女职工特殊疾病互助", condition="子宫肌瘤剔除"))
    assert exc.value.message_dict["product"] == ["您未参加女职工特殊疾病互助，不能申请。"]
    other = cases.case_create(actor=user, item=item, data=claim_form(discharged_on="2026-03-08"))
    services.invoice_add(actor=user, case=other, number="35052699999", hospital="晋江市医院",
                         issued_on="2025-12-30", amount="100", eligible="80")
    for material in item.required_materials:
        cases.attachment_add(actor=user, case=other, material=material["key"], name="p.png",
                             data=png())
    with pytest.raises(ValidationError) as exc:
        cases.transition(actor=user, case=other, name="submit")
    assert "发票35052699999的日期2025-12-30不在2026年度保障期内。" in exc.value.message_dict["invoices"]


def test_the_same_invoice_cannot_be_claimed_twice(filed, worker_user):
    filed("王芳", invoices=(("FP-000001", "5000", "4000"),))
    second = filed("李强", invoices=(("fp 000001", "5000", "4000"),), submit=False)
    with pytest.raises(ValidationError, match="已被其他报销申请使用"):
        cases.transition(actor=worker_user("李强"), case=second, name="submit")
    assert Case.objects.get(pk=second.pk).state == State.DRAFT


def test_a_withdrawn_claim_frees_its_invoices(filed, worker_user):
    first = filed("王芳", invoices=(("FP-0002", "5000", "4000"),))
    cases.transition(actor=worker_user("王芳"), case=first, name="withdraw", reason="填错了")
    again = filed("王芳", invoices=(("FP-0002", "5000", "4000"),))
    assert Case.objects.get(pk=again.pk).state == State.SUBMITTED


def test_a_lapsed_claim_is_refused(filed, worker_user, plan):
    case = filed(submit=False)  # a draft begun before the deadline, submitted after it
    plan.claim_deadline = dt.date(2026, 3, 31)
    plan.save()
    with pytest.raises(ValidationError, match="已于2026-03-31截止"):
        cases.transition(actor=worker_user("王芳"), case=case, name="submit")


def test_the_reviewer_corrects_an_amount_and_the_subsidy_follows_the_rules(filed, staff, worker_user):
    case = filed(invoices=(("A00001", "12000", "10000"), ("A00002", "3000", "2000")))
    clerk = staff["qingyang_staff"]
    cases.transition(actor=clerk, case=case, name="accept")
    invoice = ClaimInvoice.objects.get(number="A00002")
    with pytest.raises(ValidationError, match="更正理由"):
        services.invoice_correct(actor=clerk, invoice=invoice, eligible="1000", reason="")
    services.invoice_correct(actor=clerk, invoice=invoice, eligible="1000", reason="含自费药品1000元")
    cases.transition(actor=clerk, case=case, name="approve")
    claim = Claim.objects.get(case=case)
    assert claim.subsidy == Decimal("1430.00")  # 13% of 11,000
    assert claim.working[0] == "医保范围内费用合计：11,000.00元（2张发票）"
    page = _client(worker_user("王芳")).get(f"/m/cases/{case.number}/").content.decode()
    assert "核准补助 1430.00 元" in page and "含自费药品1000元" in page


def test_the_period_cap_holds_across_claims(approved, worker_user):
    approved(invoices=(("B00001", "400000", "380000"),))  # 13% = 49,400
    second = approved(invoices=(("B00002", "20000", "20000"),))
    claim = Claim.objects.get(case=second)
    assert claim.subsidy == Decimal("600.00")
    assert "年度封顶50,000.00元，本年度已获补助49,400.00元，本次最多600.00元" in claim.working


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def _result(rows) -> bytes:
    return write_xlsx(["业务参考号", "状态", "失败原因"], rows, sheet="结果")


def test_payment_batch_bank_file_result_and_a_failed_row_corrected(approved, finance, worker_user,
                                                                   django_capture_on_commit_callbacks):
    paid_case, failed_case = approved("王芳"), approved("李强", invoices=(("C00009", "8000", "6000"),))
    verified_now = verified(finance)
    batch = gather(finance)
    assert (batch.count, batch.total) == (2, Decimal("2080.00"))  # 1,300 + 780
    with pytest.raises(payments.PaymentConflict, match="已在其他支付批次中"):
        gather(finance, [Claim.objects.get(case=paid_case)])
    with pytest.raises(payments.PaymentConflict, match="审批后"):
        payments.batch_export(actor=finance, batch=batch, context=verified_now)
    from gonghui.accounts.second_factor import StepUpRequired

    with pytest.raises(StepUpRequired):
        payments.batch_approve(actor=finance, batch=batch, context=None)
    payments.batch_approve(actor=finance, batch=batch, context=verified_now)
    data, _type, name = payments.batch_export(actor=finance, batch=batch, context=verified_now)
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert name == f"{batch.number}.xlsx"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("收款人姓名", "开户行", "收款账号", "金额（元）", "业务参考号", "用途")
    # the account is text (all its digits kept), the amount a number the bank's import can add up
    assert ("王芳", "中国农业银行晋江支行", "6228480012345678901", 1300, paid_case.number, "医疗互助补助金") in rows
    assert all(isinstance(row[3], int | float) for row in rows[1:])
    result = _result([[paid_case.number, "成功", ""], [failed_case.number, "失败", "户名与账号不符"]])
    with django_capture_on_commit_callbacks(execute=True):
        counts = payments.batch_import_result(actor=finance, batch=PaymentBatch.objects.get(pk=batch.pk),
                                              data=result, filename="r.xlsx")
    assert (counts["paid"], counts["failed"]) == (2 - 1, 1)
    assert Case.objects.get(pk=paid_case.pk).state == State.FULFILLED
    assert Case.objects.get(pk=failed_case.pk).state == State.APPROVED
    # the same file again pays nobody twice
    again = payments.batch_import_result(actor=finance, batch=PaymentBatch.objects.get(pk=batch.pk), data=result,
                                         filename="r.xlsx")
    assert (again["paid"], again["skipped"]) == (0, 2)
    assert PaymentLine.objects.filter(status=LineStatus.PAID).count() == 1
    # the worker is told, corrects the card, and the claim is payable again
    li = worker_user("李强")
    assert Message.objects.filter(recipient=li, title="支付失败，请更正银行卡").exists()
    page = _client(li).get(f"/m/cases/{failed_case.number}/").content.decode()
    assert "支付失败，请更正银行卡" in page and "户名与账号不符" in page
    _client(li).post(f"/m/mutual-aid/claims/{failed_case.number}/payee/",
                     {"bank_name": "中国工商银行晋江支行", "bank_card": "6222021402000000001"})
    assert [c.case_id for c in payable_rows(finance)] == [failed_case.pk]
    second = gather(finance)
    line = second.lines.get()
    assert line.account_clear() == "6222021402000000001" and line.bank_name == "中国工商银行晋江支行"


def test_the_plan_years_figures_equal_the_sum_of_its_claims(approved, filed, finance, staff, plan):
    cases_ = [approved("王芳"), approved("李强", invoices=(("D00002", "8000", "6000"),)), filed("张伟")]
    verified_now = verified(finance)
    batch = gather(finance)
    payments.batch_approve(actor=finance, batch=batch, context=verified_now)
    payments.batch_export(actor=finance, batch=batch, context=verified_now)
    payments.batch_import_result(actor=finance, batch=PaymentBatch.objects.get(pk=batch.pk),
                                 data=_result([[c.number, "成功", ""] for c in cases_[:2]]), filename="r.xlsx")
    f = figures.plan_year_figures(user=staff["city_staff"], plan_year=plan)
    claims = list(Claim.objects.filter(product__plan_year=plan).select_related("case"))
    assert f["claims"] == len(claims) == 3
    assert f["paid_amount"] == sum(c.subsidy for c in claims if c.case.state == State.FULFILLED) == Decimal("2080.00")
    assert f["paid_count"] == 2
    assert sum(t["paid"] for t in f["towns"]) == f["paid_amount"]
    assert sum(v["amount"] for _m, v in f["months_paid"]) == f["paid_amount"]
    assert sum(v["amount"] for _m, v in f["months_stay"]) == f["paid_amount"]
    assert (f["persons"], f["enrolments"]) == (3, 3)
    town = figures.plan_year_figures(user=staff["meiling_staff"], plan_year=plan)
    assert town["claims"] == 1 and town["paid_count"] == 0  # 梅岭 sees its own
    response = _client(staff["city_staff"]).get("/dash/mutual-aid/?year=2026&format=xlsx")
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert ("已发放补助金额（元）", 2080) in [tuple(r[:2]) for r in sheet.iter_rows(values_only=True)]


def test_the_acceptance_form_pdf_reads_in_chinese_and_its_qr_opens_the_progress_page(filed, login):
    import zxingcpp
    from PIL import Image
    from pypdf import PdfReader

    case = filed()
    response = login("qingyang_staff").get(f"/desk/mutual-aid/claims/{case.number}/form.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = reader.pages[0].extract_text()
    assert "职工医疗互助报销受理单" in text and case.number in text and "王芳" in text
    # what was received, and only that: five required scans, no pathology report (never uploaded)
    flat = "".join(text.split())
    assert "住院发票原件1份" in flat and "本人银行卡1份" in flat and "扫描件共5份" in flat
    assert "病理报告" not in flat
    images = reader.pages[0].images
    assert images, "the QR code is embedded as an image"
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(images[0].data)))
    assert [d.text for d in decoded] == [f"http://testserver/m/cases/{case.number}/"]


def test_roster_import_enrols_reports_bad_rows_and_is_idempotent(people, inpatient, staff):
    from tests.files import xlsx

    good = people["王芳"]
    rows = [["王芳", good.id_number_clear()], ["李四", people["李强"].id_number_clear()], ["无此人", "11010519491231002X"]]
    result = services.roster_import(actor=staff["qingyang_staff"], product=inpatient,
                                    data=xlsx(["姓名", "身份证号"], rows), filename="roster.xlsx")
    assert (result.created, result.rejected) == (1, 2)
    assert [e.reason for e in result.errors] == ["姓名与职工档案（李强）不一致",
                                                 "职工档案中没有此人（或不在本单位范围内），请先导入职工名单"]
    again = services.roster_import(actor=staff["qingyang_staff"], product=inpatient,
                                   data=xlsx(["姓名", "身份证号"], rows[:1]), filename="roster.xlsx")
    assert (again.created, again.updated) == (0, 1)
    contribution = inpatient.contributions.get()
    assert (contribution.persons, contribution.amount_due) == (1, Decimal("36.00"))


def test_staff_pick_a_worker_from_the_registry(people, inpatient, login):
    client = login("qingyang_staff")
    number = people["李强"].id_number_clear()
    response = client.post("/desk/mutual-aid/?year=2026", {"product": inpatient.pk, "id_number": number}, follow=True)
    assert "李强已参加住院医疗互助。" in response.content.decode()
    again = client.post("/desk/mutual-aid/?year=2026", {"product": inpatient.pk, "id_number": number}, follow=True)
    assert "李强已参加2026年度住院医疗互助。" in again.content.decode()
    other = client.post("/desk/mutual-aid/?year=2026", {"product": inpatient.pk,
                                                        "id_number": people["张伟"].id_number_clear()}, follow=True)
    assert "您的管辖范围内没有这个身份证号的职工" in other.content.decode()
    from gonghui.mutual_aid.models import Enrolment

    assert list(Enrolment.objects.values_list("worker__name", flat=True)) == ["李强"]


def test_an_approved_claims_page_shows_the_subsidy_in_words_not_a_stored_dict(approved, staff):
    case = approved("王芳")
    page = _client(staff["qingyang_staff"]).get(f"/desk/cases/{case.number}/").content.decode()
    assert "核准补助：1300.00 元" in page
    assert "办理结果" not in page and "{'subsidy'" not in page and "'working'" not in page
    assert Case.objects.get(pk=case.pk).result == {}  # kept once: on the claim
    assert Claim.objects.get(case=case).subsidy == Decimal("1300.00")


def test_each_amount_is_called_by_its_name_and_messages_read_as_one_sentence(filed, worker_user, item):
    case = filed(submit=False, invoices=(("3505269800001", "12000", "9800"),))
    client = _client(worker_user("王芳"))
    page = client.get(f"/m/cases/{case.number}/").content.decode()
    assert "医保范围内9800.00元" in page and "可补助" not in page  # 9,800 is the insured bill, not the subsidy
    response = client.post(f"/m/mutual-aid/claims/{case.number}/invoices/",
                           {"number": "12", "hospital": "晋江市医院", "issued_on": "2026-03-08", "amount": "100",
                            "eligible": "200"}, follow=True)
    text = response.content.decode()
    assert "请填写发票号码（6至40位数字或字母）；医保范围内费用不能大于发票金额。" in text and "。；" not in text


def test_only_what_the_worker_can_claim_is_offered(enrolled, worker_user, item, women, people):
    """The women's product is not offered to a worker not enrolled in it; a worker enrolled in nothing is
    told so before any form."""
    from django.contrib.auth import get_user_model

    from gonghui.registry.models import BindingStatus, WorkerAccount

    page = _client(worker_user("李强")).get("/m/services/mutual_aid_claim/apply/").content.decode()
    assert '<option value="住院医疗互助"' in page and "女职工特殊疾病互助" not in page and "特殊疾病病种" not in page
    services._enrol_rows(women, [people["王芳"]], dt.date(2025, 12, 20), "roster")
    page = _client(worker_user("王芳")).get("/m/services/mutual_aid_claim/apply/").content.decode()
    assert '<option value="女职工特殊疾病互助"' in page and "特殊疾病病种" in page

    from gonghui.mutual_aid.models import Enrolment

    Enrolment.objects.filter(worker=people["张伟"]).delete()
    page = _client(worker_user("张伟")).get("/m/services/mutual_aid_claim/apply/").content.decode()
    assert 'data-testid="unavailable"' in page and "没有可以申请补助的医疗互助项目" in page and "<form method=\"post\"" not in page
    assert get_user_model().objects.filter(username=people["张伟"].phone).exists()
    assert WorkerAccount.objects.filter(worker=people["张伟"], status=BindingStatus.BOUND).exists()


def test_the_figures_page_shows_an_average_of_zero_days_and_says_none_alike(approved, finance, staff, plan):
    """Claims paid the day they were submitted average 0 days, not "—"; an empty year says 暂无 throughout."""
    case = approved("王芳")
    verified_now = verified(finance)
    batch = gather(finance)
    payments.batch_approve(actor=finance, batch=batch, context=verified_now)
    payments.batch_export(actor=finance, batch=batch, context=verified_now)
    payments.batch_import_result(actor=finance, batch=PaymentBatch.objects.get(pk=batch.pk),
                                 data=_result([[case.number, "成功", ""]]), filename="r.xlsx")
    page = _client(staff["city_staff"]).get("/dash/mutual-aid/?year=2026").content.decode()
    assert 'data-testid="average-days">0.0<' in page
    empty = _client(staff["city_staff"]).get("/dash/mutual-aid/?year=2027").content.decode()
    assert 'data-testid="average-days">暂无<' in empty and "—" not in empty and ">无<" not in empty


def test_finance_chooses_the_claims_of_a_batch_and_approves_with_a_fresh_code(approved, finance, staff, grant,
                                                                                second_factor, settings):
    from django.test import Client
    from django_otp.oath import totp

    approved("王芳")
    li = approved("李强", invoices=(("F00001", "8000", "6000"),))
    officer = Client()
    officer.force_login(finance)
    device = second_factor(officer, finance)
    page = officer.get("/desk/payments/").content.decode()
    assert page.count('name="rows"') == 2 and page.count(" checked ") == 2  # all ticked by default
    ids = {c.case_id: c.pk for c in Claim.objects.all()}
    officer.post("/desk/payments/", {"rows": [ids[li.pk]]})  # only 李强's this time
    batch = PaymentBatch.objects.get()
    assert [line.case_id for line in batch.lines.all()] == [li.pk]
    page = officer.get(f"/desk/payments/{batch.pk}/").content.decode()
    assert f"确认审批支付批次{batch.number}：共1笔，合计780.00元？" in page

    # the officer who gathered it may not approve it where duties are separated (production's default)
    settings.PAYMENT_ONE_PERSON_MAY_GATHER_AND_APPROVE = False
    with pytest.raises(PermissionDenied, match="另一位财务人员审批"):
        payments.batch_approve(actor=finance, batch=batch, context=verified(finance))
    settings.PAYMENT_ONE_PERSON_MAY_GATHER_AND_APPROVE = True
    # a fresh code is asked every time, even just after the sign-in's (an old or wrong one is refused)
    response = officer.post(f"/desk/payments/{batch.pk}/approve/", {"code": "000000"}, follow=True)
    assert "动态验证码不正确" in response.content.decode()
    assert PaymentBatch.objects.get(pk=batch.pk).state == "draft"
    device.refresh_from_db()
    device.last_t = -1  # the next step's code, as the authenticator shows it half a minute later
    device.save()
    device.throttle_reset()
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    officer.post(f"/desk/payments/{batch.pk}/approve/", {"code": code})
    assert PaymentBatch.objects.get(pk=batch.pk).state == "approved"
