"""API tokens for partner systems: issue, check, revoke, rate-limit.

A token reads ``gh_<prefix>_<secret>``. The database keeps the prefix and SHA-256 of the whole token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.core.cache import caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from gonghui.core import audit

from .models import ApiToken, User

SCOPES = {
    "registry:read": "读取企业与职工（脱敏）",
    "imports:write": "上传导入文件",
    "cases:read": "读取办件（服务事项、办件列表、详情、时间线）",
    "cases:write": "办理办件（申请、上传材料、办理环节）",
}
DEFAULT_SCOPES = ["registry:read"]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_issue(*, actor, user: User, name: str, scopes: list[str] | None = None, days: int = 90,
                rate_per_minute: int = 120, request=None) -> tuple[ApiToken, str]:
    """Issue a token; returns the row and the secret token, which is shown once and never stored."""
    if actor is not None and not actor.has_perm("accounts.add_apitoken"):
        raise PermissionDenied("您没有签发接口令牌的权限。")
    scopes = list(scopes or DEFAULT_SCOPES)
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown:
        raise ValidationError(f"未知的接口范围：{'、'.join(unknown)}")
    if not 1 <= days <= 366:
        raise ValidationError("有效期应为1至366天。")
    prefix = secrets.token_hex(4)
    token = f"gh_{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        row = ApiToken.objects.create(user=user, name=name[:100], prefix=prefix, token_hash=_digest(token),
                                      scopes=scopes, rate_per_minute=rate_per_minute, created_by=actor,
                                      expires_at=timezone.now() + timezone.timedelta(days=days))
        audit.record(actor=actor, action="accounts.token_issue", obj=row, request=request,
                     summary=f"为{user}签发接口令牌“{row.name}”（{'、'.join(scopes)}，{days}天）")
    return row, token


def token_revoke(*, actor, token: ApiToken, request=None) -> None:
    if actor is not None and not actor.has_perm("accounts.change_apitoken"):
        raise PermissionDenied("您没有撤销接口令牌的权限。")
    with transaction.atomic():
        if ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now()):
            audit.record(actor=actor, action="accounts.token_revoke", obj=token, request=request,
                         summary=f"撤销接口令牌“{token.name}”")


def token_check(raw: str) -> ApiToken | None:
    """The live token for ``raw``, or None (unknown, wrong secret, expired, revoked, inactive user)."""
    parts = raw.split("_")
    if len(parts) < 3 or parts[0] != "gh":
        return None
    row = ApiToken.objects.select_related("user").filter(prefix=parts[1]).first()
    if row is None or not hmac.compare_digest(row.token_hash, _digest(raw)):
        return None
    if row.revoked_at is not None or row.expires_at <= timezone.now() or not row.user.is_active:
        return None
    return row


def rate_limited(row: ApiToken) -> bool:
    """True when the token made more than its per-minute allowance in the current minute."""
    cache = caches["ratelimit"]  # settings.CACHES: Redis when shared, else this process's memory
    key = f"api-rate:{row.prefix}:{int(timezone.now().timestamp() // 60)}"
    if cache.add(key, 1, 90):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:
            cache.set(key, 1, 90)
            count = 1
    return count > row.rate_per_minute
