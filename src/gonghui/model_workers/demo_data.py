"""Demo data of the model workers, built through the real services (registration, allowance runs, payment
batches and bank results, hospital claims through the case engine, visits), so that last year's figures are
the article's: 27 people / 258,000 yuan of hospital subsidies, 131 / 205,000 of honour allowances, 17 visits
/ 36,000 yuan. 379 model workers of every level, managed by the 21 towns and two sector unions.

How the totals come out of the example rules (300 / 200 / 100 yuan a month for retired national, provincial
and city-level model workers; 100% / 80% of self-paid hospital costs):

- allowances: 5 national and 30 provincial model workers retired all year, 94 city-level ones all year and 2
  retired on 1 February: 5×300×12 + 30×200×12 + (94×12 + 2×11)×100 = 18,000 + 72,000 + 115,000 = 205,000;
- hospital subsidies: 3 national claims of 10,000 yuan self-paid (100%) and 24 provincial claims of 11,875
  yuan self-paid (80% = 9,500): 30,000 + 228,000 = 258,000;
- visits: 15 of 2,000 yuan and 2 of 3,000: 36,000.

Deterministic and idempotent (nothing is added once a model worker exists)."""

from __future__ import annotations

import datetime as dt
import random
import time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from gonghui.core import idnumber
from gonghui.orgs.models import Org, OrgKind

SEED = 379
SURNAMES = "陈林黄吴许蔡施王李张洪庄苏郑杨"
GIVEN = ["秀英", "志明", "建国", "丽华", "金水", "清泉", "美玲", "国栋", "文彬", "明辉", "玉珍", "永福", "海燕", "春生",
         "荣华", "振兴"]
SECTORS = [("jj-edu-sector", "晋江市教育系统工会", "教育系统"),
           ("jj-health-sector", "晋江市卫生健康系统工会", "卫生健康系统")]
BODIES = {"national": "中华人民共和国国务院", "provincial": "福建省人民政府", "city": "泉州市人民政府"}
REASONS = ["患病住院", "生活困难", "年老体弱、行动不便", "配偶病故", "术后康复"]


def _id_number(rng: random.Random, seen: set[str]) -> str:
    while True:
        born = dt.date(rng.randint(1948, 1963), rng.randint(1, 12), rng.randint(1, 28))
        body = f"350582{born:%Y%m%d}{rng.randint(700, 999):03d}"
        number = body + idnumber.check_char(body)
        if number not in seen:
            seen.add(number)
            return number


def _sectors(admin) -> list[Org]:
    from gonghui.orgs import services as orgs

    root = Org.objects.get(depth=1)
    found = []
    for code, name, short in SECTORS:
        org = Org.objects.filter(code=code).first() or orgs.org_create(
            actor=admin, parent=root, code=code, name=name, kind=OrgKind.SECTOR, short_name=short)
        found.append(org)
    return found


def build_model_workers() -> dict[str, int]:
    from gonghui.registry.models import Worker

    from .models import ModelWorker

    if ModelWorker.objects.exists() or not Worker.objects.exists():
        return {"model_workers": 0}
    with transaction.atomic():
        return _build()


