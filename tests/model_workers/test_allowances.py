"""The monthly allowance run: who is entitled (retirement, death and a rate change mid-month, pro rata), a
re-run that changes nothing, the review, payment through a batch and the bank's result, a failed transfer
paid again once the card is corrected, and a paid line never rewritten."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from gonghui.core.audit import AuditLog
from gonghui.core.spreadsheets import write_xlsx
from gonghui.model_workers import payments, services
from gonghui.model_workers.models import AllowanceLine, AllowanceRate, AllowanceRun
from gonghui.payments import services as pay
from gonghui.payments.models import PaymentBatch
from tests.mutual_aid.conftest import verified

D = dt.date


@pytest.fixture
def cohort(register, today):
    """Five model workers as of June 2026, and a raise for provincial ones from 16 July 2026."""
    today(D(2026, 8, 20))
    AllowanceRate.objects.create(level="provincial", retired=True, monthly=Decimal("250"),
                                 effective_from=D(2026, 7, 16))
    return {
        "long_retired": register("陈金水", retired_on="2010-01-01"),
        "retires_mid_july": register("林清泉", retired_on="2026-07-20"),
        "dies_mid_july": register("黄永福", level="city", retired_on="2012-05-01", died_on="2026-07-10"),
        "working": register("许国栋", retired_on=""),
        "national": register("施荣华", level="national", unit="meiling", retired_on="2016-09-01"),
    }


def _lines(month):
    return {line.model_worker.worker.name: (line.amount, line.days)
            for line in AllowanceLine.objects.filter(month=month).select_related("model_worker__worker")}


@pytest.mark.parametrize(("month", "expected"), [
    (D(2026, 6, 1), {"陈金水": ("200.00", 30), "黄永福": ("100.00", 30), "施荣华": ("300.00", 30)}),
    (D(2026, 7, 1), {"陈金水": ("225.81", 31),      # 200 × 15/31 + 250 × 16/31
                     "林清泉": ("96.77", 12),       # retired on the 20th, at the new rate: 250 × 12/31
                     "黄永福": ("32.26", 10),       # died on the 10th: 100 × 10/31
                     "施荣华": ("300.00", 31)}),
    (D(2026, 8, 1), {"陈金水": ("250.00", 31), "林清泉": ("250.00", 31), "施荣华": ("300.00", 31)}),
])
def test_the_run_of_a_month(cohort, staff, month, expected):
    counts = services.allowance_run(actor=staff["city_staff"], month=month.isoformat()[:7])
    assert counts["created"] == len(expected)
    assert _lines(month) == {k: (Decimal(a), d) for k, (a, d) in expected.items()}
    run = AllowanceRun.objects.get(month=month)
    assert run.total == sum(Decimal(a) for a, _d in expected.values())
    # run again: nothing changes, nothing is audited twice
    audited = AuditLog.objects.filter(action="model_workers.allowance_run").count()
    again = services.allowance_run(actor=staff["city_staff"], month=month)
    assert (again["created"], again["updated"], again["removed"], again["unchanged"]) == (0, 0, 0, len(expected))
    assert AuditLog.objects.filter(action="model_workers.allowance_run").count() == audited


def test_a_rerun_follows_the_register_and_only_the_city_runs(cohort, staff):
    services.allowance_run(actor=staff["city_staff"], month="2026-07")
    services.allowance_release(actor=staff["city_staff"], run=AllowanceRun.objects.get(month=D(2026, 7, 1)))
    services.allowance_run(actor=staff["city_staff"], month="2026-08")
    # a draft month follows a change of the register at once (a town clerk records it)
    services.update(actor=staff["qingyang_staff"], mw=cohort["working"], retired_on="2026-08-01")
    services.update(actor=staff["meiling_staff"], mw=cohort["national"], died_on="2026-06-30")
    assert "许国栋" in _lines(D(2026, 8, 1)) and "施荣华" not in _lines(D(2026, 8, 1))
    assert "施荣华" in _lines(D(2026, 7, 1))  # a reviewed month waits for the city to run it again
    counts = services.allowance_run(actor=staff["city_staff"], month="2026-07")
    assert (counts["created"], counts["removed"]) == (0, 1) and "施荣华" not in _lines(D(2026, 7, 1))
    with pytest.raises(PermissionDenied):
        services.allowance_run(actor=staff["qingyang_staff"], month="2026-08")
    with pytest.raises(Exception, match="以后月份"):
        services.allowance_run(actor=staff["city_staff"], month="2026-10")


def test_allowances_are_paid_by_batch_and_a_failed_one_again_after_the_card_is_corrected(cohort, staff):
    finance = staff["city_finance"]
    services.allowance_run(actor=staff["city_staff"], month="2026-06")
    run = AllowanceRun.objects.get(month=D(2026, 6, 1))
    assert not payments.allowance_rows(finance).exists()  # not reviewed yet
    services.allowance_release(actor=staff["city_staff"], run=run)
    rows = list(payments.allowance_rows(finance))
    assert len(rows) == 3
    batch = pay.batch_create(actor=finance, source="mw_allowance", rows=rows)
    pay.batch_approve(actor=finance, batch=batch, context=verified(finance))
    pay.batch_export(actor=finance, batch=batch, context=verified(finance))
    lines = {line.payee: line for line in batch.lines.all()}
    assert lines["陈金水"].account_clear() == cohort["long_retired"].worker.bank_number_clear()
    assert lines["陈金水"].reference == f"LMJT-202606-{cohort['long_retired'].pk}"
    result = write_xlsx(["业务参考号", "状态", "失败原因"], [
        [lines["陈金水"].reference, "成功", ""], [lines["施荣华"].reference, "成功", ""],
        [lines["黄永福"].reference, "失败", "账户已销户"]], sheet="结果")
    pay.batch_import_result(actor=finance, batch=PaymentBatch.objects.get(pk=batch.pk), data=result, filename="r.xlsx")
    paid = AllowanceLine.objects.get(model_worker=cohort["long_retired"], month=D(2026, 6, 1))
    failed = AllowanceLine.objects.get(model_worker=cohort["dies_mid_july"], month=D(2026, 6, 1))
    assert paid.paid_at is not None and failed.payment_problem == "账户已销户"
    assert not payments.allowance_rows(finance).exists()
    services.bank_set(actor=staff["qingyang_staff"], mw=cohort["dies_mid_july"], bank_card="6217000011112222",
                      bank_name="中国银行晋江支行")
    assert [r.pk for r in payments.allowance_rows(finance)] == [failed.pk]
    # a rate change after payment: the paid line is never rewritten, its difference is reported
    AllowanceRate.objects.create(level="provincial", retired=True, monthly=Decimal("220"), effective_from=D(2026, 6, 1))
    counts = services.allowance_run(actor=staff["city_staff"], month="2026-06")
    assert counts["locked"] == 1 and counts["differences"] == ["陈金水：已发200.00元，应发220.00元"]
    assert AllowanceLine.objects.get(pk=paid.pk).amount == Decimal("200.00")


def test_the_daily_job_drafts_the_month_on_the_first(cohort, today):
    today(D(2026, 9, 1))
    assert services.daily(D(2026, 9, 1)) == {"allowance_runs": 1}
    assert services.daily(D(2026, 9, 1)) == {"allowance_runs": 0}
    assert services.daily(D(2026, 9, 2)) == {"allowance_runs": 0}
    assert AllowanceRun.objects.get(month=D(2026, 9, 1)).count == 3


def test_finance_gathers_the_reviewed_allowances_on_the_payments_page(cohort, staff, login, second_factor):
    services.allowance_run(actor=staff["city_staff"], month="2026-06")
    services.allowance_release(actor=staff["city_staff"], run=AllowanceRun.objects.get(month=D(2026, 6, 1)))
    officer = login("city_finance")
    second_factor(officer, staff["city_finance"])
    page = officer.get("/desk/payments/?source=mw_allowance").content.decode()
    assert "劳模荣誉津贴" in page and "劳模医疗补助" in page  # one tab per kind of payment
    assert "陈金水（2026年06月）" in page and page.count('name="rows"') == 3
    line = AllowanceLine.objects.get(model_worker=cohort["long_retired"], month=D(2026, 6, 1))
    officer.post("/desk/payments/?source=mw_allowance", {"rows": [line.pk]})
    batch = PaymentBatch.objects.get(source="mw_allowance")
    assert (batch.count, batch.total) == (1, Decimal("200.00"))
