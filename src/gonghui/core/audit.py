"""The audit trail: append one record per action, chained to the previous one by a keyed hash.

``record`` is called by every service inside the transaction of the action it records, so if the audit
row cannot be written the action fails with it (fail closed). Writers are serialised while they read the
chain's head: SQLite transactions here take the write lock at BEGIN (``transaction_mode=IMMEDIATE``);
on PostgreSQL a transaction-level advisory lock is taken.

The hash is HMAC-SHA256 under a key derived from the personal-data master key, over the canonical JSON
of the row's content and the previous hash. A reader of a stolen backup cannot forge a consistent chain,
and ``verify`` detects a deleted row (a gap in ``seq`` and a broken link) and an altered one (its hash).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from functools import cache

from django.db import connection, models, transaction
from django.utils import timezone

from .models import AuditLog

RETENTION_DAYS = 184  # six calendar months at least (网络安全法 / MLPS: logs kept >= 6 months)
_ADVISORY_LOCK = 7_215_001


@cache
def _chain_key() -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    from .pii import _load_master_key

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"gonghui audit chain v1").derive(
        _load_master_key())


def client_ip(request) -> str | None:
    """The request's address; without a request, the current context's (core.context)."""
    if request is None:
        from .context import current

        return current().address
    return request.META.get("REMOTE_ADDR") or None


def _digest(row: AuditLog) -> str:
    body = json.dumps({
        "seq": row.seq, "at": row.at.isoformat(), "actor": row.actor_id, "actor_label": row.actor_label,
        "ip": row.ip, "action": row.action, "object_type": row.object_type, "object_id": row.object_id,
        "summary": row.summary, "changes": row.changes, "prev": row.prev_hash,
    }, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hmac.new(_chain_key(), body.encode(), hashlib.sha256).hexdigest()


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


def verify(chunk: int = 5000) -> VerifyResult:
    """Walk the whole chain; report every gap, broken link and altered row."""
    problems: list[str] = []
    previous: AuditLog | None = None
    checked = 0
    start_links = _prune_checkpoints()
    for row in AuditLog.objects.order_by("seq").iterator(chunk_size=chunk):
        checked += 1
        if row.seq is None:
            problems.append(f"row id {row.pk}: no sequence number")
            continue
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
    return VerifyResult(checked, problems)


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