def _build() -> dict[str, int]:
    from gonghui.registry.models import Worker, WorkerAccount

    from .models import Title
    rng = random.Random(SEED)  # noqa: S311 - deterministic demo data
    User = get_user_model()
    staff, admin, finance = (User.objects.get(username=u) for u in ("city_staff", "admin", "city_finance"))
    year = timezone.localdate().year - 1  # the demo year: the last complete one
    towns = list(Org.objects.filter(kind=OrgKind.TOWN).order_by("path"))
    sectors = _sectors(admin)
    titles = {t.name: t for t in Title.objects.all()}
    from . import services

    # (level, count, fate): retired all year / retired on 1 February / died the year before / working
    plan = [("national", 5, "retired"), ("national", 1, "died"), ("national", 6, "working"),
            ("provincial", 30, "retired"), ("provincial", 2, "died"), ("provincial", 66, "working"),
            ("city", 94, "retired"), ("city", 2, "february"), ("city", 1, "died"), ("city", 172, "working")]
    working = list(Worker.objects.filter(enterprise__isnull=False)
                   .exclude(pk__in=WorkerAccount.objects.values("worker_id")).select_related("org").order_by("pk"))
    rng.shuffle(working)
    former = [e.name for e in {w.enterprise for w in working[:60]}]  # the retired ones' former employers
    former.sort()
    seen: set[str] = set()
    made: list = []
    for level, count, fate in plan:
        for _ in range(count):
            title = titles["劳动模范"] if level != "city" or rng.random() < 0.6 else titles["先进工作者"]
            data = {"title": title.pk, "level": level, "year_awarded": rng.randint(1995, year - 2),
                    "awarding_body": BODIES[level]}
            if fate == "working":
                worker = working.pop()
                unit = rng.choice(sectors) if rng.random() < 0.08 else Org.objects.get(path=worker.org.path[:8])
                mw = services.register(actor=staff, id_number=worker.id_number_clear(), org=unit.pk,
                                       employer=worker.enterprise.name if worker.enterprise_id else "", **data)
            else:
                unit = rng.choice(sectors) if rng.random() < 0.1 else rng.choice(towns)
                retired = {"retired": dt.date(rng.randint(2008, year - 1), rng.randint(1, 12), 1),
                           "february": dt.date(year, 2, 1), "died": dt.date(rng.randint(2008, year - 2), 6, 1)}[fate]
                mw = services.register(
                    actor=staff, id_number=_id_number(rng, seen), org=unit.pk,
                    name=rng.choice(SURNAMES) + rng.choice(GIVEN), retired_on=retired.isoformat(),
                    died_on=dt.date(year - 1, rng.randint(1, 12), 10).isoformat() if fate == "died" else "",
                    employer=rng.choice(former), **data)
                if fate != "died":
                    services.bank_set(actor=staff, mw=mw, bank_card=f"6217{mw.worker_id:012d}",
                                      bank_name="中国建设银行晋江支行")
            made.append((mw, fate))
    retired = [mw for mw, fate in made if fate in ("retired", "february")]
    _allowances(staff, finance, year)
    claims = _claims(staff, finance, year, [mw for mw in retired if mw.level == "national"][:3]
                     + [mw for mw in retired if mw.level == "provincial"][:24])
    visits = _visits(staff, year, rng, retired)
    _checks(staff, year, rng, retired)
    _recuperation(staff, year, retired)
    services.allowance_run(actor=staff, month=timezone.localdate())  # this month's, waiting for review
    return {"model_workers": len(made), "retired": len(retired), "claims": claims, "visits": visits, "year": year}


def _verified():
    from gonghui.core.context import Context

    # the demo's finance officer has just passed the second factor (the demo's set-up only)
    return Context(channel="command", second_factor_at=time.time())


def _pay(finance, source: str, rows) -> None:
    from gonghui.core.spreadsheets import write_xlsx
    from gonghui.payments import services as payments
    from gonghui.payments.models import PaymentBatch

    rows = list(rows)
    if not rows:
        return
    batch = payments.batch_create(actor=finance, source=source, rows=rows)
    payments.batch_approve(actor=finance, batch=batch, context=_verified())
    payments.batch_export(actor=finance, batch=batch, context=_verified())
    answers = [[line.reference, "成功", ""] for line in batch.lines.all()]
    result = write_xlsx(["业务参考号", "状态", "失败原因"], answers, sheet="结果")
    payments.batch_import_result(actor=finance, batch=PaymentBatch.objects.get(pk=batch.pk), data=result,
                                 filename="bank-result.xlsx")


