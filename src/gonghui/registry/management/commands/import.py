"""`python -m gonghui import enterprises|workers FILE`: the registry importer on the command line.

Exit codes: 0 every row was good; 3 some rows were rejected (the good ones are imported unless
--dry-run); 2 the file itself is unusable (nothing imported).
"""

import json
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from gonghui.core.spreadsheets import FileRefused
from gonghui.orgs.models import Org
from gonghui.registry import services


class Command(BaseCommand):
    help = "Import enterprises or workers from .xlsx or .csv (the download templates' columns)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["enterprises", "workers"])
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
        parser.add_argument("--errors", metavar="OUT.xlsx", help="write the report of bad rows here")
        parser.add_argument("--json", action="store_true", help="print one JSON object with the counts")
        parser.add_argument("--org", default="", help="code of the organisation whose subtree the file may "
                                                      "touch (default: the whole federation)")
        parser.add_argument("--user", default="", help="import as this user (checked and audited)")

    def handle(self, *args, kind, file, dry_run, errors, json: bool, org, user, **options):
        path = Path(file)
        if not path.is_file():
            self._fail(f"文件不存在：{file}", json)
        actor = None
        if user:
            actor = get_user_model().objects.select_related("org").filter(username=user).first()
            if actor is None:
                raise CommandError(f"用户不存在：{user}")
        scope = (Org.objects.filter(code=org).first() if org else
                 (actor.org if actor and actor.org else Org.objects.filter(depth=1).first()))
        if scope is None:
            raise CommandError("找不到组织（请先运行 seed 或用 --org 指定）。")
        bar = _Progress(enabled=sys.stderr.isatty() and not json)
        try:
            result = services.import_cli(actor=actor, scope=scope, kind=kind, data=path.read_bytes(),
                                         filename=path.name, dry_run=dry_run, progress=bar)
        except FileRefused as exc:
            bar.close()
            self._fail(exc.message, json)
        except PermissionDenied as exc:
            bar.close()
            raise CommandError(str(exc)) from None
        bar.close()
        if errors and result.errors:
            from gonghui.core.spreadsheets import write_xlsx
            from gonghui.registry.importing import RowError  # noqa: F401 - report rows are RowError

            Path(errors).write_bytes(write_xlsx(
                ["行号", "列", "错误原因", "数据（已脱敏）"],
                [[e.row, e.column, e.reason, e.label] for e in result.errors], sheet="错误明细"))
        if json:
            self.stdout.write(_json_dumps(result.as_dict()))
        else:
            verb = "校验" if dry_run else "导入"
            self.stdout.write(f"{verb}完成：新增 {result.created}，更新 {result.updated}，错误 {result.rejected}，"
                              f"空行 {result.blank}（共 {result.total} 行，有效 {result.good} 行）")
            for error in result.errors[:20]:
                self.stderr.write(f"  第{error.row}行 [{error.column}] {error.reason}")
            if result.rejected > 20:
                self.stderr.write(f"  …… 另有 {result.rejected - 20} 行错误" + ("，见 " + errors if errors else ""))
        if result.rejected:
            sys.exit(3)

    def _fail(self, message: str, as_json: bool):
        if as_json:
            self.stdout.write(_json_dumps({"error": message}))
        else:
            self.stderr.write(f"文件无法导入：{message}")
        sys.exit(2)


def _json_dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)


class _Progress:
    """A tqdm bar on a terminal; silent otherwise."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.bar = None
        self.phase = None

    def __call__(self, phase: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        from tqdm import tqdm

        if phase != self.phase:
            self.close()
            self.bar = tqdm(total=total, desc="处理", unit="行",
                            file=sys.stderr)
            self.phase = phase
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
