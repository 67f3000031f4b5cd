"""The State Council's holiday arrangements for 2025 (国办发明电〔2024〕12号) and 2026
(国办发明电〔2025〕7号): the weekdays off and the weekend days worked instead."""

import datetime as dt

from django.db import migrations

HOLIDAYS = {
    2025: [
        ("元旦", "2025-01-01", "2025-01-01", []),
        ("春节", "2025-01-28", "2025-02-04", ["2025-01-26", "2025-02-08"]),
        ("清明节", "2025-04-04", "2025-04-06", []),
        ("劳动节", "2025-05-01", "2025-05-05", ["2025-04-27"]),
        ("端午节", "2025-05-31", "2025-06-02", []),
        ("国庆节、中秋节", "2025-10-01", "2025-10-08", ["2025-09-28", "2025-10-11"]),
    ],
    2026: [
        ("元旦", "2026-01-01", "2026-01-03", ["2026-01-04"]),
        ("春节", "2026-02-15", "2026-02-23", ["2026-02-14", "2026-02-28"]),
        ("清明节", "2026-04-04", "2026-04-06", []),
        ("劳动节", "2026-05-01", "2026-05-05", ["2026-05-09"]),
        ("端午节", "2026-06-19", "2026-06-21", []),
        ("中秋节", "2026-09-25", "2026-09-27", []),
        ("国庆节", "2026-10-01", "2026-10-07", ["2026-09-20", "2026-10-10"]),
    ],
}


def load(apps, schema_editor):
    CalendarDay = apps.get_model("core", "CalendarDay")
    rows = []
    for periods in HOLIDAYS.values():
        for name, first, last, workdays in periods:
            day, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
            while day <= end:
                if day.weekday() < 5:  # a weekend day inside the break is off anyway
                    rows.append(CalendarDay(date=day, kind="holiday", name=name))
                day += dt.timedelta(days=1)
            rows += [CalendarDay(date=dt.date.fromisoformat(w), kind="workday", name=name) for w in workdays]
    CalendarDay.objects.bulk_create(rows, ignore_conflicts=True)


def unload(apps, schema_editor):
    CalendarDay = apps.get_model("core", "CalendarDay")
    CalendarDay.objects.filter(date__year__in=list(HOLIDAYS)).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0004_calendar_days")]
    operations = [migrations.RunPython(load, unload)]
