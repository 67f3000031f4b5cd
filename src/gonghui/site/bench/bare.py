"""The bench's baseline web app: a bare WSGI function answering the worker's case list and case detail
with the same JSON shape and the same SQL as the API, straight through the database driver — no
framework, no authentication, no middleware. Served by the same gunicorn, it shows what Django costs.

Configured by the environment: ``BENCH_DB`` (an SQLite path or a PostgreSQL URL) and ``BENCH_WORKER``
(the applicant's id the requests are about).
"""

from __future__ import annotations

import json
import os

_conn = None

LIST_SQL = ("SELECT c.number, i.code, i.name, c.state, c.created_at, c.due_on FROM cases_case c "
            "JOIN cases_serviceitem i ON i.id = c.item_id WHERE c.applicant_id = {p} "
            "ORDER BY c.created_at DESC, c.id DESC LIMIT 20")
DETAIL_SQL = ("SELECT c.number, i.code, i.name, c.state, c.created_at, c.due_on, c.form FROM cases_case c "
              "JOIN cases_serviceitem i ON i.id = c.item_id WHERE c.number = {p} AND c.applicant_id = {p}")


def _connect():
    global _conn
    if _conn is None:
        target = os.environ["BENCH_DB"]
        if target.startswith("postgres"):
            import psycopg

            _conn = psycopg.connect(target, autocommit=True)
        else:
            import sqlite3

            _conn = sqlite3.connect(target, check_same_thread=False)
    return _conn


def _placeholder() -> str:
    return "%s" if os.environ["BENCH_DB"].startswith("postgres") else "?"


def application(environ, start_response):
    conn = _connect()
    worker = int(os.environ["BENCH_WORKER"])
    path = environ.get("PATH_INFO", "")
    p = _placeholder()
    cursor = conn.cursor()
    if path == "/cases":
        cursor.execute(LIST_SQL.format(p=p), (worker,))
        body = {"items": [{"number": r[0], "item": r[1], "item_name": r[2], "state": r[3], "created_at": str(r[4]),
                           "due_on": str(r[5]) if r[5] else None} for r in cursor.fetchall()]}
    elif path.startswith("/cases/"):
        cursor.execute(DETAIL_SQL.format(p=p), (path.rsplit("/", 1)[-1], worker))
        row = cursor.fetchone()
        if row is None:
            start_response("404 Not Found", [("Content-Type", "application/json")])
            return [b'{"detail": "not found"}']
        form = row[6] if isinstance(row[6], dict) else json.loads(row[6] or "{}")
        body = {"number": row[0], "item": row[1], "item_name": row[2], "state": row[3], "created_at": str(row[4]),
                "due_on": str(row[5]) if row[5] else None, "form": form}
    else:
        start_response("404 Not Found", [("Content-Type", "application/json")])
        return [b"{}"]
    data = json.dumps(body, ensure_ascii=False).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]
