"""The audit trail: append one record per action, chained to the previous one by a keyed hash.

``record`` is called by every service inside the transaction of the action it records, so if the audit
row cannot be written the action fails with it (fail closed). Writers are serialised while they read the
chain's head: SQLite transactions here take the write lock at BEGIN (``transaction_mode=IMMEDIATE``);
on PostgreSQL a transaction-level advisory lock is taken.

The hash is HMAC-SHA256 over the canonical JSON of the row's content and the previous hash, under the
audit key: a key of its own (``GONGHUI_AUDIT_KEY``; the demo's ``data/audit_key``), kept apart from the
database, its backups and the personal-data key — whoever can rewrite the table cannot re-hash it. Rows
written before this key existed carry ``key_version`` 1 (a key derived from the personal-data key) and
stay verifiable; after the first row of version 2 none of version 1 may follow.

``verify`` detects a deleted row (a gap in ``seq`` and a broken link) and an altered one (its hash). The
newest rows, or all of them, leave no gap behind: so the chain is *anchored* outside the database — each
``anchor()`` (every verify, and the hourly job) appends the head's sequence and hash to an append-only
file (``GONGHUI_AUDIT_ANCHORS``, default ``data/audit-anchors.log``; in production on storage the database's
owner cannot rewrite: another machine, a WORM bucket) and to the log ``gonghui.audit.anchor`` (for an
external syslog). ``verify`` compares the table with the latest anchor: rows missing after it, or a row
rewritten at its sequence, are reported. On PostgreSQL TRUNCATE is refused by a statement trigger.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from .models import AuditLog

RETENTION_DAYS = 184  # six calendar months at least (网络安全法 / MLPS: logs kept >= 6 months)
_ADVISORY_LOCK = 7_215_001
KEY_VERSION = 2
anchor_log = logging.getLogger("gonghui.audit.anchor")


@cache
def _chain_key(version: int = KEY_VERSION) -> bytes:
    from .pii import load_key

    if version == 1:
        return v1_key()
    return load_key("GONGHUI_AUDIT_KEY", "audit_key")


def v1_key() -> bytes:
    """The key of the rows written before the audit key of its own: derived from the first generation of
    the personal-data key — or, once that key is rotated away, kept as ``GONGHUI_AUDIT_KEY_V1`` (the demo:
    ``data/audit_key_v1``, written by the rotation)."""
    import base64

    from django.core.exceptions import ImproperlyConfigured

    from . import pii

    value = os.environ.get("GONGHUI_AUDIT_KEY_V1", "").strip()
    path = settings.DATA_DIR / "audit_key_v1"
    if not value and path.exists():
        value = path.read_text().strip()
    if value:
        return base64.b64decode(value)
    try:
        master = pii.master_key_of(1)
    except ValueError:
        raise ImproperlyConfigured("审计日志中有旧密钥（第1代）签名的记录：请设置 GONGHUI_AUDIT_KEY_V1。") from None
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"gonghui audit chain v1").derive(master)


def client_ip(request) -> str | None:
    """The request's address; without a request, the current context's (core.context)."""
    if request is None:
        from .context import current

        return current().address
    return request.META.get("REMOTE_ADDR") or None


def _digest(row: AuditLog) -> str:
    content = {
        "seq": row.seq, "at": row.at.isoformat(), "actor": row.actor_id, "actor_label": row.actor_label,
        "ip": row.ip, "action": row.action, "object_type": row.object_type, "object_id": row.object_id,
        "summary": row.summary, "changes": row.changes, "prev": row.prev_hash,
    }
    version = getattr(row, "key_version", 1)  # the migration that chained the first rows knew no versions
    if version != 1:
        content["key"] = version
    body = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hmac.new(_chain_key(version), body.encode(), hashlib.sha256).hexdigest()


def record(*, actor, action: str, obj: models.Model | None = None, request=None, summary: str = "",
           changes: dict | None = None, object_type: str = "", object_id: str = "") -> AuditLog:
    """Append one audit record. ``changes`` must already hold masked values only."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK])
        head = (AuditLog.objects.filter(seq__isnull=False).order_by("-seq")
                .values_list("seq", "hash").first())
        row = AuditLog(
            actor=actor if getattr(actor, "pk", None) else None,
            actor_label=getattr(actor, "username", "") or "system",
            ip=client_ip(request),
            action=action,
            object_type=object_type,
            object_id=object_id,
            summary=summary[:300],
            changes=json.loads(json.dumps(changes or {}, ensure_ascii=False, default=str)),
            seq=(head[0] + 1) if head else 1,
            prev_hash=head[1] if head else "",
            at=timezone.now(),
            key_version=KEY_VERSION,
        )
        row.hash = _digest(row)
        row.save(force_insert=True)
    return row


