"""`python -m gonghui cases_daily [--every SECONDS]`: the case engine's daily job (see cases.tasks)."""

import time

from django.core.management.base import BaseCommand

from gonghui.cases.tasks import run_daily
from gonghui.core import audit


class Command(BaseCommand):
    help = "Recolour cases by deadline and send the near/overdue digest to the centres (idempotent per day)."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="repeat every N seconds (serve uses 3600)")

    def handle(self, *args, every, **options):
        while True:
            counts = run_daily()
            anchored = audit.anchor()  # the audit chain's head, kept outside the database (core.audit)
            counts["audit_anchor"] = anchored["seq"] if anchored else 0
            self.stdout.write("cases daily: " + ", ".join(f"{k}={v}" for k, v in counts.items()))
            self.stdout.flush()
            if not every:
                return
            time.sleep(every)
