"""Backup and restore of an installation: the database, the attachments and the audit anchors — never the
keys, which are kept elsewhere and supplied to the restore (README: what to keep where).

A backup is a folder: ``database.sqlite3`` (SQLite's online backup: consistent while the server runs) or
``database.pgdump`` (``pg_dump`` custom format), ``attachments.tar`` (the encrypted files as stored, when
they are kept in a folder; an object store is backed up by its own versioning), ``audit-anchors.log`` and
``manifest.json`` (when, the database's vendor, each table's row count, and a fingerprint of each key so
that a restore can tell it was given the right ones — a hash of a random 256-bit key reveals nothing).

``restore`` puts a backup in place on a machine whose database is empty (a fresh install), then checks
it: every table's rows counted as the manifest says, the keys' fingerprints, a sample of ID numbers
decrypted, attachments opened, and the audit chain verified against the restored anchors.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils import timezone

FORMAT = 1


class BackupError(Exception):
    """A backup cannot be made or restored: the reason in Chinese."""


def _counts() -> dict[str, int]:
    out = {}
    for model in apps.get_models():
        if model._meta.managed and not model._meta.proxy:
            out[model._meta.db_table] = model._base_manager.using("default").count()
    return dict(sorted(out.items()))


def _fingerprints() -> dict[str, str]:
    from gonghui.core import audit, pii

    return {"pii": hashlib.sha256(pii._load_master_key()).hexdigest()[:16],
            "audit": hashlib.sha256(audit._chain_key()).hexdigest()[:16]}


def _attachments_dir() -> Path | None:
    options = settings.STORAGES["attachments"].get("OPTIONS", {})
    if "FileSystemStorage" not in settings.STORAGES["attachments"]["BACKEND"]:
        return None
    return Path(options.get("location") or settings.MEDIA_ROOT / "attachments")


def backup(dest: Path) -> Path:
    """Write a backup folder under ``dest``; returns it."""
    from gonghui.core import audit

    folder = Path(dest) / f"gonghui-backup-{timezone.localtime():%Y%m%d-%H%M%S}"
    folder.mkdir(parents=True, exist_ok=False)
    os.chmod(folder, 0o700)  # personal data (encrypted) inside: its owner's only
    audit.anchor()  # the chain's head as it is in this backup
    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        source = sqlite3.connect(db["NAME"])
        target = sqlite3.connect(folder / "database.sqlite3")
        with target:
            source.backup(target)
        target.close()
        source.close()
    elif connection.vendor == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={folder / 'database.pgdump'}",
              _pg_dsn(db)], "pg_dump")
    else:
        raise BackupError(f"不支持的数据库：{connection.vendor}")
    files = _attachments_dir()
    if files is not None and files.exists():
        with tarfile.open(folder / "attachments.tar", "w") as tar:
            tar.add(files, arcname="attachments")
    if audit.anchors_path().exists():
        shutil.copy2(audit.anchors_path(), folder / "audit-anchors.log")
    manifest = {"format": FORMAT, "created_at": timezone.now().isoformat(), "vendor": connection.vendor,
                "counts": _counts(), "keys": _fingerprints(), "attachments": files is not None}
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    return folder


def _pg_dsn(db: dict) -> str:
    from urllib.parse import quote

    user = quote(db.get("USER") or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgresql://{auth}{db.get('HOST') or 'localhost'}{port}/{db['NAME']}"


def _run(argv: list[str], what: str) -> None:
    done = subprocess.run(argv, capture_output=True, text=True)  # noqa: S603 - our own arguments
    if done.returncode != 0:
        raise BackupError(f"{what} 失败：{done.stderr.strip()[:500]}")


def restore(source: Path) -> tuple[dict, list[str]]:
    """Put the backup at ``source`` in place (the database must be empty: a fresh install); returns its
    manifest and the tables whose rows do not count as it says (counted before any migration runs)."""
    source = Path(source)
    try:
        manifest = json.loads((source / "manifest.json").read_text())
    except (OSError, ValueError) as exc:
        raise BackupError("不是有效的备份目录（缺少 manifest.json）。") from exc
    if manifest.get("vendor") != connection.vendor:
        raise BackupError(f"备份来自 {manifest.get('vendor')} 数据库，当前是 {connection.vendor}。")
    tables = connection.introspection.table_names()
    if "core_auditlog" in tables and apps.get_model("core", "AuditLog").objects.exists():
        raise BackupError("当前数据库不是空的：请在新安装的空数据库上恢复。")
    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        connection.close()
        shutil.copy2(source / "database.sqlite3", db["NAME"])
        for suffix in ("-wal", "-shm"):
            Path(str(db["NAME"]) + suffix).unlink(missing_ok=True)
    else:
        connection.close()
        _run(["pg_restore", "--no-owner", "--clean", "--if-exists", f"--dbname={_pg_dsn(db)}",
              str(source / "database.pgdump")], "pg_restore")
    files = _attachments_dir()
    if (source / "attachments.tar").exists() and files is not None:
        files.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(source / "attachments.tar") as tar:
            tar.extractall(files.parent, filter="data")
    from gonghui.core import audit

    if (source / "audit-anchors.log").exists():
        target = audit.anchors_path()
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("ab") as out:  # appended: anchors already on this machine are kept
            out.write((source / "audit-anchors.log").read_bytes())
    counts = _raw_counts(manifest["counts"])
    return manifest, [f"{table}: 备份 {expected} 行，恢复后 {counts.get(table)} 行"
                      for table, expected in manifest["counts"].items() if counts.get(table) != expected]


def _raw_counts(tables) -> dict[str, int]:
    """Rows per table by plain SQL (the restored schema may be an older release's)."""
    out = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - table names
            out[table] = cursor.fetchone()[0]
    return out


def check(manifest: dict, problems: list[str]) -> dict:
    """What a restore is judged by (after migrating it to this release): the row counts found before,
    the keys, decryption, attachments, the audit chain."""
    from gonghui.cases.models import Attachment
    from gonghui.cases.services import attachment_read
    from gonghui.core import audit
    from gonghui.registry.models import Worker

    problems = list(problems)
    counts = _counts()
    keys = _fingerprints()
    for name, expected in manifest["keys"].items():
        if keys.get(name) != expected:
            problems.append(f"密钥 {name} 与备份时不同：请提供原来的密钥（GONGHUI_{name.upper()}_KEY）")
    decrypted = 0
    if not problems:
        for worker in Worker.objects.order_by("?")[:20]:
            worker.id_number_clear()
            decrypted += 1
    opened = 0
    for attachment in Attachment.objects.order_by("?")[:10] if not problems else []:
        try:
            attachment_read(actor=None, attachment=attachment)
            opened += 1
        except OSError as exc:
            problems.append(f"附件 {attachment.pk} 无法打开：{exc}")
    result = audit.verify(anchor_after=False) if not problems else None
    if result is not None and not result.ok:
        problems += [f"审计日志：{p}" for p in result.problems[:20]]
    return {"problems": problems, "tables": len(counts), "rows": sum(counts.values()),
            "decrypted": decrypted, "attachments": opened, "audit_rows": result.checked if result else 0}
