"""`python -m gonghui audit verify` — check the audit chain; `audit prune --before DATE` — retention."""

import datetime as dt
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gonghui.core import audit


class Command(BaseCommand):
    help = "Verify the audit log's hash chain, or prune records past the retention period."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="walk the chain; exit 1 if a row was removed or altered")
        prune = sub.add_parser("prune", help=f"delete records older than DATE (>= {audit.RETENTION_DAYS} days)")
        prune.add_argument("--before", required=True, help="YYYY-MM-DD")

    def handle(self, *args, action, **options):
        if action == "verify":
            result = audit.verify()
            if result.ok:
                self.stdout.write(self.style.SUCCESS(f"审计日志完整：校验 {result.checked} 条，链路无断点。"))
                return
            self.stderr.write(f"审计日志异常：校验 {result.checked} 条，发现 {len(result.problems)} 处问题：")
            for problem in result.problems[:100]:
                self.stderr.write(f"  {problem}")
            sys.exit(1)
        try:
            day = dt.date.fromisoformat(options["before"])
        except ValueError:
            raise CommandError("日期格式应为 YYYY-MM-DD") from None
        before = timezone.make_aware(dt.datetime.combine(day, dt.time()))
        try:
            count = audit.prune(actor=None, before=before)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"已清理 {count} 条审计日志（{day} 之前）。")