def _allowances(staff, finance, year: int) -> None:
    """The twelve monthly runs of the demo year: drafted, reviewed, paid by a batch each."""
    from . import payments, services
    from .models import AllowanceRun

    for month in range(1, 13):
        first = dt.date(year, month, 1)
        services.allowance_run(actor=staff, month=first)
        services.allowance_release(actor=staff, run=AllowanceRun.objects.get(month=first))
        _pay(finance, "mw_allowance", payments.allowance_rows(finance).filter(month=first))


def _claims(staff, finance, year: int, people) -> int:
    from gonghui.aid import services as aid
    from gonghui.cases import services as cases
    from gonghui.cases.demo_data import demo_image
    from gonghui.cases.models import ServiceItem

    from . import payments

    item = ServiceItem.objects.get(code="mw_hospital")
    for n, mw in enumerate(people):
        worker = mw.worker
        # national: 16,000 billed, 6,000 insured → 10,000 self-paid at 100%; provincial: 20,000 − 8,125 =
        # 11,875 at 80% = 9,500
        amount, insured = ("16000", "6000") if mw.level == "national" else ("20000", "8125")
        with transaction.atomic():
            case = cases.case_create(actor=staff, item=item, worker=worker, data={
                "illness": "冠心病住院治疗，行支架植入术。" if n % 2 else "腰椎间盘突出住院手术治疗。",
                "bank_name": "中国建设银行晋江支行", "bank_card": f"6217{worker.pk:012d}",
                "phone": worker.phone or "13800000000"})
            aid.case_invoice_add(actor=staff, case=case, number=f"35LM{year}{worker.pk:06d}", hospital="晋江市医院",
                                 issued_on=dt.date(year, 1 + n % 12, 10 + n % 15), amount=amount, insured=insured)
            for material in ("invoices", "settlement"):
                cases.attachment_add(actor=staff, case=case, material=material, name=f"{material}.png",
                                     data=demo_image(material, "#fdf3e1"))
            for step in ("submit", "accept", "approve"):
                cases.transition(actor=staff, case=case, name=step)
    _pay(finance, "mw_subsidy", payments.subsidy_rows(finance))
    return len(people)


def _visits(staff, year: int, rng: random.Random, retired) -> int:
    from . import services

    chosen = rng.sample(retired, 17)
    for n, mw in enumerate(chosen):
        services.visit_record(actor=staff, mw=mw, visited_on=dt.date(year, 1 + n % 12, 5 + n),
                              visitors="市总工会劳模办、镇街工会主席", reason=rng.choice(REASONS),
                              amount=Decimal("3000") if n < 2 else Decimal("2000"))
    return len(chosen)


def _checks(staff, year: int, rng: random.Random, retired) -> None:
    """Half the retired model workers checked the year before last or last year: some are due now."""
    from . import services

    for n, mw in enumerate(retired[::2]):
        checked = dt.date(year - 1 + n % 2, 4 + n % 6, 8 + n % 20)
        services.check_record(actor=staff, mw=mw, checked_on=checked, hospital="晋江市医院体检中心",
                              result=rng.choice(["未见明显异常。", "血压偏高，建议低盐饮食、定期复查。",
                                                 "血糖偏高，建议内分泌科随访。"]))


def _recuperation(staff, year: int, retired) -> None:
    from . import services

    towns = {mw.org for mw in retired if mw.org.kind == OrgKind.TOWN}
    places = {org: 2 for org in sorted(towns, key=lambda o: o.path)[:6]}
    today = timezone.localdate()
    group = services.group_create(actor=staff, name=f"{today.year + 1}年第一期劳模疗休养",
                                  starts_on=(today + dt.timedelta(days=40)).isoformat(), destination="武夷山",
                                  days=7, places=places)
    first_of_each = {}
    for mw in retired:
        if mw.org in places:
            first_of_each.setdefault(mw.org, mw)
    for mw in list(first_of_each.values())[:4]:
        services.recuperant_add(actor=staff, group=group, mw=mw)
