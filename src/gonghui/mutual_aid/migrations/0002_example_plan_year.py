"""The published examples of ../shared/domain/RULES.md as the default plan year (labelled as examples:
the federation replaces them with its own rules in the admin)."""

import datetime as dt

from django.db import migrations

INPATIENT = {"kind": "share", "base": "insured", "deductible": "0", "bands": [{"upto": None, "rate": "0.13"}],
             "cap_per_claim": None, "cap_per_period": "50000"}
WOMEN = {"kind": "fixed", "cap_per_period": "6000", "conditions": [
    {"code": "cancer", "name": "八种女性特殊癌症之一", "amount": "6000"},
    {"code": "both_removed", "name": "子宫和卵巢同时切除", "amount": "3000"},
    {"code": "one_removed", "name": "子宫或卵巢切除", "amount": "2000"},
    {"code": "myomectomy", "name": "子宫肌瘤剔除", "amount": "1000"},
]}


def create(apps, schema_editor):
    PlanYear = apps.get_model("mutual_aid", "PlanYear")
    Product = apps.get_model("mutual_aid", "Product")
    if PlanYear.objects.exists():
        return
    for year in (2026, 2027):
        plan = PlanYear.objects.create(
            year=year, name=f"{year}年度", starts_on=dt.date(year, 1, 1), ends_on=dt.date(year, 12, 31),
            enrol_opens=dt.date(year - 1, 10, 1), enrol_closes=dt.date(year - 1, 12, 31),
            claim_deadline=dt.date(year + 1, 3, 31), example=True)
        Product.objects.create(
            plan_year=plan, code="inpatient", name="住院医疗互助", contribution="36.00", payers={"enterprise": "36"},
            waiting_days=0, rules=INPATIENT, order=10,
            rules_note="示例（福州2012年办法）：医保范围内住院费用的13%，可多次申请，每期累计最高5万元；每人每期36元。")
        Product.objects.create(
            plan_year=plan, code="women", name="女职工特殊疾病互助", contribution="10.00",
            payers={"union": "5", "worker": "5"}, waiting_days=90, rules=WOMEN, order=20,
            rules_note="示例（南平办法）：八种女性特殊癌症6000元；子宫和卵巢同时切除3000元、其一2000元；"
                       "子宫肌瘤剔除1000元；每期最高6000元；新参保等待期90天。")


class Migration(migrations.Migration):
    dependencies = [("mutual_aid", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
