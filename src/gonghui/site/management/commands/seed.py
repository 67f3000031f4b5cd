"""`python -m gonghui seed --scale demo|city`: the demo city — union tree, centres, staff accounts,
enterprises and workers (the last two through the real importer). Deterministic and idempotent."""

import sys
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

from gonghui.assistance.demo_data import build_assistance
from gonghui.cases.demo_data import build_cases
from gonghui.counselling.demo_data import build_counselling
from gonghui.health.demo_data import build_health
from gonghui.legal.demo_data import build_legal
from gonghui.model_workers.demo_data import build_model_workers
from gonghui.mutual_aid.demo_data import build_mutual_aid
from gonghui.orgs.demo_city import SCALES
from gonghui.petitions.demo_data import build_petitions
from gonghui.registry.demo_data import build_registry
from gonghui.site.demo import build_city


class Command(BaseCommand):
    help = "Build Jinjiang: union tree, service centres, demo accounts, enterprises and workers."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="demo",
                            help="demo: ~430 organisations, 340 enterprises, 2,400 workers; "
                                 "city: the article's 8,740 organisations, 9,100 enterprises, 700,000 workers")

    def handle(self, *args, scale, **options):
        started = time.monotonic()
        call_command("migrate", interactive=False, verbosity=0)  # a fresh database needs its tables first
        created = build_city(scale)
        if created["orgs"]:
            self.stdout.write(self.style.SUCCESS(
                f"晋江市 ({scale}): 新建组织 {created['orgs']} 个，服务中心(站) {created['centres']} 个，"
                f"账号 {created['accounts']} 个。"))
        else:
            self.stdout.write(f"晋江市组织架构已存在，沿用现有数据（补建账号 {created['accounts']} 个）。")
        registry = build_registry(scale, progress=_Progress(self.stdout) if sys.stdout.isatty() else None)
        if registry["workers"] or registry["enterprises"]:
            self.stdout.write(self.style.SUCCESS(
                f"企业 {registry['enterprises']} 家、职工 {registry['workers']} 人已通过导入程序写入"
                f"（{time.monotonic() - started:.0f} 秒）。"))
        else:
            self.stdout.write("企业与职工数据已存在，沿用现有数据。")
        if scale == "demo":
            cases = build_cases()
            if cases["cases"]:
                self.stdout.write(self.style.SUCCESS(f"演示办件 {cases['cases']} 件已通过办件服务写入。"))
            aid = build_mutual_aid()
            if aid["claims"]:
                self.stdout.write(self.style.SUCCESS(
                    f"医疗互助：参保 {aid['enrolments']} 人次，报销申请 {aid['claims']} 件"
                    "（含一个已发放的支付批次）。"))
            legal = build_legal()
            if legal["cases"]:
                self.stdout.write(self.style.SUCCESS(
                    f"法律服务：律师事务所 1 家、律师 8 名（lawyer1…lawyer8），援助案件 {legal['cases']} 件，"
                    f"法律咨询 {legal['consultations']} 件，陈埭镇律师值班 {legal['duty']} 个半天，"
                    f"7个调解片区的劳动争议调解 {legal['mediations']} 件。"))
            assistance = build_assistance()
            if assistance["files"]:
                self.stdout.write(self.style.SUCCESS(
                    f"困难帮扶：建档申请 {assistance['files']} 件（在档 {assistance['on_file']} 户），"
                    f"困难救助 {assistance['aid']} 件，金秋助学 {assistance['autumn']} 件，"
                    f"春节送温暖慰问名单 {assistance['festival']} 户。"))
            model = build_model_workers()
            if model["model_workers"]:
                self.stdout.write(self.style.SUCCESS(
                    f"劳模服务：在册劳模 {model['model_workers']} 人；{model['year']}年荣誉津贴按月发放给"
                    f"{model['retired']}名退休劳模，医疗补助 {model['claims']} 件，慰问 {model['visits']} 人次。"))
            petitions = build_petitions()
            if petitions["petitions"]:
                self.stdout.write(self.style.SUCCESS(
                    f"信访接待：信访事项 {petitions['petitions']} 件（含集体访、转送、检举控告、复查复核、超期督办），"
                    f"12351热线工单 {petitions['orders']} 张，当场答复的来电 {petitions['calls']} 个。"))
            health = build_health()
            if health["visits"]:
                self.stdout.write(self.style.SUCCESS(
                    f"健康服务：一年的周三脊椎养护门诊（就诊 {health['visits']} 人次，下周三有一位候补待确认），"
                    f"太极拳课程 {health['courses']} 期，女职工两癌筛查 {health['screenings']} 人，"
                    f"爱心妈咪小屋 {health['care_rooms']} 间。"))
            counselling = build_counselling()
            if counselling["contacts"]:
                self.stdout.write(self.style.SUCCESS(
                    f"心理咨询：咨询 {counselling['contacts']} 人次（预约与热线，记录仅咨询师本人可见），"
                    f"心理信箱来信 {counselling['letters']} 封，企业团体课程 {counselling['groups']} 场。"))


class _Progress:
    def __init__(self, out):
        self.out = out
        self.last = 0.0

    def __call__(self, phase, done, total):
        now = time.monotonic()
        if now - self.last > 2 or done == total:
            self.last = now
            self.out.write(f"  已处理 {done}/{total} 行")
