"""Demo data of medical mutual aid: the 2026 plan year's enrolments (through the enrolment service),
contributions partly paid, and a few hundred claims in every state — some paid through a real payment
batch and bank result, one failed payment waiting for the worker's bank card. Built through the real
services so that every timeline, audit row and message is the real thing. Deterministic, idempotent.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from gonghui.cases import services as cases
from gonghui.cases.demo_data import demo_image
from gonghui.cases.models import ServiceItem
from gonghui.core.context import Context
from gonghui.core.spreadsheets import write_xlsx
from gonghui.payments.models import PaymentBatch
from gonghui.registry.models import Gender, Worker

from . import services
from .models import Contribution, Enrolment, PlanYear

SEED = 2015
HOSPITALS = ["晋江市医院", "晋江市中医院", "泉州市第一医院", "福建医科大学附属第二医院", "晋江市安海医院"]
DIAGNOSES = ["急性阑尾炎", "肺炎", "腰椎间盘突出症", "冠心病", "胆囊结石", "骨折", "2型糖尿病", "脑梗死"]
# state to reach → how many claims
PLAN = [("draft", 8), ("submitted", 30), ("accepted", 25), ("in_review", 20), ("returned", 12),
        ("approved", 25), ("paid", 90), ("payment_failed", 3), ("not_accepted", 6), ("denied", 6),
        ("withdrawn", 5)]
STEPS = {"submitted": [], "accepted": ["accept"], "in_review": ["accept", "review"], "returned": ["accept", "return"],
         "approved": ["accept", "review", "approve"], "paid": ["accept", "review", "approve"],
         "payment_failed": ["accept", "review", "approve"], "not_accepted": ["not_accept"],
         "denied": ["accept", "review", "deny"], "withdrawn": ["withdraw"]}


def build_mutual_aid() -> dict[str, int]:
    plan_year = PlanYear.objects.filter(year=2026).first()
    if plan_year is None or Enrolment.objects.exists() or not Worker.objects.exists():
        return {"enrolments": 0, "claims": 0}
    rng = random.Random(SEED)  # noqa: S311 - deterministic demo data
    User = get_user_model()
    staff, finance = User.objects.get(username="city_staff"), User.objects.get(username="city_finance")
    inpatient, women = plan_year.products.get(code="inpatient"), plan_year.products.get(code="women")
    workers = list(Worker.objects.filter(enterprise__isnull=False).select_related("org").order_by("pk"))
    chosen = [w for w in workers if rng.random() < 0.7]
    enrolled_on = dt.date(2025, 12, 15)
    with transaction.atomic():
        services._enrol_rows(inpatient, chosen, enrolled_on, "roster")
        services._enrol_rows(women, [w for w in chosen if w.gender == Gender.FEMALE and rng.random() < 0.6],
                             enrolled_on, "roster")
        for contribution in Contribution.objects.filter(product__plan_year=plan_year):
            if rng.random() < 0.8:
                Contribution.objects.filter(pk=contribution.pk).update(amount_paid=contribution.amount_due,
                                                                       paid_on=dt.date(2026, 1, 10))
    item = ServiceItem.objects.get(code=services.ITEM_CODE)
    claimants = rng.sample(chosen, k=min(len(chosen), sum(n for _, n in PLAN)))
    made, n = 0, 0
    for state, count in PLAN:
        for _ in range(count):
            worker = claimants[n]
            n += 1
            _claim(rng, item, worker, state, staff, n)
            made += 1
    _pay(finance, rng)
    return {"enrolments": Enrolment.objects.count(), "claims": made}


def _claim(rng, item, worker, state, staff, n) -> None:
    discharged = dt.date(2026, 1, 20) + dt.timedelta(days=rng.randint(0, 280))
    admitted = discharged - dt.timedelta(days=rng.randint(2, 12))
    form = {"product": "住院医疗互助", "hospital": rng.choice(HOSPITALS), "admitted_on": admitted.isoformat(),
            "discharged_on": discharged.isoformat(), "diagnosis": rng.choice(DIAGNOSES),
            "bank_name": "中国农业银行晋江支行", "bank_card": f"62284812{rng.randint(10**10, 10**11 - 1)}"}
    with transaction.atomic():
        case = cases.case_create(actor=staff, item=item, worker=worker, data=form)
        for k in range(rng.randint(1, 3)):
            amount = Decimal(rng.randint(3000, 60000)) / 2
            services.invoice_add(actor=staff, case=case, number=f"3505{discharged:%y}{n:05d}{k}",
                                 hospital=form["hospital"], issued_on=discharged.isoformat(), amount=amount,
                                 eligible=(amount * Decimal("0.8")).quantize(Decimal("0.01")))
        for material in item.required_materials:
            cases.attachment_add(actor=staff, case=case, material=material["key"], name=f"{material['name']}.png",
                                 data=demo_image(material["key"], "#e3ecf5"))
        if state == "draft":
            return
        cases.transition(actor=staff, case=case, name="submit")
        for step in STEPS[state]:
            kwargs = {}
            if step in ("not_accept", "deny"):
                kwargs["reason"] = "住院费用不属于互助补助范围（演示数据）"
            elif step == "withdraw":
                kwargs["reason"] = "已通过其他渠道报销"
            elif step == "return":
                kwargs["fix"] = {"items": [{"type": "material", "key": "settlement", "note": "结算单不清晰"}]}
            cases.transition(actor=staff, case=case, name=step, **kwargs)


def _pay(finance, rng) -> None:
    """One batch with the claims meant to be paid or to fail; the bank's result file answers it."""
    from gonghui.payments import services as payments

    claims = list(services.payments.payable_rows(finance).order_by("pk"))
    if not claims:
        return
    # the demo's finance officer has just passed the second factor (the demo's set-up only)
    verified = Context(channel="command", second_factor_at=time.time())
    to_pay = claims[-(90 + 3):]
    batch = payments.batch_create(actor=finance, source=services.SOURCE, rows=to_pay)
    payments.batch_approve(actor=finance, batch=batch, context=verified)
    payments.batch_export(actor=finance, batch=batch, context=verified)
    failed = {c.case.number for c in to_pay[:3]}
    rows = [[c.case.number, "失败" if c.case.number in failed else "成功",
             "户名与账号不符" if c.case.number in failed else ""] for c in to_pay]
    result = write_xlsx(["业务参考号", "状态", "失败原因"], rows, sheet="结果")
    payments.batch_import_result(actor=finance, batch=PaymentBatch.objects.get(pk=batch.pk), data=result,
                                 filename="bank-result.xlsx")

