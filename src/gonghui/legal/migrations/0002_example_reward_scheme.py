"""The shipped reward scheme: Foshan's published lawyer subsidy (RULES.md), as an example the federation
replaces with its own in the admin."""

import datetime as dt
from decimal import Decimal

from django.db import migrations


def create(apps, schema_editor):
    RewardScheme = apps.get_model("legal", "RewardScheme")
    RewardScheme.objects.get_or_create(effective_from=dt.date(2021, 1, 1), defaults={
        "name": "律师办案补贴标准（示例：佛山）", "first_stage": Decimal("2500"), "later_stage": Decimal("1250"),
        "extra_client": Decimal("125"), "duty_half_day": Decimal("180"),
        "note": "示例数据：每件首个阶段2,500元，其后每个阶段1,250元，每增加一名受援人125元，值班每半天180元"})


class Migration(migrations.Migration):
    dependencies = [("legal", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
