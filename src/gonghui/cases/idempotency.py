"""``Idempotency-Key`` on API writes: a retried request gets the first answer instead of a second effect.

A partner system that lost the answer to ``POST /cases`` (timeout, dropped connection) sends the same
request with the same key again and receives the same case, not a second one. The key is the caller's
(per user); the same key with a different request is refused; while the first request still runs a
retry gets 409. Only successful answers are kept: a refused request changed nothing and may be retried.
"""

from __future__ import annotations

import functools
import hashlib
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.utils import timezone
from ninja.errors import HttpError

from gonghui.cases.models import IdempotencyKey

STALE_AFTER = timedelta(minutes=2)  # a first request that never finished (the process died) frees its key
KEPT_FOR = timedelta(days=2)


def _fingerprint(request) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(request.path.encode())
    digest.update(request.body if not request.FILES else b"")
    for name, upload in sorted(request.FILES.items()):
        digest.update(name.encode())
        digest.update(str(upload.size).encode())
    return digest.hexdigest()


def idempotent(handler):
    """Wrap a ninja handler that returns ``(status, json-able body)``."""

    @functools.wraps(handler)
    def wrapper(request, *args, **kwargs):
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            status, body = handler(request, *args, **kwargs)
            return JsonResponse(body, status=status, safe=False)
        if len(key) > 80:
            raise HttpError(422, "Idempotency-Key 不能超过80个字符。")
        fingerprint = _fingerprint(request)
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(user=request.user, key=key, fingerprint=fingerprint)
        except IntegrityError:
            record = IdempotencyKey.objects.get(user=request.user, key=key)
            if record.fingerprint != fingerprint:
                raise HttpError(422, "该 Idempotency-Key 已用于另一个请求。") from None
            if record.status:
                return JsonResponse(record.body, status=record.status, safe=False,
                                    headers={"Idempotent-Replayed": "true"})
            if timezone.now() - record.created_at < STALE_AFTER:
                raise HttpError(409, "同一请求正在处理中，请稍后再试。") from None
            IdempotencyKey.objects.filter(pk=record.pk).update(created_at=timezone.now())
        try:
            status, body = handler(request, *args, **kwargs)
        except BaseException:
            IdempotencyKey.objects.filter(pk=record.pk).delete()
            raise
        IdempotencyKey.objects.filter(pk=record.pk).update(status=status, body=body)
        return JsonResponse(body, status=status, safe=False)

    return wrapper


def prune() -> int:
    return IdempotencyKey.objects.filter(created_at__lt=timezone.now() - KEPT_FOR).delete()[0]