@dataclass
class VerifyResult:
    checked: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(chunk: int = 5000, *, anchor_after: bool = True) -> VerifyResult:
    """Walk the whole chain; report every gap, broken link and altered row, and compare the table with the
    latest anchor (rows deleted after it, a row rewritten at its sequence). A sound chain is anchored anew."""
    problems: list[str] = []
    previous: AuditLog | None = None
    checked = 0
    start_links = _prune_checkpoints()
    new_key_seen = False
    for row in AuditLog.objects.order_by("seq").iterator(chunk_size=chunk):
        checked += 1
        if row.seq is None:
            problems.append(f"row id {row.pk}: no sequence number")
            continue
        if row.key_version not in (1, KEY_VERSION):
            problems.append(f"seq {row.seq}: unknown key version {row.key_version}")
            previous = row
            continue
        if row.key_version == 1 and new_key_seen:
            problems.append(f"seq {row.seq}: written with the retired key after the audit key (re-hashed?)")
        new_key_seen = new_key_seen or row.key_version == KEY_VERSION
        if previous is None:
            if row.seq != 1 and row.prev_hash not in start_links:
                problems.append(f"seq {row.seq}: the chain does not start at 1 and no prune record covers "
                                f"the rows before it (rows deleted?)")
        else:
            if row.seq != previous.seq + 1:
                problems.append(f"seq {previous.seq + 1}–{row.seq - 1}: missing (deleted?)")
            if row.prev_hash != previous.hash:
                problems.append(f"seq {row.seq}: does not link to seq {previous.seq}")
        if not hmac.compare_digest(_digest(row), row.hash):
            problems.append(f"seq {row.seq}: content does not match its hash (altered?)")
        previous = row
    problems += _against_anchor(previous)
    if anchor_after and not problems:
        anchor()
    return VerifyResult(checked, problems)


# --- anchors outside the database ---------------------------------------------------------------------------

def anchors_path() -> Path:
    return Path(os.environ.get("GONGHUI_AUDIT_ANCHORS") or settings.DATA_DIR / "audit-anchors.log")


def latest_anchor() -> dict | None:
    """The last anchor written (its ``seq`` and ``hash``), or None before the first."""
    path = anchors_path()
    if not path.exists():
        return None
    last = None
    with path.open("rb") as fh:
        for line in fh:
            if line.strip():
                last = line
    if last is None:
        return None
    try:
        found = json.loads(last)
    except ValueError:
        return {"seq": None, "hash": "", "broken": True}
    return found if isinstance(found, dict) else {"seq": None, "hash": "", "broken": True}


def anchor() -> dict | None:
    """Append the chain's head (sequence and hash) to the anchor file and the anchor log; None when the
    chain is empty."""
    head = AuditLog.objects.filter(seq__isnull=False).order_by("-seq").values_list("seq", "hash").first()
    if head is None:
        return None
    entry = {"at": timezone.now().isoformat(), "seq": head[0], "hash": head[1]}
    path = anchors_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a") as fh:
        fh.write(json.dumps(entry, sort_keys=True) + "\n")
    anchor_log.info("audit anchor seq=%s hash=%s", head[0], head[1])
    return entry


def _against_anchor(head: AuditLog | None) -> list[str]:
    found = latest_anchor()
    if found is None:
        return []
    if found.get("broken") or not isinstance(found.get("seq"), int):
        return ["the latest anchor is unreadable (the anchor file was altered?)"]
    seq, digest = found["seq"], found.get("hash", "")
    if head is None or head.seq < seq:
        last = head.seq if head is not None else 0
        return [f"seq {last + 1}–{seq}: missing after the anchor of {found.get('at', '')} (deleted or truncated?)"]
    at = AuditLog.objects.filter(seq=seq).values_list("hash", flat=True).first()
    if at is None:  # pruned by retention (every row before it gone too), or deleted
        first = AuditLog.objects.filter(seq__isnull=False).order_by("seq").values_list("seq", flat=True).first()
        return [] if first is not None and first > seq else [f"seq {seq}: anchored, but not in the table (deleted?)"]
    if not hmac.compare_digest(at, digest):
        return [f"seq {seq}: differs from its anchor (rewritten?)"]
    return []


def _prune_checkpoints() -> set[str]:
    rows = AuditLog.objects.filter(action="audit.prune").values_list("changes", flat=True)
    return {c.get("last_pruned_hash", "") for c in rows if isinstance(c, dict)}


def prune(*, actor, before) -> int:
    """Delete records older than ``before`` (never younger than the retention period); audited."""
    limit = timezone.now() - timezone.timedelta(days=RETENTION_DAYS)
    if before > limit:
        raise ValueError(f"审计日志至少保留{RETENTION_DAYS}天，只能清理{limit:%Y-%m-%d}之前的记录。")
    old = AuditLog.objects.filter(at__lt=before)
    last = old.order_by("-seq").values_list("hash", flat=True).first()
    if last is None:
        return 0
    with transaction.atomic():
        record(actor=actor, action="audit.prune", summary=f"清理{before:%Y-%m-%d}之前的审计日志",
               changes={"before": before.isoformat(), "last_pruned_hash": last})
        count = models.QuerySet.delete(old.order_by())[0]  # bypasses the append-only queryset on purpose
    return count
