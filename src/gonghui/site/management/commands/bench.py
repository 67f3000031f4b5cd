"""`python -m gonghui bench [--scale S] [--only import,history,search,queue,dashboard,http] [--json OUT]`

Builds (or reuses) a city-sized data set in a database of its own — ``<data dir>/bench/bench.sqlite3``,
or, when ``DATABASE_URL`` names a PostgreSQL database, the same server's ``<name>_bench`` (created if
missing) — and prints every figure with its target and whether it holds (see gonghui.site.bench.runner).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

SECTIONS = ("import", "history", "search", "queue", "dashboard", "http")


class Command(BaseCommand):
    help = "Measure a city-sized workload against raw baselines (make bench)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1 = the city: 700,000 workers, 1.5M cases")
        parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated: " + ",".join(SECTIONS))
        parser.add_argument("--json", default="", help="where the figures go (default <data dir>/bench/…json)")
        parser.add_argument("--runs", type=int, default=30, help="runs per timed page or query")
        parser.add_argument("--requests", type=int, default=2000, help="requests of the HTTP figure")
        parser.add_argument("--import-child", default="", help=argparse_hidden())
        parser.add_argument("--history-child", default="", help=argparse_hidden())
        parser.add_argument("--baseline", action="store_true", help=argparse_hidden())

    def handle(self, *args, scale, only, json, runs, requests, import_child, history_child, baseline, **options):
        if import_child:
            from gonghui.site.bench.runner import import_child as child

            self.stdout.write(_json(child(import_child, baseline)))
            return
        if history_child:
            from gonghui.site.bench.runner import history_child as child

            self.stdout.write(_json(child(*history_child.split(","), baseline)))
            return
        if os.environ.get("GONGHUI_BENCH") != "1":
            return self._reexec()
        sections = [s for s in only.split(",") if s]
        unknown = set(sections) - set(SECTIONS)
        if unknown:
            raise CommandError(f"unknown section(s): {', '.join(sorted(unknown))}")
        self._run(scale, sections, json, runs, requests)

    def _reexec(self):
        """Run again in the bench's own database (never the one the demo or production uses)."""
        env = os.environ.copy()
        env["GONGHUI_BENCH"] = "1"
        env["GONGHUI_DATA_DIR"] = str(Path(settings.DATA_DIR) / "bench")
        db = settings.DATABASES["default"]
        if db["ENGINE"].endswith("postgresql"):
            name = f"{db['NAME']}_bench"
            _create_pg_database(db, name)
            env["DATABASE_URL"] = (f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
                                   f"{db['PORT'] or 5432}/{name}")
        else:
            env.pop("DATABASE_URL", None)
        argv = [sys.executable, "-m", "gonghui", "bench", *sys.argv[2:]]
        done = subprocess.run(argv, env=env, check=False)  # noqa: S603 - this program, again
        if done.returncode:
            raise CommandError(f"bench failed (exit {done.returncode})")

    def _run(self, scale, sections, json_out, runs, requests):
        from django.contrib.auth import get_user_model

        from gonghui.site.bench import dataset, runner

        started = time.monotonic()
        bench_dir = Path(settings.DATA_DIR)
        bench_dir.mkdir(parents=True, exist_ok=True)

        def log(message):
            self.stdout.write(f"[{time.monotonic() - started:6.0f}s] {message}")
            self.stdout.flush()

        from django.db import connection

        log(f"数据库：{connection.vendor} {connection.settings_dict['NAME']}；规模 {scale:g}")
        call_command("migrate", interactive=False, verbosity=0)
        enterprises = dataset.ensure_tree_and_enterprises(scale)
        figures: list[runner.Figure] = []
        if "import" in sections:
            runner.run_import(bench_dir, scale, enterprises, figures, log)
        from gonghui.registry.models import Worker

        if not Worker.objects.exists():
            runner.run_import(bench_dir, scale, enterprises, [], log)  # the data set needs its workers
        if "history" in sections:
            runner.run_history(bench_dir, scale, figures, log)
        if {"queue", "dashboard", "http"} & set(sections):
            log("办件数据集 …")
            dataset.ensure_cases(scale, progress=lambda m: None)
        with connection.cursor() as cursor:  # what autovacuum does after bulk loads: fresh statistics and, on
            # PostgreSQL, the visibility map that lets the queue's covering index answer without the table
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        users = {u.username: u for u in get_user_model().objects.filter(username__in=["city_staff", "qingyang_staff"])}
        if "search" in sections:
            log("检索 …")
            runner.run_search(figures, users["city_staff"], max(runs * 10, 100))
        if "queue" in sections:
            log("办件队列 …")
            runner.run_queue(figures, users["qingyang_staff"], runs)
        if "dashboard" in sections:
            log("统计页面 …")
            runner.run_dashboard(figures, users["city_staff"], runs)
        if "http" in sections:
            log("HTTP 负载 …")
            runner.run_http(figures, bench_dir, requests)
        log("完成。")
        runner.print_table(figures, self.stdout)
        out = Path(json_out) if json_out else bench_dir / f"bench-{connection.vendor}.json"
        runner.write_json(figures, out)
        missed = [f.name for f in figures if f.holds is False]
        self.stdout.write(f"\n{len(figures)} figures → {out}; " + (
            f"目标未达到：{', '.join(missed)}" if missed else "all targets hold"))


def argparse_hidden():
    import argparse

    return argparse.SUPPRESS


def _json(value) -> str:
    return json.dumps(value)


def _create_pg_database(db, name: str) -> None:
    import psycopg

    admin = psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
                            password=db["PASSWORD"] or None, dbname="postgres", autocommit=True)
    with admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')
