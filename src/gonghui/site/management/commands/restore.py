"""`python -m gonghui restore SRC`: put a backup in place on a fresh install (empty database) with the keys
supplied separately, and check it. Exit 1 when the check finds a problem. See gonghui.site.backup."""

import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from gonghui.site import backup


class Command(BaseCommand):
    help = "Restore a backup onto a fresh install and check rows, keys, decryption, attachments and the audit."

    def add_arguments(self, parser):
        parser.add_argument("source", help="the backup folder (gonghui-backup-…)")

    def handle(self, *args, source, **options):
        try:
            manifest, problems = backup.restore(source)
        except (backup.BackupError, OSError) as exc:
            raise CommandError(str(exc)) from None
        call_command("migrate", interactive=False, verbosity=0)  # a backup of an older release
        result = backup.check(manifest, problems)
        if result["problems"]:
            self.stderr.write("恢复后检查发现问题：")
            for problem in result["problems"]:
                self.stderr.write(f"  {problem}")
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS(
            f"恢复完成：{result['tables']} 张表 {result['rows']} 行与备份一致；"
            f"抽查 {result['decrypted']} 个身份证号解密、{result['attachments']} 个附件打开；"
            f"审计日志 {result['audit_rows']} 条校验通过。"))
