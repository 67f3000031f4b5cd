"""The bench's data set: the city's tree and enterprises (through the importer), the workers' .xlsx the
import figure reads (the registry template, with some mess in it), and five years of cases and
mutual-aid claims written with the database's bulk path (building the data set is not what is measured).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from decimal import Decimal
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from gonghui.cases.models import Case, ServiceItem, State, Urgency
from gonghui.orgs.models import Org
from gonghui.registry.demo_data import RegistryScale, _enterprise_rows, _worker_rows
from gonghui.registry.importing import ENTERPRISE_COLUMNS, WORKER_COLUMNS, EnterpriseImporter
from gonghui.registry.models import Enterprise, Worker
from gonghui.site.demo import build_city

CITY_WORKERS = 700_000
CITY_ENTERPRISES = 9_100
CITY_CASES = 1_500_000
YEARS = (2022, 2023, 2024, 2025, 2026)
CHUNK = 10_000


def scale_of(scale: float) -> RegistryScale:
    return RegistryScale(enterprises=max(50, int(CITY_ENTERPRISES * scale)),
                         workers=max(500, int(CITY_WORKERS * scale)))


def ensure_tree_and_enterprises(scale: float) -> list[list]:
    """The city's tree (always city-sized) and the enterprises (their rows, for the workers' file)."""
    build_city("city")
    rng = random.Random(20160201)  # noqa: S311 - deterministic data
    rows = _enterprise_rows(rng, scale_of(scale))
    if not Enterprise.objects.exists():
        from gonghui.registry.demo_data import _csv

        root = Org.objects.get(depth=1)
        EnterpriseImporter(scope=root).run(_csv(ENTERPRISE_COLUMNS, rows), "enterprises.csv")
    return rows


def write_workers_xlsx(path: Path, scale: float, enterprises: list[list]) -> int:
    """The registry template with the mess people put in: spaces around names, full-width digits and
    lower-case x in ID numbers, phones with +86 and dashes, a few bad rows. Written in constant memory."""
    import xlsxwriter

    rng = random.Random(20160201)  # noqa: S311
    mess = random.Random(7)  # noqa: S311
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("职工")
    for c, name in enumerate(WORKER_COLUMNS):
        sheet.write_string(0, c, name)
    full_width = str.maketrans("0123456789", "０１２３４５６７８９")
    n = 0
    for n, row in enumerate(_worker_rows(rng, scale_of(scale), enterprises), start=1):
        roll = mess.random()
        if roll < 0.02:
            row[0] = f" {row[0]} "
        elif roll < 0.03:
            row[1] = row[1].translate(full_width)
        elif roll < 0.04:
            row[1] = row[1].lower()
        elif roll < 0.05:
            row[2] = f"+86 {row[2][:3]}-{row[2][3:7]}-{row[2][7:]}"
        elif roll < 0.0502:
            row[1] = row[1][:-1] + ("0" if row[1][-1] != "0" else "1")  # a wrong check digit: rejected
        for c, value in enumerate(row):
            sheet.write_string(n, c, str(value))
    book.close()
    return n


def write_history_files(enrolments: Path, claims: Path, year: int, n_enrolments: int, n_claims: int) -> None:
    """A past plan year as a federation keeps it: its enrolments (random workers of the registry) and its
    settled claims (one row per invoice, about 1.2 invoices a claim). The plan year is made if missing;
    the files are written once per scale (in constant memory)."""
    import xlsxwriter

    from gonghui.mutual_aid.importers import CLAIM_COLUMNS, HistoryEnrolmentImporter
    from gonghui.mutual_aid.models import PlanYear

    if not PlanYear.objects.filter(year=year).exists():
        _plan_year(year)
    if enrolments.exists() and claims.exists():
        return
    rng = random.Random(year)  # noqa: S311
    ids = list(Worker.objects.values_list("pk", flat=True))
    chosen = rng.sample(ids, min(n_enrolments, len(ids)))
    people = []
    for start in range(0, len(chosen), CHUNK):
        part = Worker.objects.filter(pk__in=chosen[start:start + CHUNK]).only("name", "id_enc")
        people += [(w.name, w.id_number_clear()) for w in part]
    book = xlsxwriter.Workbook(str(enrolments), {"constant_memory": True})
    sheet = book.add_worksheet("参保")
    for c, name in enumerate(HistoryEnrolmentImporter.columns):
        sheet.write_string(0, c, name)
    for n, (name, id_number) in enumerate(people, start=1):
        enrolled = f"{year - 1}-12-{rng.randint(1, 28):02d}"
        for c, value in enumerate([str(year), "住院医疗互助", name, id_number, enrolled, "", "36"]):
            sheet.write_string(n, c, value)
    book.close()
    book = xlsxwriter.Workbook(str(claims), {"constant_memory": True})
    sheet = book.add_worksheet("报销")
    for c, name in enumerate(CLAIM_COLUMNS):
        sheet.write_string(0, c, name)
    row = 0
    for n in range(min(n_claims, len(people))):
        name, id_number = people[n]
        admitted = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(350))
        discharged = admitted + dt.timedelta(days=rng.randint(2, 12))
        paid = discharged + dt.timedelta(days=rng.randint(15, 60))
        invoices = [rng.randint(2000, 60000) for _ in range(2 if rng.random() < 0.2 else 1)]
        subsidy = f"{sum(invoices) * 0.8 * 0.13:.2f}"
        for k, amount in enumerate(invoices):
            row += 1
            values = [f"JJ{year}-{n + 1:06d}", str(year), "住院医疗互助", name, id_number, "晋江市医院",
                      admitted.isoformat(), discharged.isoformat(), "肺炎", f"H{year}{n:07d}{k}", str(amount),
                      f"{amount * 0.8:.2f}", subsidy, paid.isoformat(), f"BK{year}{n:08d}"]
            for c, value in enumerate(values):
                sheet.write_string(row, c, value)
    book.close()


def _insert(table: str, columns: list[str], rows: list[tuple]) -> None:
    placeholders = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", rows)  # noqa: S608


CASE_COLUMNS = ["number", "item_id", "applicant_id", "org_id", "on_behalf", "state", "form", "result", "reason",
                "created_at", "submitted_at", "accepted_at", "decided_at", "closed_at", "due_on", "amber_on",
                "urgency", "missed_deadline"]
STATES = ([State.FULFILLED] * 70 + [State.DENIED] * 4 + [State.NOT_ACCEPTED] * 3 + [State.WITHDRAWN] * 3
          + [State.SUBMITTED] * 6 + [State.ACCEPTED] * 5 + [State.IN_REVIEW] * 4 + [State.APPROVED] * 3
          + [State.RETURNED] * 2)


def ensure_cases(scale: float, progress=print) -> int:
    """Five years of cases (``CITY_CASES`` × scale) spread over the towns, the items and the states; the
    mutual-aid ones with their claims, and the paid ones with their payment lines."""
    target = int(CITY_CASES * scale)
    have = Case.objects.count()
    if have >= target * 0.95:
        return have
    from gonghui.mutual_aid.models import PlanYear

    rng = random.Random(1500000)  # noqa: S311
    items = list(ServiceItem.objects.exclude(code="mutual_aid_claim"))
    aid = ServiceItem.objects.get(code="mutual_aid_claim")
    workers = list(Worker.objects.values_list("pk", "org__path"))
    towns = dict(Org.objects.filter(depth=2).values_list("path", "pk"))
    plan_years = {p.year: p for p in PlanYear.objects.all()}
    for year in YEARS:
        if year not in plan_years:
            plan_years[year] = _plan_year(year)
    products = {y: p.products.get(code="inpatient") for y, p in plan_years.items()}
    today = timezone.localdate()
    counters: dict[tuple[str, int], int] = {}
    made = 0
    while made < target:
        batch, claims = [], []
        for _ in range(min(CHUNK, target - made)):
            worker_id, path = workers[rng.randrange(len(workers))]
            # about 13,000 claims a year, as Jinjiang paid 12,827 in 2015; the rest the other items
            item = aid if rng.random() < 0.045 else items[rng.randrange(len(items))]
            year = YEARS[rng.randrange(len(YEARS))]
            created = dt.datetime(year, 1, 1, 9, tzinfo=dt.UTC) + dt.timedelta(minutes=rng.randrange(360 * 24 * 60))
            state = STATES[rng.randrange(len(STATES))] if year < 2026 or rng.random() < 0.6 else \
                [State.SUBMITTED, State.ACCEPTED, State.IN_REVIEW, State.RETURNED][rng.randrange(4)]
            key = (item.prefix, year)
            counters[key] = counters.get(key, 0) + 1
            number = f"{item.prefix}-{year}-B{counters[key]:07d}"
            open_case = state in (State.SUBMITTED, State.ACCEPTED, State.IN_REVIEW, State.APPROVED)
            due = (today + dt.timedelta(days=rng.randint(-5, 15))) if open_case else None
            urgency = (Urgency.RED if due < today else Urgency.AMBER if due <= today + dt.timedelta(days=2)
                       else Urgency.GREEN) if due else Urgency.NONE
            closed = created + dt.timedelta(days=rng.randint(3, 40)) if state in (
                State.FULFILLED, State.DENIED, State.NOT_ACCEPTED, State.WITHDRAWN) else None
            diagnosis = rng.choice(["肺炎", "骨折", "冠心病", "胆囊结石", "急性阑尾炎"])
            form = {"diagnosis": diagnosis} if item is aid else {}
            town = towns.get(path[:8]) or towns[next(iter(towns))]
            batch.append((number, item.pk, worker_id, town, False, state,
                          json.dumps(form, ensure_ascii=False), "{}", "", created, created, created, closed, closed,
                          due, due - dt.timedelta(days=2) if due else None, int(urgency), False))
            if item is aid:
                claims.append((number, year, state, closed))
        with transaction.atomic():
            _insert("cases_case", CASE_COLUMNS, batch)
            if claims:
                _claims(claims, products, rng)
        made += len(batch)
        progress(f"  办件 {have + made:,}/{target:,}")
    return Case.objects.count()


def _plan_year(year: int):
    from gonghui.mutual_aid.models import PlanYear, Product

    plan = PlanYear.objects.create(year=year, name=f"{year}年度", starts_on=dt.date(year, 1, 1),
                                   ends_on=dt.date(year, 12, 31), enrol_opens=dt.date(year - 1, 10, 1),
                                   enrol_closes=dt.date(year - 1, 12, 31), claim_deadline=dt.date(year + 1, 3, 31))
    Product.objects.create(plan_year=plan, code="inpatient", name="住院医疗互助", contribution="36.00",
                           rules={"kind": "share", "bands": [{"upto": None, "rate": "0.13"}],
                                  "cap_per_period": "50000"})
    return plan


def _claims(rows, products, rng) -> None:
    from gonghui.mutual_aid.models import Claim
    from gonghui.payments.models import PaymentBatch, PaymentLine

    found = {number: (pk, org) for number, pk, org in Case.objects.filter(
        number__in=[r[0] for r in rows]).values_list("number", "pk", "org_id")}
    ids = {number: pk for number, (pk, _org) in found.items()}
    orgs = {pk: org for pk, org in found.values()}
    claims = [Claim(case_id=ids[number], product=products[year],
                    subsidy=Decimal(rng.randint(20000, 800000)) / 100 if state in (State.APPROVED, State.FULFILLED)
                    else None, paid_at=closed if state == State.FULFILLED else None)
              for number, year, state, closed in rows]
    Claim.objects.bulk_create(claims)
    paid = [c for c in claims if c.paid_at]
    if not paid:
        return
    from gonghui.accounts.models import User

    batch = PaymentBatch.objects.create(number=f"BENCH-{paid[0].case_id}", org=Org.objects.get(depth=1),
                                        source="mutual_aid", state="closed",
                                        created_by=User.objects.order_by("pk").first())
    numbers = {pk: number for number, pk in ids.items()}
    PaymentLine.objects.bulk_create([PaymentLine(
        batch=batch, source="mutual_aid", object_id=c.pk, org_id=orgs[c.case_id], case_id=c.case_id,
        reference=numbers[c.case_id], purpose="医疗互助补助金", payee="职工", bank_name="银行", account_enc=b"",
        account_last4="0000", amount=c.subsidy, status="paid", settled_at=c.paid_at) for c in paid])
