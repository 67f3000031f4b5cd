"""Demo data of the needy-worker programmes, built through the real services (so every timeline, notice,
grant and audit row is the real thing): households on file in every category, one waiting for its home
visit, two on a notice (one objection upheld, one rejected), one lapsed and one due for review, a town with
its own 低保 figure, aid approved and a medical-aid application with invoices, this year's Golden Autumn
campaign in progress, and a festival visit list half visited. Deterministic and idempotent; the only
back-dating is of the review dates (a year on file cannot be waited for)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from gonghui.core import idnumber
from gonghui.orgs.models import Org

SEED = 2017
# category aimed at → (members' yearly incomes, medical costs, cause)
HOUSEHOLDS = {
    "deep": ([18000, 6000, 0, 0], 8000, "本人或家人患重病"),
    "relative": ([36000, 24000, 0, 0], 6000, "子女就学"),
    "accident": ([60000, 30000, 0], 0, "意外事故"),
    "none": ([90000, 70000, 0], 0, "其他"),
}
SITUATION = {"deep": "配偶患重病长期治疗。", "relative": "子女就学负担重。"}
# (category, what happens to the file)
PLAN = [("deep", "on_file"), ("deep", "on_file"), ("deep", "on_file"), ("relative", "on_file"),
        ("relative", "on_file"), ("relative", "on_file"), ("accident", "on_file"), ("deep", "due"),
        ("relative", "lapsed"), ("deep", "accepted"), ("relative", "upheld"), ("deep", "rejected"),
        ("none", "denied"), ("deep", "submitted")]


def _member_id(worker_id: str, birth: dt.date, seq: int) -> str:
    body = f"{worker_id[:6]}{birth:%Y%m%d}{seq:03d}"
    return body + idnumber.check_char(body)


def _members(worker, incomes, rng) -> list[dict]:
    own = worker.id_number_clear()
    born = worker.birth_date
    out = [{"name": worker.name, "relation": "self", "id_number": own, "income": str(incomes[0]),
            "employment": "employed"}]
    family = worker.name[0]
    if len(incomes) > 1:
        spouse_born = born + dt.timedelta(days=rng.choice([-700, 400, 730]))
        out.append({"name": rng.choice("陈林黄吴许蔡") + rng.choice(["秀英", "丽华", "美玲", "志明", "建国"]),
                    "relation": "spouse", "id_number": _member_id(own, spouse_born, 212),
                    "income": str(incomes[1]), "employment": "flexible" if incomes[1] else "unemployed",
                    "health": "serious" if not incomes[1] else "healthy"})
    for n, income in enumerate(incomes[2:]):
        child_born = dt.date(timezone.localdate().year - 18 + n * 3, 9, 1 + n)
        out.append({"name": family + rng.choice(["子涵", "雨萱", "浩然", "梓轩", "欣怡"]), "relation": "child",
                    "id_number": _member_id(own, child_born, 331 + n * 2), "income": str(income),
                    "employment": "student", "schooling": "high" if n == 0 else "junior"})
    return out


def build_assistance() -> dict[str, int]:
    from gonghui.cases import services as cases
    from gonghui.cases.demo_data import demo_image
    from gonghui.cases.models import Case, ServiceItem
    from gonghui.notices import services as notices
    from gonghui.registry.models import Worker, WorkerAccount

    from . import services
    from .models import FileStatus, HardshipFile, LivingStandard

    item = ServiceItem.objects.get(code="hardship_file")
    if Case.objects.filter(item=item).exists() or not Worker.objects.exists():
        return {"files": 0, "on_file": 0, "autumn": 0, "festival": 0}
    rng = random.Random(SEED)  # noqa: S311 - deterministic demo data
    User = get_user_model()
    staff = User.objects.get(username="city_staff")
    today = timezone.localdate()
    qingyang = Org.objects.get(code="qingyang")
    LivingStandard.objects.get_or_create(org=qingyang, year=today.year, defaults={
        "monthly": Decimal("880"), "note": "假设示例：青阳街道的低保标准"})
    # workers without a sign-in: the demo worker's own account stays free to try every application
    workers = list(Worker.objects.filter(enterprise__isnull=False, hukou="local")
                   .exclude(pk__in=WorkerAccount.objects.values("worker_id")).order_by("pk")[:600])
    chosen = rng.sample(workers, k=len(PLAN) + 2)
    files = []
    for (category, fate), worker in zip(PLAN, chosen, strict=False):
        incomes, medical, cause = HOUSEHOLDS[category]
        with transaction.atomic():
            case = cases.case_create(actor=staff, item=item, worker=worker, data={
                "cause": cause, "medical_costs": str(medical), "education_costs": "3000" if len(incomes) > 3 else "0",
                "situation": "家庭主要劳动力收入低，" + SITUATION.get(category, "今年遭遇交通事故。"),
                "phone": worker.phone or "13800000000"})
            for member in _members(worker, incomes, rng):
                services.member_add(actor=staff, case=case, **member)
            for material in ("id_card", "hukou", "income_proof"):
                cases.attachment_add(actor=staff, case=case, material=material, name=f"{material}.png",
                                     data=demo_image(material, "#f5efe6"))
            cases.transition(actor=staff, case=case, name="submit")
            if fate == "submitted":
                files.append(case)
                continue
            cases.transition(actor=staff, case=case, name="accept")
            if fate == "accepted":
                files.append(case)
                continue
            cases.attachment_add(actor=staff, case=case, material="visit_photos", name="visit.png",
                                 data=demo_image("入户核查", "#e6f0f5"))
            services.visit_record(actor=staff, case=case, visited_on=today - dt.timedelta(days=12),
                                  visitors="林晓燕、陈志强", findings="住房简陋，家庭成员及收入情况与申报一致。")
            if fate == "denied":
                cases.transition(actor=staff, case=case, name="deny",
                                 reason="入户核查后家庭人均月收入高于相对困难标准，不符合建档条件")
            files.append(case)
    visited = [c for c in files if c.state == "visited"]
    by_org: dict[int, list] = {}
    for case in visited:
        by_org.setdefault(case.org_id, []).append(case)
    past = calendar_back(today, 10)
    for group in by_org.values():
        fates = {c.pk: PLAN[files.index(c)][1] for c in group}
        closed = [c for c in group if fates[c.pk] not in ("upheld", "rejected")]
        open_ = [c for c in group if fates[c.pk] in ("upheld", "rejected")]
        if closed:
            services.publicise(actor=staff, case_list=closed, title=f"{closed[0].org.name}困难职工建档公示", on=past)
        if open_:
            notice = services.publicise(actor=staff, case_list=open_, title=f"{open_[0].org.name}困难职工建档公示")
            for case in open_:
                entry = notice.entries.get(object_id=case.pk)
                text = "据了解该户家中有两套商品房，收入情况不实。" if fates[case.pk] == "upheld" else \
                    "该职工平时开车上班，怀疑不困难。"
                row = notices.objection_add(notice=notice, entry=entry, text=text, contact="匿名")
                upheld = fates[case.pk] == "upheld"
                notices.objection_answer(actor=staff, objection=row, upheld=upheld, findings=(
                    "经核查，该户另有商品房一套出租，年租金未申报，异议成立，不予建档。" if upheld else
                    "经核查，所开车辆为所在企业的工作用车，异议不成立。"))
    on_file = 0
    for case in files:
        case.refresh_from_db()
        fate = PLAN[files.index(case)][1]
        if case.state == "noticed" and fate not in ("upheld", "rejected"):
            cases.transition(actor=staff, case=case, name="approve")
            on_file += 1
    # a file a year on file is due for review, one overdue has lapsed (the daily job finds both)
    for case in files:
        fate = PLAN[files.index(case)][1]
        if fate in ("due", "lapsed"):
            HardshipFile.objects.filter(case=case).update(
                approved_on=today - dt.timedelta(days=340 if fate == "due" else 400),
                review_due=today + dt.timedelta(days=20) if fate == "due" else today - dt.timedelta(days=35))
    services.daily(today)
    autumn = _golden_autumn(staff, today, chosen, rng)
    aid = _aid(staff, today)
    festival = _festival(staff, today)
    return {"files": len(files), "on_file": HardshipFile.objects.filter(status=FileStatus.ON_FILE).count(),
            "autumn": autumn, "aid": aid, "festival": festival}


def calendar_back(today: dt.date, working_days: int) -> dt.date:
    """A day ``working_days`` working days before today (a notice already closed)."""
    from gonghui.core import calendar

    return calendar.subtract_working_days(today, working_days)


def _golden_autumn(staff, today, chosen, rng) -> int:
    from gonghui.cases import services as cases
    from gonghui.cases.demo_data import demo_image
    from gonghui.cases.models import ServiceItem

    from .models import Campaign, FileStatus, HardshipFile, Tier

    campaign, created = Campaign.objects.get_or_create(year=today.year, defaults={
        "name": f"{today.year}年金秋助学", "opens_on": today - dt.timedelta(days=45),
        "closes_on": today + dt.timedelta(days=30), "off_file": False,
        "note": "资助标准为示例：泉州2012年金秋助学"})
    if created:
        Tier.objects.bulk_create([
            Tier(campaign=campaign, code="uni_first", label="本科一年级（本二及以上）", amount=Decimal("3000"),
                 order=1),
            Tier(campaign=campaign, code="uni_other", label="本科其他年级", amount=Decimal("2000"), order=2),
            Tier(campaign=campaign, code="college", label="大专、高职", amount=Decimal("1000"), order=3),
            Tier(campaign=campaign, code="high", label="高中、中职", amount=Decimal("1000"), order=4),
        ])
    item = ServiceItem.objects.get(code="golden_autumn")
    made = 0
    files = list(HardshipFile.objects.filter(status=FileStatus.ON_FILE).select_related("worker").order_by("pk"))
    for n, file in enumerate(files[:4]):
        child = file.members.filter(relation="child").first()
        if child is None:
            continue
        worker = file.worker
        with transaction.atomic():
            case = cases.case_create(actor=staff, item=item, worker=worker, data={
                "student_name": child.name, "student_id": child.id_number_clear(),
                "school": ["福州大学", "泉州师范学院", "黎明职业大学", "晋江市第一中学"][n],
                "tier": ["本科一年级（本二及以上）", "本科其他年级", "大专、高职", "高中、中职"][n],
                "excluded": "以上情形均不是", "other_funding": "否", "bank_name": "中国农业银行晋江支行",
                "bank_card": f"62284800{worker.pk:08d}{n:03d}", "phone": worker.phone or "13800000000"})
            for material in ("admission_letter", "student_card"):
                cases.attachment_add(actor=staff, case=case, material=material, name=f"{material}.png",
                                     data=demo_image(material, "#f5f0e6"))
            cases.transition(actor=staff, case=case, name="submit")
            if n < 3:
                cases.transition(actor=staff, case=case, name="accept")
            if n < 2:
                cases.transition(actor=staff, case=case, name="review")
        made += 1
    return made


def _aid(staff, today) -> int:
    from gonghui.aid import services as aid
    from gonghui.cases import services as cases
    from gonghui.cases.demo_data import demo_image
    from gonghui.cases.models import ServiceItem

    from .models import Category, FileStatus, HardshipFile

    item = ServiceItem.objects.get(code="hardship_aid")
    made = 0
    files = list(HardshipFile.objects.filter(status=FileStatus.ON_FILE).select_related("worker").order_by("-pk"))
    for n, file in enumerate(files[:3]):
        worker = file.worker
        kind = "医疗救助" if n == 1 else "生活救助"
        with transaction.atomic():
            case = cases.case_create(actor=staff, item=item, worker=worker, data={
                "kind": kind, "amount": "" if kind == "医疗救助" else "6000",
                "reason": "家庭收入低，配偶长期住院治疗。" if kind == "医疗救助" else "家庭生活困难，申请生活救助。",
                "bank_name": "中国农业银行晋江支行", "bank_card": f"62284800{worker.pk:08d}777",
                "phone": worker.phone or "13800000000"})
            if kind == "医疗救助":
                aid.case_invoice_add(actor=staff, case=case, number=f"3505{worker.pk:06d}01", hospital="晋江市医院",
                                     issued_on=today - dt.timedelta(days=20), amount="18600", insured="11200")
            cases.attachment_add(actor=staff, case=case, material="proof", name="proof.png",
                                 data=demo_image("proof", "#eef5e6"))
            cases.transition(actor=staff, case=case, name="submit")
            if n != 1:
                cases.transition(actor=staff, case=case, name="accept")
                if file.category != Category.NONE:
                    cases.transition(actor=staff, case=case, name="approve")
        made += 1
    return made


def _festival(staff, today) -> int:
    from . import services
    from .models import Category

    year = today.year + (1 if today.month >= 10 else 0)
    root = Org.objects.get(depth=1)
    campaign = services.festival_create(actor=staff, org=root, year=year, name=f"{year}年春节送温暖", amounts={
        Category.DEEP: "5000", Category.RELATIVE: "3000", Category.ACCIDENT: "3000"})
    visits = list(campaign.visits.select_related("file").order_by("pk"))
    for visit in visits[: len(visits) // 2]:
        services.festival_record(actor=staff, visit=visit, visited_on=today, visitors="市总工会领导、镇街工会主席",
                                 cash=campaign.amounts[visit.file.category], goods="大米一袋、食用油一桶")
    return len(visits)
