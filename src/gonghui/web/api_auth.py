"""Authentication of /api/v1/: a partner's bearer token, or the browser's session."""

from __future__ import annotations

from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from gonghui.accounts import tokens
from gonghui.accounts.models import ApiToken


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        row = tokens.token_check(token)
        if row is None:
            return None
        if tokens.rate_limited(row):
            raise HttpError(429, "请求过于频繁，请稍后再试。")
        if row.last_used_at is None or (timezone.now() - row.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        request.api_token = row
        return row.user


class SessionWithSecondFactor(SessionAuth):
    """The browser's session, bound by the rule the pages are: signed in with the password only, a user who
    has an authenticator (or whose role requires one: the administrators, finance) reads nothing until the
    second factor is passed on the workbench."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None:
            return None
        from gonghui.accounts import second_factor

        if not second_factor.session_satisfied(user):
            raise HttpError(403, "请先在工作台完成双因素认证。")
        return user


def require_scope(request, scope: str) -> None:
    """A token must carry ``scope``; a signed-in browser session is bound by roles alone."""
    row = getattr(request, "api_token", None)
    if row is not None and scope not in row.scopes:
        raise HttpError(403, f"该令牌无“{tokens.SCOPES.get(scope, scope)}”权限。")
