"""`python -m gonghui seed --scale demo|city`: build the demo city (deterministic, idempotent)."""

from django.core.management.base import BaseCommand

from gonghui.orgs.demo_city import SCALES, build_city


class Command(BaseCommand):
    help = "Build Jinjiang's union tree, service centres and demo staff accounts."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="demo",
                            help="demo: ~400 organisations; city: the article's 8,740")

    def handle(self, *args, scale, **options):
        created = build_city(scale)
        if created["orgs"]:
            self.stdout.write(self.style.SUCCESS(
                f"晋江市 ({scale}): 新建组织 {created['orgs']} 个，服务中心(站) {created['centres']} 个，"
                f"账号 {created['accounts']} 个。"))
        else:
            self.stdout.write(f"晋江市已存在，沿用现有数据（补建账号 {created['accounts']} 个）。")
