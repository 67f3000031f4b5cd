"""Writes to accounts: every one audited."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from gonghui.core import audit

from . import security
from .models import User


def password_changed(*, user: User, request=None) -> None:
    """After the user set a new password: clear the first-login flag, end their other sessions, audit."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(must_change_password=False, password_changed_at=timezone.now())
        user.must_change_password = False
        keep = request.session.session_key if request is not None else None
        ended = security.end_other_sessions(user, keep=keep)
        audit.record(actor=user, action="auth.password_change", obj=user, request=request,
                     summary=f"修改密码（结束其他会话{ended}个）")
