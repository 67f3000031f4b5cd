"""Aid for a household on file: the amount by the year's caps, the no-double-aid check across programmes
(it explains itself: which programme, which case, how much), the invoices shared with mutual aid, payment
through the shared batches."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from gonghui.aid import services as aid
from gonghui.aid.models import Grant, InvoiceUse
from gonghui.assistance import services
from gonghui.assistance.models import Award, HardshipFile
from gonghui.cases import services as cases
from gonghui.cases.models import Case, ServiceItem, State
from tests.assistance.conftest import autumn_form
from tests.cases.conftest import png

pytestmark = pytest.mark.django_db

BANK = {"bank_name": "中国农业银行晋江支行", "bank_card": "6228480012345678901"}


@pytest.fixture
def aid_item(db):
    return ServiceItem.objects.get(code="hardship_aid")


@pytest.fixture
def applied(aid_item, worker_user):
    def _make(name="王芳", kind="生活救助", amount="6000", invoices=(), submit=True, **extra):
        user = worker_user(name)
        case = cases.case_create(actor=user, item=aid_item, data={
            "kind": kind, "amount": amount, "reason": "丈夫透析，家中入不敷出。", "phone": "13600000001",
            **BANK, **extra})
        for number, amount_, insured in invoices:
            aid.case_invoice_add(actor=user, case=case, number=number, hospital="晋江市医院",
                                 issued_on=timezone.localdate() - dt.timedelta(days=5), amount=amount_, insured=insured)
        cases.attachment_add(actor=user, case=case, material="proof", name="proof.png", data=png())
        if submit:
            cases.transition(actor=user, case=case, name="submit")
        return case

    return _make


def _decide(case, staff, step="approve", **kwargs):
    clerk = staff["qingyang_staff"]
    if case.state == State.SUBMITTED:
        cases.transition(actor=clerk, case=case, name="accept")
    return cases.transition(actor=clerk, case=case, name=step, **kwargs)


def test_only_a_household_on_file_may_apply(aid_item, worker_user, people):
    from gonghui.cases.services import unavailable

    assert "请先申请“困难职工建档”" in unavailable(aid_item, people["王芳"])


def test_living_aid_is_granted_within_the_cap_and_recorded_in_the_ledger(on_file, applied, staff):
    on_file()
    case = _decide(applied(amount="15000"), staff)
    award = Award.objects.get(case=case)
    # deep hardship: at most 12 months of 850
    assert (award.amount, award.kind) == (Decimal("10200.00"), "living")
    assert "每年不超过12个月低保标准：10,200.00元" in award.working
    grant = Grant.objects.get(source="hardship_aid", object_id=case.pk)
    assert (grant.purpose, grant.amount, grant.period, grant.person_name) == (
        "living", Decimal("10200.00"), timezone.localdate().year, "王芳")
    # a second living aid the same year is refused when the worker submits it, with the reason
    second = applied(amount="3000", submit=False)
    with pytest.raises(ValidationError, match=f"王芳已于{timezone.localdate().year}年获困难职工生活救助（{case.number}"):
        cases.transition(actor=_user(second), case=second, name="submit")
    assert Case.objects.get(pk=second.pk).state == State.DRAFT


def test_the_ledger_refuses_what_the_submission_check_could_not_see(on_file, applied, staff):
    """Two living-aid applications submitted before either was approved: the second approval is refused."""
    on_file()
    first, second = applied(amount="3000"), applied(amount="2000")
    _decide(first, staff)
    with pytest.raises(ValidationError, match=f"不能重复救助：王芳已于.*{first.number}"):
        _decide(second, staff)
    assert Case.objects.get(pk=second.pk).state == State.ACCEPTED and not Award.objects.filter(case=second).exists()


def test_relative_hardship_gets_one_kind_of_aid_a_year(on_file, applied, staff):
    on_file(incomes=("48000", "12000"))  # (60,000 − 6,000) ÷ 12 ÷ 4 = 1,125: relative
    first = _decide(applied(amount="3000"), staff)
    medical = applied(kind="医疗救助", amount="", invoices=[("MZ20260001", "9000", "3000")], submit=False)
    with pytest.raises(ValidationError) as refused:
        cases.transition(actor=_user(medical), case=medical, name="submit")
    said = " ".join(refused.value.messages)
    assert "相对困难职工家庭每年只享受一种救助" in said and first.number in said and "3,000.00元" in said


def _user(case):
    from gonghui.registry.models import WorkerAccount

    return WorkerAccount.objects.get(worker=case.applicant).user


def test_golden_autumn_then_study_aid_the_same_year_is_refused_with_the_reason(
        on_file, applied, staff, autumn_campaign, people, worker_user, today):
    on_file()
    user = worker_user("王芳")
    autumn = cases.case_create(actor=user, item=ServiceItem.objects.get(code="golden_autumn"),
                               data=autumn_form(people["王芳"]))
    for material in ("admission_letter", "student_card"):
        cases.attachment_add(actor=user, case=autumn, material=material, name="m.png", data=png())
    cases.transition(actor=user, case=autumn, name="submit")
    clerk = staff["qingyang_staff"]
    for step in ("accept", "review"):
        cases.transition(actor=clerk, case=autumn, name=step)
    notice = services.publicise(actor=clerk, case_list=[autumn], title="金秋助学公示")
    today(notice.closes_on + dt.timedelta(days=1))
    autumn.refresh_from_db()
    cases.transition(actor=clerk, case=autumn, name="approve")
    assert Award.objects.get(case=autumn).amount == Decimal("3000.00")
    study = applied(kind="助学（大学、大专）", amount="5000", submit=False,
                    student_id=autumn_form(people["王芳"])["student_id"])
    with pytest.raises(ValidationError) as refused:
        cases.transition(actor=user, case=study, name="submit")
    assert f"陈子涵已于{timezone.localdate().year}年获金秋助学（{autumn.number}，助学，3,000.00元）" in \
        " ".join(refused.value.messages)


def test_an_invoice_paid_by_mutual_aid_is_not_claimed_again_in_medical_aid(on_file, applied, filed, staff):
    claim = filed("王芳", invoices=(("HZ0000777", "12000", "10000"),))
    on_file()
    medical = applied(kind="医疗救助", amount="", submit=False)
    with pytest.raises(ValidationError) as refused:
        aid.case_invoice_add(actor=_user(medical), case=medical, number="HZ0000777", hospital="晋江市医院",
                             issued_on=timezone.localdate(), amount="12000", insured="6000")
    assert refused.value.message_dict["number"] == [f"发票HZ0000777已在医疗互助（{claim.number}）报销，同一张发票不能重复报销。"]


def test_an_invoice_in_medical_aid_is_not_claimed_again_in_mutual_aid(on_file, applied, filed):
    on_file()
    medical = applied(kind="医疗救助", amount="", invoices=[("HZ0000888", "12000", "6000")])
    assert InvoiceUse.objects.filter(number="HZ0000888", source="hardship_aid", active=True).exists()
    with pytest.raises(ValidationError) as refused:
        filed("王芳", invoices=(("HZ0000888", "12000", "10000"),))
    assert f"发票HZ0000888已在困难职工医疗救助（{medical.number}）报销" in " ".join(refused.value.messages)
    # withdrawn, the invoice is free again
    cases.transition(actor=_user(medical), case=medical, name="withdraw")
    assert filed("王芳", invoices=(("HZ0000888", "12000", "10000"),)).state == State.SUBMITTED


def test_medical_aid_pays_the_self_paid_costs(on_file, applied, staff):
    on_file()
    case = _decide(applied(kind="医疗救助", amount="", invoices=[("MZ000001", "9000", "3000"), ("MZ000002", "2400", "400")]),
                   staff)
    # deep hardship: all of the self-paid 6,000 + 2,000, within 20,000 a year
    assert Award.objects.get(case=case).amount == Decimal("8000.00")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_the_same_invoice_reserved_by_both_programmes_at_once_goes_to_one(db):
    """Mutual aid and medical aid holding one number at the same moment: the database lets one through."""
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def run(i):
        try:
            barrier.wait(timeout=10)
            from django.db import transaction

            with transaction.atomic():
                aid.invoices_reserve(source=["mutual_aid", "hardship_aid"][i], programme=["医疗互助", "医疗救助"][i],
                                     object_id=100 + i, case=None, reference=f"X-{i}", numbers=["RACE0001"])
            results[i] = "ok"
        except ValidationError as exc:
            results[i] = exc.messages[0]
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(r == "ok" for r in results) == [False, True], results
    assert "不能重复报销" in next(r for r in results if r != "ok")
    assert InvoiceUse.objects.filter(number="RACE0001", active=True).count() == 1


def test_aid_is_paid_through_the_shared_batches(on_file, applied, staff, worker_user,
                                                django_capture_on_commit_callbacks):
    from gonghui.assistance.payments import SOURCE, payable_rows
    from gonghui.core.spreadsheets import write_xlsx
    from gonghui.payments import services as payments
    from gonghui.payments.models import PaymentBatch
    from tests.mutual_aid.conftest import verified

    on_file()
    case = _decide(applied(amount="6000"), staff)
    finance = staff["city_finance"]
    rows = payable_rows(finance, tag="hardship_aid")
    assert [a.case_id for a in rows] == [case.pk]
    batch = payments.batch_create(actor=finance, source=SOURCE, rows=rows)
    now = verified(finance)
    payments.batch_approve(actor=finance, batch=batch, context=now)
    payments.batch_export(actor=finance, batch=batch, context=now)
    result = write_xlsx(["业务参考号", "状态", "失败原因"], [[case.number, "成功", ""]], sheet="结果")
    with django_capture_on_commit_callbacks(execute=True):
        payments.batch_import_result(actor=finance, batch=PaymentBatch.objects.get(pk=batch.pk), data=result,
                                     filename="r.xlsx")
    assert Case.objects.get(pk=case.pk).state == State.FULFILLED
    assert Award.objects.get(case=case).paid_at is not None
    assert HardshipFile.objects.get(worker=case.applicant).awards.count() == 1


def test_an_invoice_staff_add_after_submission_is_held_at_once_and_a_removed_one_let_go(on_file, applied, staff):
    on_file()
    case = applied(kind="医疗救助", amount="", invoices=[("MZ000010", "9000", "3000"), ("MZ000011", "900", "0")])
    aid.case_invoice_add(actor=staff["qingyang_staff"], case=case, number="MZ000012", hospital="晋江市医院",
                         issued_on=timezone.localdate(), amount="1200", insured="200")
    held = set(InvoiceUse.objects.filter(source="hardship_aid", object_id=case.pk, active=True)
               .values_list("number", flat=True))
    assert held == {"MZ000010", "MZ000011", "MZ000012"}
    # returned, the worker drops an invoice and submits again: that number is free
    cases.transition(actor=staff["qingyang_staff"], case=case, name="return",
                     fix={"items": [{"type": "field", "key": "reason", "note": "第二张发票不属于本次住院"}]})
    aid.case_invoice_remove(actor=_user(case), invoice=case.medical_invoices.get(number="MZ000011"))
    case = cases.form_update(actor=_user(case), case=Case.objects.get(pk=case.pk),
                             data={**case.form, **case.secrets(), "reason": "住院透析费用，已删除门诊发票。"})
    cases.transition(actor=_user(case), case=case, name="submit")
    assert not aid.invoices_held(["MZ000011"]) and aid.invoices_held(["MZ000010"])
