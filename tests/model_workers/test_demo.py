"""The demo's model workers: built through the services, their last year in figures is the article's three
lines — read from the /dash/ page and from its Excel export, and recounted from the rows."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import openpyxl
from django.db.models import Sum
from django.utils import timezone

from gonghui.model_workers.demo_data import build_model_workers
from gonghui.model_workers.models import AllowanceLine, ModelWorker, Subsidy, Visit

ARTICLE = [("劳模荣誉津贴", "131人", "205,000.00"), ("劳模医疗补助", "27人", "258,000.00"),
           ("困难、患病劳模慰问", "17人次", "36,000.00")]


def test_the_demo_year_in_figures_is_the_articles(registry, login):
    built = build_model_workers()
    year = timezone.localdate().year - 1
    assert built["model_workers"] == ModelWorker.objects.count() == 379
    assert build_model_workers() == {"model_workers": 0}  # idempotent
    client = login("city_staff")
    page = client.get("/dash/model-workers/").content.decode()  # the last complete year by default
    table = page[page.index('data-testid="benefits"'):]
    table = table[:table.index("</table>")]
    rows = [tuple(re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row))
            for row in re.findall(r"<tr>(.*?)</tr>", table, re.S) if "<td" in row]
    assert f"劳模服务统计 · {year}年" in page and rows == ARTICLE
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(f"/dash/model-workers/?year={year}&format=xlsx").content)).active
    cells = [[c.value for c in row][:3] for row in sheet.iter_rows()]
    start = cells.index(["项目", "人数（人次）", "金额（元）"]) + 1
    assert [(r[0], r[1], f"{r[2]:,.2f}") for r in cells[start:start + 3]] == ARTICLE
    # recounted from the rows
    paid = AllowanceLine.objects.filter(month__year=year, paid_at__isnull=False)
    assert (paid.values("model_worker").distinct().count(), paid.aggregate(s=Sum("amount"))["s"]) == (131, 205000)
    assert Subsidy.objects.filter(year=year, paid_at__isnull=False).aggregate(s=Sum("amount"))["s"] == 258000
    assert Visit.objects.filter(visited_on__year=year).aggregate(s=Sum("amount"))["s"] == Decimal("36000")
    # a town leader's view holds only its own
    town = login("qingyang_staff").get(f"/dash/model-workers/?year={year}").content.decode()
    assert "205,000.00" not in town
