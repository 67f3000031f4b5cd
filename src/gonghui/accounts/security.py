"""Sign-in security: lockout answers, IP throttle, session lifetime, password policy, auth audit events.

- Lockout by username is django-axes (5 failures → 30 minutes, counted per username so that a password
  guesser cannot hop between addresses). ``lockout_response`` tells the user until when.
- Throttle by IP: more than ``IP_FAILURES_PER_10_MIN`` failed sign-ins from one address in ten minutes
  refuses further attempts from it for a while (read from axes' failure log, so no second counter).
- Sessions: idle ones expire after 30 minutes (``SESSION_COOKIE_AGE`` with a save on every request),
  any session after 12 hours (``SessionLifetimeMiddleware``); signing out or changing the password ends
  the user's other sessions.
- Auth events (sign-in, failure, lockout, sign-out, password change) go to the audit trail. Django's auth
  signals are the only place these events surface, so they are recorded from there — nothing else
  happens in these receivers.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.shortcuts import redirect, render
from django.utils import timezone

from gonghui.core import audit

ABSOLUTE_SESSION_SECONDS = 12 * 3600
IP_FAILURES_PER_10_MIN = 30
LOGIN_AT = "gonghui_login_at"


# --- lockout and throttle -------------------------------------------------------------------------

def locked_until(username: str) -> dt.datetime | None:
    """When the lockout of ``username`` ends, or None. Axes keeps one row per address the attempts came
    from; the lockout counts them all."""
    from axes.models import AccessAttempt
    from django.db.models import Max, Sum

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    totals = AccessAttempt.objects.filter(username=username, attempt_time__gte=since).aggregate(
        failures=Sum("failures_since_start"), last=Max("attempt_time"))
    if not totals["failures"] or totals["failures"] < settings.AXES_FAILURE_LIMIT:
        return None
    return totals["last"] + settings.AXES_COOLOFF_TIME


def lockout_response(request, original_response=None, credentials=None):
    """What a locked-out user sees: that the account is locked, and until when."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    until = locked_until(username) or timezone.now() + settings.AXES_COOLOFF_TIME
    message = (f"连续{settings.AXES_FAILURE_LIMIT}次密码错误，账号已锁定，"
               f"请于 {timezone.localtime(until):%H:%M} 后再试，或联系管理员解锁。")
    template = "m/locked.html" if request.path.startswith("/m/") else "desk/locked.html"
    return render(request, template, {"message": message, "until": until}, status=429)


def ip_throttled(request) -> bool:
    from axes.models import AccessFailureLog

    since = timezone.now() - dt.timedelta(minutes=10)
    ip = audit.client_ip(request)
    return AccessFailureLog.objects.filter(ip_address=ip, attempt_time__gte=since).count() >= IP_FAILURES_PER_10_MIN


# --- sessions -------------------------------------------------------------------------------------

class SessionLifetimeMiddleware:
    """End any session 12 hours after sign-in, however active it was."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(LOGIN_AT)
            if started is None or timezone.now().timestamp() - started > ABSOLUTE_SESSION_SECONDS:
                audit.record(actor=user, action="auth.session_expired", request=request,
                             summary="会话超过12小时，已自动退出")
                logout(request)
                return redirect(("/m/login/" if request.path.startswith("/m/") else settings.LOGIN_URL_PATH)
                                + "?expired=1")
        return self.get_response(request)


def end_other_sessions(user, keep: str | None = None) -> int:
    """Delete every session of ``user`` but ``keep``; returns how many ended."""
    from .models import UserSession

    keys = list(UserSession.objects.filter(user=user).exclude(session_key=keep or "")
                .values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user, session_key__in=keys).delete()
    return len(keys)


# --- password policy ------------------------------------------------------------------------------

class CharacterClassesValidator:
    """At least three of: lower-case letters, upper-case letters, digits, other characters."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        classes = sum(bool(re.search(p, password)) for p in (r"[a-z]", r"[A-Z]", r"\d", r"[^A-Za-z0-9]"))
        if classes < self.min_classes:
            raise ValidationError("密码须包含大写字母、小写字母、数字、符号中的至少三类。", code="password_classes")

    def get_help_text(self):
        return "密码须包含大写字母、小写字母、数字、符号中的至少三类。"


