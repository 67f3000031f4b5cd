"""`python -m gonghui demo`: migrate, build (or reuse) the demo city, print the accounts, serve."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from gonghui.accounts.demo_accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from gonghui.cases.demo_data import DEMO_WORKER_PHONE
from gonghui.legal.demo_data import FIRM


class Command(BaseCommand):
    help = "Set up the demo city on the configured database and serve it."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=None)
        parser.add_argument("--no-serve", action="store_true", help="Set up and print, but do not serve.")

    def handle(self, *args, port, no_serve, **options):
        call_command("migrate", interactive=False, verbosity=1)
        call_command("seed", scale="demo")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"演示账号 / demo accounts (password for all: {DEMO_PASSWORD})"))
        for username, role, org_name in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<16} {role}  ({org_name})")
        self.stdout.write(f"  {'lawyer1…lawyer8':<16} 合作律师（{FIRM}，仅见分派给本人的法律援助案件）")
        self.stdout.write(f"  {DEMO_WORKER_PHONE:<16} 职工（青阳街道，职工端 /m/ 登录）")
        self.stdout.write("")
        self.stdout.write("  工作台 workbench: /desk/    职工端 worker H5: /m/    系统管理 admin: /admin/")
        if no_serve:
            return
        serve_args = {} if port is None else {"port": port}
        call_command("serve", **serve_args)
