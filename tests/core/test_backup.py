"""Backup and restore drill (issue 23): the demo city backed up while it is in use, restored onto a fresh
install with its keys supplied separately, and checked: every table's rows, the ID numbers decrypt, the
attachments open, the audit chain verifies. With the wrong key the restore says so and fails. On the
database the suite runs on (SQLite, or PostgreSQL with pg_dump and pg_restore)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import DEMO_GROUP


def _env(data: Path, database_url: str | None) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "GONGHUI_TASKS", "GONGHUI_AUDIT_ANCHORS"}}
    env.update({"GONGHUI_DATA_DIR": str(data), "PYTHONUNBUFFERED": "1"})
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _run(env, *args, check=True):
    done = subprocess.run([sys.executable, "-m", "gonghui", *args], env=env, capture_output=True, text=True,
                          timeout=600)
    if check:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.fixture
def databases(db):
    """Two fresh databases (SQLite: two data folders; PostgreSQL: two databases beside the test one)."""
    if connection.vendor != "postgresql":
        yield None, None
        return
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump and pg_restore (postgresql-client) are needed to back up PostgreSQL")
    import psycopg

    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    names = [f"gonghui_bk_{uuid.uuid4().hex[:8]}_{n}" for n in ("from", "to")]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield tuple(f"{base}/{name}" for name in names)
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.xdist_group(DEMO_GROUP)
def test_backup_and_restore_the_demo_city(tmp_path, databases, demo_copy):
    source_url, target_url = databases
    here, there, backups = tmp_path / "here", tmp_path / "there", tmp_path / "backups"
    env = _env(here, source_url)
    if source_url:  # PostgreSQL: the demo city seeded in its database
        _run(env, "seed", "--scale", "demo")
    else:  # SQLite: a copy of the session's seeded demo folder (its database file, keys and attachments)
        demo_copy(here)
    _run(env, "backup", str(backups))
    folder = next(backups.iterdir())
    assert {p.name for p in folder.iterdir()} >= {"manifest.json", "attachments.tar", "audit-anchors.log"}
    assert not any("key" in p.name for p in folder.iterdir())  # the keys are never in a backup

    # a fresh machine: the keys come separately (here: the two key files), the database is new and empty
    there.mkdir()
    for key in ("pii_key", "audit_key"):
        shutil.copy2(here / key, there / key)
    fresh = _env(there, target_url)
    _run(fresh, "migrate", "-v", "0")
    done = _run(fresh, "restore", str(folder))
    assert "恢复完成" in done.stdout and "个身份证号解密" in done.stdout and "审计日志" in done.stdout
    assert "个附件打开" in done.stdout and " 0 个附件" not in done.stdout
    assert _run(fresh, "audit", "verify").returncode == 0
    worker = _run(fresh, "shell", "-c", "from gonghui.registry.models import Worker; "
                                        "print(Worker.objects.count(), len(Worker.objects.last().id_number_clear()))")
    assert worker.stdout.split()[-1] == "18" and int(worker.stdout.split()[-2]) > 2000


def test_a_restore_with_the_wrong_key_fails_and_says_so(tmp_path, databases):
    source_url, target_url = databases
    here, there, backups = tmp_path / "here", tmp_path / "there", tmp_path / "backups"
    env = _env(here, source_url)
    _run(env, "migrate", "-v", "0")
    _run(env, "shell", "-c", "from gonghui.core import audit; audit.record(actor=None, action='test', summary='x')")
    _run(env, "backup", str(backups))
    there.mkdir()
    shutil.copy2(here / "pii_key", there / "pii_key")  # the audit key is not supplied: a new one is made
    fresh = _env(there, target_url)
    _run(fresh, "migrate", "-v", "0")
    done = _run(fresh, "restore", str(next(backups.iterdir())), check=False)
    assert done.returncode == 1 and "密钥 audit 与备份时不同" in done.stderr
    again = _run(fresh, "restore", str(next(backups.iterdir())), check=False)
    assert again.returncode != 0 and "不是空的" in again.stderr
