"""The measurements of `python -m gonghui bench`. Each figure is a median of several runs where a run is
short, and where it has one, a ratio to a raw baseline measured in the same run on the same rows:

- import: the real importer on the workers' .xlsx (read, validate, encrypt, blind-index, write), in a
  process of its own (its peak RSS is the import's); baseline: the same final rows inserted with the
  database's raw bulk path (sqlite3 ``executemany`` in one transaction / PostgreSQL ``COPY``) into
  tables of the same shape. Then a full re-import (every row an update).
- history: a past plan year brought in (150,000 enrolments and 13,000 settled claims at scale 1) by the
  real importers in a process of their own; baseline: the rows they wrote, inserted raw. Then a re-import
  (nothing added).
- search: p50/p99 of the registry search by pinyin initials, name, last 4 ID digits, full ID number, and
  whether each query plan uses an index.
- queue: a town's queue page and the /api/v1/cases list, first and a deep page, filtered: p50/p99 and
  the SQL query count of each (which must not change with the page).
- dashboard: the /dash/ page of each plan year, and the check that its figures equal a straight recount.
- http: the worker's case list and case detail API on gunicorn (2 workers) under a bounded load from
  another process, against a bare WSGI app serving the same JSON from the same database.
"""

from __future__ import annotations

import json
import math
import os
import random
import resource
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    target: str = ""
    holds: bool | None = None


def p99_of(sorted_times: list[float]) -> float:
    """The 99th percentile by nearest rank (of 100 runs, the 99th; of fewer than 100, the slowest)."""
    return sorted_times[max(0, math.ceil(len(sorted_times) * 0.99) - 1)]


