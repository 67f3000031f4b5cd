"""`python -m gonghui backup DEST`: the database, the attachments and the audit anchors in a new folder
under DEST (never the keys: keep them elsewhere). See gonghui.site.backup."""

from django.core.management.base import BaseCommand, CommandError

from gonghui.site import backup


class Command(BaseCommand):
    help = "Back up the database, the attachments and the audit anchors (not the keys) into a folder."

    def add_arguments(self, parser):
        parser.add_argument("dest", help="the folder the backup folder is made in")

    def handle(self, *args, dest, **options):
        try:
            folder = backup.backup(dest)
        except (backup.BackupError, OSError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"备份完成：{folder}（不含密钥：密钥须另行保管）"))