class PasswordHistoryValidator:
    """Not one of the user's last ``count`` passwords; remembers each new one."""

    def __init__(self, count: int = 5):
        self.count = count

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        from django.contrib.auth.hashers import check_password

        from .models import PasswordHistory

        recent = list(PasswordHistory.objects.filter(user=user).order_by("-created_at")
                      .values_list("password", flat=True)[: self.count])
        # the current one counts too (accounts made by create_user never passed through password_changed)
        from django.contrib.auth import get_user_model

        current = get_user_model().objects.filter(pk=user.pk).values_list("password", flat=True).first()
        if any(check_password(password, old) for old in {*recent, current} if old):
            raise ValidationError(f"不能使用最近{self.count}次用过的密码。", code="password_reused")

    def password_changed(self, password, user=None):
        if user is None or user.pk is None:
            return
        from .models import PasswordHistory

        PasswordHistory.objects.create(user=user, password=user.password)
        keep = PasswordHistory.objects.filter(user=user).order_by("-created_at").values_list("pk", flat=True)
        PasswordHistory.objects.filter(user=user).exclude(pk__in=list(keep[: self.count])).delete()

    def get_help_text(self):
        return f"不能与最近{self.count}次用过的密码相同。"


class PasswordChangeRequiredMiddleware:
    """Staff whose password was set by someone else change it before anything else."""

    allowed = ("/desk/password/", "/desk/logout/", "/m/logout/", "/static/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and getattr(user, "must_change_password", False)
                and not request.path.startswith(self.allowed)):
            return redirect("desk:password_change")
        return self.get_response(request)


# --- audit of auth events -------------------------------------------------------------------------

@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    from .models import UserSession

    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT] = timezone.now().timestamp()
        if not request.session.session_key:
            request.session.save()
        UserSession.objects.update_or_create(session_key=request.session.session_key, defaults={"user": user})
    audit.record(actor=user, action="auth.login", request=request, summary="登录成功")


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str((credentials or {}).get("username", ""))[:150]
    audit.record(actor=None, action="auth.login_failed", request=request, object_type="auth.user",
                 object_id=username[:64], summary=f"登录失败：{username[:40]}")


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is None:
        return
    ended = end_other_sessions(user)
    audit.record(actor=user, action="auth.logout", request=request, summary=f"退出登录（同时结束{ended}个会话）")


def _register_axes_signal():
    from axes.signals import user_locked_out

    @receiver(user_locked_out, weak=False)
    def _locked_out(sender, request, username, ip_address, **kwargs):
        audit.record(actor=None, action="auth.lockout", request=request, object_type="auth.user",
                     object_id=str(username)[:64], summary=f"账号{str(username)[:40]}因连续登录失败被锁定")


_register_axes_signal()


class DeskAccessMiddleware:
    """The workbench is for people who hold a role somewhere: a signed-in worker (or a staff member whose
    roles were all revoked) gets the "no role" page on every /desk/ path, not an empty workbench. A partner
    (assignment-scoped role) works on /desk/ with the cases assigned to them; the leaders' figures on /dash/
    are for roles over a part of the tree."""

    open_paths = ("/desk/login/", "/desk/logout/", "/desk/password/", "/desk/2fa/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (request.path.startswith(("/desk/", "/dash/")) and not request.path.startswith(self.open_paths)
                and user is not None and user.is_authenticated):
            from .backends import assigned_grants, role_grants

            if not (role_grants(user) or (request.path.startswith("/desk/") and assigned_grants(user))):
                return render(request, "desk/no_org.html", status=403)
        return self.get_response(request)
