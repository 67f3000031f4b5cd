"""Write the audit trail. Every service that changes data or reveals a personal number calls ``record``."""

from __future__ import annotations

from django.db import models

from .models import AuditLog


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(*, actor, action: str, obj: models.Model | None = None, request=None, summary: str = "",
           changes: dict | None = None, object_type: str = "", object_id: str = "") -> AuditLog:
    """Append one audit record. ``changes`` must already hold masked values only."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    return AuditLog.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=getattr(actor, "username", "") or "system",
        ip=client_ip(request),
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=summary[:300],
        changes=changes or {},
    )
