"""The hospital-cost subsidy: valued by the model worker's level and the yearly cap, its invoices shared
with mutual aid (never paid twice), paid through a batch that fulfils the claim."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from gonghui.aid import services as aid
from gonghui.aid.models import Grant
from gonghui.cases import services as cases
from gonghui.cases.models import ServiceItem, State
from gonghui.model_workers import payments, services
from gonghui.model_workers.models import Subsidy
from tests.cases.conftest import png


@pytest.fixture
def claim(staff, db):
    item = ServiceItem.objects.get(code="mw_hospital")

    def _make(mw, invoices, *, steps=("submit", "accept", "approve"), by="city_staff"):
        actor = staff[by]
        case = cases.case_create(actor=actor, item=item, worker=mw.worker, data={
            "illness": "冠心病住院治疗。", "bank_name": "中国建设银行晋江支行", "bank_card": "6217000000000001",
            "phone": "13800000000"})
        for number, amount, insured, day in invoices:
            aid.case_invoice_add(actor=actor, case=case, number=number, hospital="晋江市医院", issued_on=day,
                                 amount=amount, insured=insured)
        for material in ("invoices", "settlement"):
            cases.attachment_add(actor=actor, case=case, material=material, name=f"{material}.png", data=png())
        for step in steps:
            cases.transition(actor=actor, case=case, name=step)
        case.refresh_from_db()
        return case

    return _make


def test_a_claim_is_valued_by_level_within_the_yearly_cap(register, claim, staff):
    provincial = register("陈金水")
    first = claim(provincial, [("FP0000001", "20000", "8125", dt.date(2026, 3, 2))])
    assert Subsidy.objects.get(case=first).amount == Decimal("9500.00")  # 11,875 × 80%
    assert first.result["amount"] == "9500.00"
    second = claim(provincial, [("FP0000002", "30000", "10000", dt.date(2026, 5, 2))])
    subsidy = Subsidy.objects.get(case=second)
    assert subsidy.amount == Decimal("10500.00")  # 16,000 by the share; 20,000 − 9,500 left of the cap
    assert any("封顶" in w for w in subsidy.working)
    third = claim(provincial, [("FP0000003", "3000", "0", dt.date(2026, 6, 2))], steps=("submit", "accept"))
    with pytest.raises(ValidationError, match="已达封顶"):
        cases.transition(actor=staff["city_staff"], case=third, name="approve")
    # costs of another year count against that year's cap
    national = register("施荣华", level="national")
    last_year = claim(national, [("FP0000004", "16000", "6000", dt.date(2025, 12, 20))])
    assert (Subsidy.objects.get(case=last_year).year, Subsidy.objects.get(case=last_year).amount) == (
        2025, Decimal("10000.00"))
    assert Grant.objects.filter(source="mw_hospital", active=True).count() == 3


def test_only_a_retired_model_worker_may_claim(register, claim, people):
    working = register("王芳", id_number=people["王芳"].id_number_clear(), retired_on="", card=False)
    assert "退休劳模" in services.hospital_unavailable(working.worker)
    assert "登记在册" in services.hospital_unavailable(people["李强"])
    with pytest.raises(ValidationError):
        claim(working, [("FP0000009", "1000", "0", dt.date(2026, 3, 2))])


def test_an_invoice_paid_by_mutual_aid_is_refused_and_the_reverse(register, claim, filed, staff):
    mutual = filed("王芳", invoices=(("HZ0000555", "12000", "10000"),))
    assert mutual.state == State.SUBMITTED
    mw = register("陈金水")
    with pytest.raises(ValidationError, match="医疗互助"):
        claim(mw, [("HZ0000555", "12000", "2000", dt.date(2026, 3, 2))])
    ours = claim(mw, [("HZ0000666", "12000", "2000", dt.date(2026, 3, 2))], steps=("submit",))
    with pytest.raises(ValidationError, match="劳模医疗补助"):
        filed("王芳", invoices=(("HZ0000666", "12000", "10000"),))
    cases.transition(actor=staff["city_staff"], case=ours, name="not_accept", reason="材料不全")
    assert not aid.invoices_held(["HZ0000666"])  # let go when the claim ends unpaid


def test_a_subsidy_is_paid_by_batch_and_fulfils_the_claim(register, claim, staff):
    from gonghui.core.spreadsheets import write_xlsx
    from gonghui.payments import services as pay
    from gonghui.payments.models import PaymentBatch
    from tests.mutual_aid.conftest import verified

    case = claim(register("陈金水"), [("FP0000011", "20000", "8125", dt.date(2026, 3, 2))])
    finance = staff["city_finance"]
    rows = list(payments.subsidy_rows(finance))
    assert [r.case_id for r in rows] == [case.pk]
    batch = pay.batch_create(actor=finance, source="mw_subsidy", rows=rows)
    pay.batch_approve(actor=finance, batch=batch, context=verified(finance))
    pay.batch_export(actor=finance, batch=batch, context=verified(finance))
    result = write_xlsx(["业务参考号", "状态"], [[case.number, "成功"]], sheet="结果")
    pay.batch_import_result(actor=finance, batch=PaymentBatch.objects.get(pk=batch.pk), data=result, filename="r.xlsx")
    case.refresh_from_db()
    assert case.state == State.FULFILLED and Subsidy.objects.get(case=case).paid_at is not None