def median_ms(fn, runs: int) -> tuple[float, float]:
    """(p50, p99) in ms of ``runs`` calls."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), p99_of(times)


# --- import ---------------------------------------------------------------------------------------------

def import_child(path: str, baseline: bool) -> dict:
    """Run in a process of its own: the real importer on ``path``; then the raw baseline of its rows."""
    from gonghui.orgs.models import Org
    from gonghui.registry.importing import WorkerImporter

    started = time.perf_counter()
    result = WorkerImporter(scope=Org.objects.get(depth=1)).run(Path(path).read_bytes(), Path(path).name)
    seconds = time.perf_counter() - started
    out = {"seconds": seconds, "total": result.total, "good": result.good, "created": result.created,
           "updated": result.updated, "rejected": result.rejected,
           "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    if baseline:
        out["baseline_seconds"] = raw_baseline(["registry_worker", "registry_workernamekey", "registry_employment"])
    return out


def raw_baseline(tables: list[str], where: dict[str, str] | None = None) -> float:
    """Copy the rows of ``tables`` (those matching ``where[table]``, when given) into twins of the same
    shape with the raw bulk path; the seconds spent inserting (reading them back is not counted)."""
    spent = 0.0
    vendor = connection.vendor
    where = where or {}
    for table in tables:
        twin = f"bench_raw_{table}"
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {twin}")
            if vendor == "postgresql":
                cursor.execute(f"CREATE TABLE {twin} (LIKE {table} INCLUDING ALL)")
            else:
                sql = cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [table]).fetchone()[0]
                cursor.execute(sql.replace(f'"{table}"', f'"{twin}"', 1))
                for (index_sql,) in cursor.execute("SELECT sql FROM sqlite_master WHERE tbl_name = %s AND "
                                                   "type = 'index' AND sql IS NOT NULL", [table]).fetchall():
                    cursor.execute(index_sql.replace("INDEX \"", "INDEX \"bench_", 1).replace(
                        f'ON "{table}"', f'ON "{twin}"'))
        raw = connection.connection
        read = raw.cursor()
        read.execute(f"SELECT * FROM {table} {where.get(table, '')}")  # noqa: S608
        columns = len(read.description)
        if vendor == "postgresql":
            started = time.perf_counter()
            with raw.cursor() as write, write.copy(f"COPY {twin} FROM STDIN") as copy:
                while rows := read.fetchmany(20_000):
                    for row in rows:
                        copy.write_row(row)
            raw.commit()
            spent += time.perf_counter() - started
        else:
            write = raw.cursor()
            write.execute("BEGIN")
            placeholders = ", ".join("?" * columns)
            while rows := read.fetchmany(20_000):
                started = time.perf_counter()
                write.executemany(f"INSERT INTO {twin} VALUES ({placeholders})", rows)  # noqa: S608
                spent += time.perf_counter() - started
            started = time.perf_counter()
            write.execute("COMMIT")
            spent += time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {twin}")
    return spent


def run_import(bench_dir: Path, scale: float, enterprises, figures: list[Figure], log) -> None:
    from gonghui.registry.models import Worker

    from .dataset import write_workers_xlsx

    path = bench_dir / f"workers-{scale:g}.xlsx"
    if not path.exists():
        log(f"写职工名单 {path.name} …")
        write_workers_xlsx(path, scale, enterprises)
    state_file = bench_dir / f"import-state-{connection.vendor}.json"
    fresh = not Worker.objects.exists()
    kind = "import" if fresh else "reimport"
    log("导入（真实导入程序，独立进程）…" if fresh else "全量重新导入（每行都是更新）…")
    child = subprocess.run([sys.executable, "-m", "gonghui", "bench", "--import-child", str(path),  # noqa: S603
                            *(["--baseline"] if fresh else [])], capture_output=True, text=True, check=True,
                           env=os.environ.copy())
    result = json.loads(child.stdout.strip().splitlines()[-1])
    if fresh:
        state_file.write_text(json.dumps(result))
    rows = result["good"]
    figures.append(Figure(f"{kind}.seconds", round(result["seconds"], 1), "s"))
    figures.append(Figure(f"{kind}.rows_per_second", round(rows / result["seconds"]), "rows/s"))
    figures.append(Figure(f"{kind}.peak_rss", round(result["rss_mb"]), "MB", "≤ 1024 MB", result["rss_mb"] <= 1024))
    if fresh:
        figures.append(Figure("import.rows_created", result["created"], "rows", f"= {rows} good rows",
                              result["created"] == rows))
    else:  # every row is already there: nothing is created twice (rows that did not change are not rewritten)
        figures.append(Figure("reimport.rows_created", result["created"], "rows", "0 (no duplicates)",
                              result["created"] == 0))
    first = result if fresh else (json.loads(state_file.read_text()) if state_file.exists() else None)
    if first and "baseline_seconds" in first:
        ratio = first["baseline_seconds"] / first["seconds"]
        figures.append(Figure("import.baseline_seconds", round(first["baseline_seconds"], 1), "s",
                              "raw bulk insert of the same rows"))
        figures.append(Figure("import.ratio_baseline_over_import", round(ratio, 3), "ratio", "≥ 0.5", ratio >= 0.5))


# --- history: a past plan year brought in ---------------------------------------------------------------

HISTORY_YEAR = 2015
HISTORY_ENROLMENTS = 150_000
HISTORY_CLAIMS = 13_000
_HISTORY_CLAIM = "(SELECT id FROM mutual_aid_claim WHERE external_number IS NOT NULL)"
HISTORY_ROWS = {  # what the history import writes, for the raw baseline
    "enrolments": {"mutual_aid_enrolment": "WHERE source = 'history'"},
    "claims": {"cases_case": "WHERE id IN (SELECT case_id FROM mutual_aid_claim WHERE external_number IS NOT NULL)",
               "cases_caseevent": "WHERE case_id IN (SELECT case_id FROM mutual_aid_claim "
                                  "WHERE external_number IS NOT NULL)",
               "mutual_aid_claim": "WHERE external_number IS NOT NULL",
               "mutual_aid_claiminvoice": f"WHERE claim_id IN {_HISTORY_CLAIM}",
               "mutual_aid_paymentline": f"WHERE claim_id IN {_HISTORY_CLAIM}"},
}


def history_child(enrolments: str, claims: str, baseline: bool) -> dict:
    """Run in a process of its own: the history importers on the two files, then the raw baselines."""
    from django.contrib.auth import get_user_model

    from gonghui.mutual_aid.importers import HistoryClaimImporter, HistoryEnrolmentImporter
    from gonghui.orgs.models import Org

    scope = Org.objects.get(depth=1)
    actor = get_user_model().objects.get(username="city_staff")
    out = {}
    for kind, importer, path in (("enrolments", HistoryEnrolmentImporter, enrolments),
                                 ("claims", HistoryClaimImporter, claims)):
        started = time.perf_counter()
        result = importer(scope=scope, actor=actor).run(Path(path).read_bytes(), Path(path).name)
        out[kind] = {"seconds": time.perf_counter() - started, "good": result.good, "created": result.created,
                     "updated": result.updated, "rejected": result.rejected,
                     "errors": [e.reason for e in result.errors[:3]]}
        if baseline:
            out[kind]["baseline_seconds"] = raw_baseline(list(HISTORY_ROWS[kind]), HISTORY_ROWS[kind])
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def run_history(bench_dir: Path, scale: float, figures: list[Figure], log) -> None:
    from gonghui.mutual_aid.models import Claim

    from .dataset import write_history_files

    enrolments, claims = (bench_dir / f"history-{kind}-{scale:g}.xlsx" for kind in ("enrolments", "claims"))
    if not enrolments.exists() or not claims.exists():
        log("写往年参保名单和已发放报销 …")
    write_history_files(enrolments, claims, HISTORY_YEAR, int(HISTORY_ENROLMENTS * scale),
                        int(HISTORY_CLAIMS * scale))
    state_file = bench_dir / f"history-state-{connection.vendor}.json"
    fresh = not Claim.objects.filter(external_number__isnull=False).exists()
    log("往年数据导入（真实导入程序，独立进程）…" if fresh else "往年数据重新导入（不应新增任何记录）…")
    child = subprocess.run([sys.executable, "-m", "gonghui", "bench", "--history-child",  # noqa: S603
                            f"{enrolments},{claims}", *(["--baseline"] if fresh else [])],
                           capture_output=True, text=True, check=True, env=os.environ.copy())
    result = json.loads(child.stdout.strip().splitlines()[-1])
    if fresh:
        state_file.write_text(json.dumps(result))
    kind_label = "history" if fresh else "history_reimport"
    for kind in ("enrolments", "claims"):
        part = result[kind]
        figures.append(Figure(f"{kind_label}.{kind}.rows_per_second", round(part["good"] / part["seconds"]),
                              "rows/s"))
        if fresh:
            figures.append(Figure(f"history.{kind}.created", part["created"], "records",
                                  "every good record", part["created"] > 0 and not part["rejected"]))
        else:
            figures.append(Figure(f"history_reimport.{kind}.created", part["created"], "records", "0 (no duplicates)",
                                  part["created"] == 0))
    figures.append(Figure(f"{kind_label}.peak_rss", round(result["rss_mb"]), "MB", "≤ 1024 MB",
                          result["rss_mb"] <= 1024))
    first = result if fresh else (json.loads(state_file.read_text()) if state_file.exists() else None)
    for kind in ("enrolments", "claims") if first else ():
        part = first[kind]
        if "baseline_seconds" in part:
            ratio = part["baseline_seconds"] / part["seconds"]
            figures.append(Figure(f"history.{kind}.ratio_baseline_over_import", round(ratio, 3), "ratio", "≥ 0.5",
                                  ratio >= 0.5))


# --- search ---------------------------------------------------------------------------------------------

def run_search(figures: list[Figure], user, runs: int) -> None:
    from gonghui.registry.models import Worker, WorkerNameKey
    from gonghui.registry.selectors import worker_search

    rng = random.Random(5)  # noqa: S311
    ids = list(Worker.objects.order_by("?").values_list("pk", flat=True)[:runs])
    sample = list(Worker.objects.filter(pk__in=ids))
    keys = list(WorkerNameKey.objects.filter(worker_id__in=ids).values_list("key", flat=True))
    queries = {
        "pinyin": [k[:3] for k in keys if k.isalpha()][:runs] or ["zs"],
        "name": [w.name[:2] for w in sample],
        "last4": [w.id_number_clear()[-4:] for w in sample],
        "id": [w.id_number_clear() for w in sample],
    }
    for kind, values in queries.items():
        values = values or ["张"]
        times = []
        for value in values:
            started = time.perf_counter()
            list(worker_search(user=user, q=value)[:20])
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p99 = p99_of(times)
        figures.append(Figure(f"search.{kind}.p50", round(statistics.median(times), 2), "ms"))
        figures.append(Figure(f"search.{kind}.p99", round(p99, 2), "ms", "≤ 50 ms", p99 <= 50))
        plan = worker_search(user=user, q=rng.choice(values))[:20].explain()
        indexed = "INDEX" in plan.upper() and "SCAN REGISTRY_WORKER\n" not in plan.upper()
        figures.append(Figure(f"search.{kind}.plan_uses_index", int(indexed), "bool", "uses an index", indexed))


# --- queue, dashboard -------------------------------------------------------------------------------

def _client(user) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")  # an allowed host of the default settings
    client.force_login(user)
    return client


def _page(client, url: str, runs: int) -> tuple[float, float, int]:
    counts = set()
    times = []
    client.get(url)  # warm-up, not timed: the process's first request of a page compiles its templates
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        counts.add(len(ctx.captured_queries))
    times.sort()
    return statistics.median(times), p99_of(times), max(counts)


def run_queue(figures: list[Figure], town_user, runs: int) -> None:
    client = _client(town_user)
    pages = {
        "queue.page.first": "/desk/cases/",
        "queue.page.deep": "/desk/cases/?state=all&page=200",
        "queue.page.filtered": "/desk/cases/?state=submitted&urgency=0",
        "queue.api.first": "/api/v1/cases?state=all",
        "queue.api.deep": "/api/v1/cases?state=all&page=200",
        "queue.api.filtered": "/api/v1/cases?state=submitted&urgency=0",
    }
    counts = {}
    for name, url in pages.items():
        p50, p99, queries = _page(client, url, max(runs, 100))  # a p99 needs a hundred runs
        counts[name] = queries
        figures.append(Figure(f"{name}.p50", round(p50, 1), "ms"))
        figures.append(Figure(f"{name}.p99", round(p99, 1), "ms", "≤ 100 ms", p99 <= 100))
    for surface in ("page", "api"):
        same = counts[f"queue.{surface}.first"] == counts[f"queue.{surface}.deep"]
        figures.append(Figure(f"queue.{surface}.query_count", counts[f"queue.{surface}.first"], "queries",
                              "constant (first page = deep page)", same))


def run_dashboard(figures: list[Figure], city_user, runs: int) -> None:
    from django.db.models import Sum

    from gonghui.cases.models import State
    from gonghui.mutual_aid import figures as aid_figures
    from gonghui.mutual_aid.models import Claim, PlanYear

    client = _client(city_user)
    for plan in PlanYear.objects.order_by("year"):
        url = f"/dash/mutual-aid/?year={plan.year}"
        p50, _p99, _q = _page(client, url, max(3, runs // 10))
        figures.append(Figure(f"dashboard.mutual_aid.{plan.year}.p50", round(p50, 1), "ms", "≤ 500 ms", p50 <= 500))
        shown = aid_figures.plan_year_figures(user=city_user, plan_year=plan)
        recount = Claim.objects.filter(product__plan_year=plan, case__state=State.FULFILLED).aggregate(
            s=Sum("subsidy"))["s"] or 0
        claims = Claim.objects.filter(product__plan_year=plan).count()
        exact = shown["paid_amount"] == aid_figures._cents(recount) and shown["claims"] == claims
        figures.append(Figure(f"dashboard.mutual_aid.{plan.year}.recount_equal", int(exact), "bool",
                              "figures = straight recount", exact))


# --- http ---------------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(argv: list[str], env: dict, port: int) -> subprocess.Popen:
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,  # noqa: S603
                            start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return proc
        except OSError as exc:
            if getattr(exc, "code", None):  # an HTTP answer (the bare app answers 404): it is up
                return proc
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("server did not start")


def run_http(figures: list[Figure], bench_dir: Path, requests: int) -> None:
    import signal

    from gonghui.accounts import tokens
    from gonghui.cases.models import Case

    worker_case = Case.objects.filter(applicant__account__isnull=False).select_related("applicant__account__user")
    case = worker_case.first()
    if case is None:
        case = _bench_worker()
    user = case.applicant.account.user
    _row, token = tokens.token_issue(actor=None, user=user, name="bench", scopes=["cases:read"], days=1,
                                     rate_per_minute=10**6)
    numbers = list(Case.objects.filter(applicant=case.applicant).values_list("number", flat=True)[:20])
    paths = bench_dir / "paths.txt"
    db = settings.DATABASES["default"]
    bench_db = (f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
                if connection.vendor == "postgresql" else str(db["NAME"]))
    env = {**os.environ, "BENCH_DB": bench_db, "BENCH_WORKER": str(case.applicant_id)}
    results = {}
    for name, argv_tail, prefix in [
        ("django", ["gonghui.wsgi:application"], "/api/v1"),
        ("bare", ["gonghui.site.bench.bare:application"], ""),
    ]:
        port = _free_port()
        paths.write_text("\n".join([f"{prefix}/cases", *[f"{prefix}/cases/{n}" for n in numbers]]))
        argv = [sys.executable, "-m", "gunicorn", *argv_tail, "--bind", f"127.0.0.1:{port}", "--workers", "2",
                "--threads", "4", "--access-logfile", "/dev/null"]
        proc = _serve(argv, env, port)
        try:
            load = subprocess.run([sys.executable, "-m", "gonghui.site.bench.load", f"http://127.0.0.1:{port}",  # noqa: S603
                                   str(paths), str(requests), "8", token], capture_output=True, text=True,
                                  check=True, env=env)
            results[name] = json.loads(load.stdout.strip().splitlines()[-1])
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
    for name, r in results.items():
        figures.append(Figure(f"http.{name}.requests_per_second", round(r["rps"]), "req/s"))
        figures.append(Figure(f"http.{name}.p50", round(r["p50"], 1), "ms"))
        figures.append(Figure(f"http.{name}.p99", round(r["p99"], 1), "ms"))
        figures.append(Figure(f"http.{name}.errors", r["errors"], "requests", "0", r["errors"] == 0))
    ratio = results["django"]["rps"] / results["bare"]["rps"]
    figures.append(Figure("http.ratio_django_over_bare", round(ratio, 3), "ratio", "≥ 0.4", ratio >= 0.4))


def _bench_worker():
    """A bound worker account with a few cases, for the HTTP figure."""
    from django.contrib.auth import get_user_model

    from gonghui.cases.models import Case
    from gonghui.registry.models import BindingStatus, Worker, WorkerAccount

    worker = Case.objects.order_by("pk").first().applicant
    worker = Worker.objects.select_related("org").get(pk=worker.pk)
    user, _ = get_user_model().objects.get_or_create(username="bench_worker", defaults={"must_change_password": False})
    WorkerAccount.objects.get_or_create(worker=worker, defaults={
        "user": user, "status": BindingStatus.BOUND, "name": worker.name, "id_enc": worker.id_enc,
        "id_bidx": worker.id_bidx, "town": worker.org})
    return Case.objects.filter(applicant=worker).select_related("applicant__account__user").first()


def print_table(figures: list[Figure], out) -> None:
    width = max(len(f.name) for f in figures)
    for f in figures:
        mark = "" if f.holds is None else ("✓" if f.holds else "✗ 未达标")
        out.write(f"{f.name:<{width}}  {f.value:>12} {f.unit:<8} {f.target:<28} {mark}\n")


def write_json(figures: list[Figure], path: Path) -> None:
    path.write_text(json.dumps([asdict(f) for f in figures], ensure_ascii=False, indent=1))

