"""`python -m gonghui import KIND FILE [--param key=value …]`: any registered importer on the command line
(the registry's enterprises and workers; a module's own kinds, e.g. mutual aid's past years:
``ma_history_enrolments``, ``ma_history_claims``, and rosters: ``ma_roster --param product=ID``).
A dry run prints the totals the import would add (per year and town, where the kind gives them).

Exit codes: 0 every row was good; 3 some rows were rejected (the good ones are imported unless
--dry-run); 2 the file itself is unusable (nothing imported).
"""

import json
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from gonghui.core.spreadsheets import FileRefused
from gonghui.orgs.models import Org
from gonghui.registry import services


class Command(BaseCommand):
    help = "Import a registered kind (enterprises, workers, ma_roster, ma_history_claims …) from .xlsx or .csv."

    def add_arguments(self, parser):
        parser.add_argument("kind")
        parser.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                            help="a parameter of the kind (e.g. product=3, enrolled_on=2014-12-15)")
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
        parser.add_argument("--errors", metavar="OUT.xlsx", help="write the report of bad rows here")
        parser.add_argument("--json", action="store_true", help="print one JSON object with the counts")
        parser.add_argument("--org", default="", help="code of the organisation whose subtree the file may "
                                                      "touch (default: the whole federation)")
        parser.add_argument("--user", default="", help="import as this user (checked and audited)")

    def handle(self, *args, kind, file, dry_run, errors, json: bool, org, user, param, **options):
        from gonghui.registry.importing import KINDS

        if kind not in KINDS:
            raise CommandError(f"未知的导入类型：{kind}（可用：{'、'.join(sorted(KINDS))}）")
        params = {}
        for item in param:
            key, sep, value = item.partition("=")
            if not sep:
                raise CommandError(f"参数应为 key=value：{item}")
            params[key.strip()] = value.strip()
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
            result, importer = services.import_cli(actor=actor, scope=scope, kind=kind, data=path.read_bytes(),
                                                   filename=path.name, dry_run=dry_run, progress=bar,
                                                   params=params)
        except FileRefused as exc:
            bar.close()
            self._fail(exc.message, json)
        except ValidationError as exc:
            bar.close()
            self._fail("；".join(exc.messages), json)
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
        summary = importer.summary()
        if json:
            self.stdout.write(_json_dumps({**result.as_dict(), **({"summary": summary} if summary else {})}))
        else:
            verb = "校验" if dry_run else "导入"
            self.stdout.write(f"{verb}完成：新增 {result.created}，更新 {result.updated}，错误 {result.rejected}，"
                              f"空行 {result.blank}（共 {result.total} 行，有效 {result.good} 行）")
            for row in summary:
                self.stdout.write("  " + "\t".join(str(cell) for cell in row))
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
