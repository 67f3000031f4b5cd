"""`python -m gonghui rotate_pii_key [--new-key]`: re-encrypt the personal data under the current key and
rebuild the blind indexes; resumable (gonghui.site.keys). ``--new-key`` (demo only) makes the new key first
and drops the old one when done. Stop the application while it runs."""

from django.core.management.base import BaseCommand, CommandError

from gonghui.core import pii
from gonghui.site import keys


class Command(BaseCommand):
    help = "Re-encrypt every ID and bank number, sealed form and file under the current personal-data key."

    def add_arguments(self, parser):
        parser.add_argument("--new-key", action="store_true", help="demo only: make a new key and rotate to it")

    def handle(self, *args, new_key, **options):
        try:
            if new_key:
                self.stdout.write(f"新密钥已生成（第{keys.demo_new_key()}代），旧密钥保留至轮换完成。")
            done = keys.rotate()
        except (RuntimeError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        for label, n in done.counts.items():
            self.stdout.write(f"  {label}：{n}")
        left = keys.remaining()
        if left:
            raise CommandError(f"仍有 {left} 条数据在旧密钥下：请再次运行（可断点续跑）。")
        if new_key:
            keys.finish_demo()
        self.stdout.write(self.style.SUCCESS(
            f"密钥轮换完成：全部数据已在第{pii.generation()}代密钥下，可以删除旧密钥（GONGHUI_PII_KEY_PREVIOUS）。"))
