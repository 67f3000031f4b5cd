"""The subsidy, table-driven: shares in bands, a deductible, caps per claim and per period across claims,
the waiting period, fixed payouts."""

import datetime as dt
from decimal import Decimal

import pytest

from gonghui.mutual_aid.calculation import Invoice, subsidy

D = Decimal
COVERED = dt.date(2026, 1, 1)
FUZHOU = {"kind": "share", "bands": [{"upto": None, "rate": "0.13"}], "cap_per_period": "50000"}
BANDED = {"kind": "share", "deductible": "1000", "bands": [{"upto": "10000", "rate": "0.5"},
                                                           {"upto": "30000", "rate": "0.6"},
                                                           {"upto": None, "rate": "0.7"}],
          "cap_per_claim": "20000", "cap_per_period": "30000"}
WOMEN = {"kind": "fixed", "cap_per_period": "6000", "conditions": [
    {"code": "cancer", "name": "八种女性特殊癌症之一", "amount": "6000"},
    {"code": "myomectomy", "name": "子宫肌瘤剔除", "amount": "1000"}]}


def inv(eligible, day=dt.date(2026, 5, 1), number="N1"):
    return Invoice(number, day, D(eligible))


@pytest.mark.parametrize(("rules", "invoices", "granted", "condition", "expected"), [
    # 13% of the insured bill, several invoices added up
    (FUZHOU, [inv("10000"), inv("2345.67", number="N2")], "0", "", "1604.94"),
    # the period cap across claims: 48,000 already granted, 5,000 would exceed 50,000
    (FUZHOU, [inv("38461.54")], "48000", "", "2000.00"),
    (FUZHOU, [inv("38461.54")], "50000", "", "0.00"),
    # bands after a deductible: 9,000 at 50% = 4,500
    (BANDED, [inv("10000")], "0", "", "4500.00"),
    # 25,000 - 1,000 = 24,000: 10,000 × 50% + 14,000 × 60% = 13,400
    (BANDED, [inv("25000")], "0", "", "13400.00"),
    # 61,000 - 1,000 = 60,000: 5,000 + 12,000 + 21,000 = 38,000, capped per claim at 20,000
    (BANDED, [inv("61000")], "0", "", "20000.00"),
    # ... and per period at 30,000 with 15,000 granted before
    (BANDED, [inv("61000")], "15000", "", "15000.00"),
    # below the deductible
    (BANDED, [inv("800")], "0", "", "0.00"),
    # fixed payouts by condition, capped per period
    (WOMEN, [inv("1")], "0", "子宫肌瘤剔除", "1000.00"),
    (WOMEN, [inv("1")], "1000", "八种女性特殊癌症之一", "5000.00"),
    (WOMEN, [inv("1")], "0", "感冒", "0.00"),
])
def test_subsidy_table(rules, invoices, granted, condition, expected):
    amount, working = subsidy(rules, invoices, covered_from=COVERED, already_granted=D(granted), condition=condition)
    assert amount == D(expected), working
    assert working[-1] == f"补助金额：{D(expected):,.2f}元"


def test_a_claim_spanning_the_waiting_period_counts_only_the_covered_days():
    covered = dt.date(2026, 4, 1)
    invoices = [inv("5000", dt.date(2026, 3, 28), "BEFORE"), inv("3000", dt.date(2026, 4, 2), "AFTER")]
    amount, working = subsidy(FUZHOU, invoices, covered_from=covered)
    assert amount == D("390.00")  # 13% of the 3,000 after cover began
    assert "发票BEFORE（2026-03-28）在等待期内（保障自2026-04-01起），不计入" in working
    fixed, lines = subsidy(WOMEN, [inv("1", dt.date(2026, 3, 1))], covered_from=covered, condition="子宫肌瘤剔除")
    assert fixed == 0 and "费用均发生在等待期内" in lines


def test_the_working_is_shown_line_by_line():
    _amount, working = subsidy(BANDED, [inv("25000")], covered_from=COVERED)
    assert working == [
        "医保范围内费用合计：25,000.00元（1张发票）",
        "减起付线1,000.00元后：24,000.00元",
        "0.00元至10,000.00元部分10,000.00元 × 50% = 5,000.00元",
        "10,000.00元至30,000.00元部分14,000.00元 × 60% = 8,400.00元",
        "补助金额：13,400.00元",
    ]
