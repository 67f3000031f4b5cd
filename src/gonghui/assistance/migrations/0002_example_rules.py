"""The shipped rules, as examples the federation replaces with its own in the admin (RULES.md):
Qingdao's identification test (below 低保: deep; below 2× 低保: relative; costs above 80% of income:
accidental; migrants after a year of work); Hubei's aid amounts (living 12 / 8 months of 低保, medical
up to 20,000 or 80% up to 16,000, study 10 / 6 months). The city's 低保 of 850 yuan a month is an
assumed figure (no published Jinjiang figure is in RULES.md)."""

from decimal import Decimal

from django.db import migrations

CAPS = [
    # kind, category, months of 低保, share of self-paid, ceiling
    ("living", "deep", "12", None, None), ("living", "relative", "8", None, None),
    ("living", "accident", "10", None, None),
    ("medical", "deep", None, None, "20000"), ("medical", "relative", None, "0.80", "16000"),
    ("medical", "accident", None, None, "20000"),
    ("study_higher", "deep", "10", None, None), ("study_higher", "relative", "10", None, None),
    ("study_higher", "accident", "10", None, None),
    ("study_high", "deep", "6", None, None), ("study_high", "relative", "6", None, None),
    ("study_high", "accident", "6", None, None),
    ("accident", "deep", "12", None, None), ("accident", "relative", "8", None, None),
    ("accident", "accident", "12", None, None),
]


def create(apps, schema_editor):
    Rules = apps.get_model("assistance", "HardshipRules")
    Standard = apps.get_model("assistance", "LivingStandard")
    Cap = apps.get_model("assistance", "AidCap")
    Rules.objects.get_or_create(year=2025, defaults={"note": "示例：青岛困难职工认定办法（低保1倍、2倍，刚性支出80%）"})
    Standard.objects.get_or_create(org=None, year=2025, defaults={
        "monthly": Decimal("850"), "note": "假设示例：全市城乡统一低保标准，请按当地民政部门公布的标准修改"})
    for kind, category, months, share, ceiling in CAPS:
        Cap.objects.get_or_create(year=2025, kind=kind, category=category, defaults={
            "months": Decimal(months) if months else None, "share": Decimal(share) if share else None,
            "ceiling": Decimal(ceiling) if ceiling else None})


class Migration(migrations.Migration):
    dependencies = [("assistance", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
