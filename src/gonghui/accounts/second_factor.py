"""The second factor: TOTP (django-otp) with one-time recovery codes, and step-up checks.

- Enrolment: a TOTP device is created unconfirmed, shown as a QR code and its secret, and confirmed by
  the first code the user types; ten recovery codes are then shown once (django-otp's static device).
- Sign-in: a user with a confirmed device proves it after the password before reaching any page; a
  user whose role requires it (the three administrators, finance) is sent to enrolment first.
- Step-up: unmasking a personal number, a full export, changing a bank card or approving a payment
  needs a code entered within the last five minutes (``require_recent``); the page asks for it again.
"""

from __future__ import annotations

import time

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from gonghui.core import audit, context

STEP_UP_SECONDS = 5 * 60
VERIFIED_AT = context.SECOND_FACTOR_AT
RECOVERY_CODES = 10


class StepUpRequired(PermissionDenied):
    """The action needs a second-factor code entered within the last five minutes."""


def requires_second_factor(user) -> bool:
    if not user.is_authenticated:
        return False
    from .models import RoleAssignment

    return RoleAssignment.objects.filter(user=user, role__requires_2fa=True).exists()


def session_satisfied(user) -> bool:
    """Whether a signed-in session may see business data: a user with an authenticator has proved it in this
    session; a user whose role requires one has enrolled (and then proved it). The one rule for every way
    in with a session: pages, htmx fragments, downloads and the API (web.api_auth)."""
    if has_device(user):
        return user.is_verified()
    return not requires_second_factor(user)


def has_device(user) -> bool:
    return user.is_authenticated and user_has_device(user, confirmed=True)


def start_enrolment(user, *, renew: bool = False) -> TOTPDevice:
    """The unconfirmed TOTP device being enrolled. It is kept until it is confirmed or the user asks for a
    new one (``renew``): reloading the page, a wrong code, or a request the browser makes on its own (the
    favicon) must never replace the secret the user has just scanned."""
    if not renew:
        pending = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
        if pending is not None:
            return pending
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="手机验证器", confirmed=False)


def confirm_enrolment(*, request, code: str) -> list[str] | None:
    """Confirm the pending device with ``code``; returns the new recovery codes, or None if wrong."""
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        return None
    # the pending device is kept across wrong codes now: no back-off before the user has even enrolled
    # (throttling protects a confirmed device against guessing; this one guards nothing yet)
    device.throttle_reset(commit=False)
    if not device.verify_token(code.strip()):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save()
        StaticDevice.objects.filter(user=user).delete()
        static = StaticDevice.objects.create(user=user, name="恢复码", confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
        audit.record(actor=user, action="auth.2fa_enrol", obj=user, request=request, summary="启用双因素认证")
    otp_login(request, device)
    request.session[VERIFIED_AT] = time.time()
    return codes


def verify(*, request, code: str) -> bool:
    """Check a TOTP or recovery code for the signed-in user; audited either way."""
    user = request.user
    device = match_token(user, code.strip().replace(" ", ""))
    if device is None:
        audit.record(actor=user, action="auth.2fa_failed", obj=user, request=request, summary="双因素验证码错误")
        return False
    otp_login(request, device)
    request.session[VERIFIED_AT] = time.time()
    context.second_factor_passed(request.session[VERIFIED_AT])
    kind = "恢复码" if isinstance(device, StaticDevice) else "动态验证码"
    audit.record(actor=user, action="auth.2fa_verify", obj=user, request=request, summary=f"通过{kind}验证")
    return True


def recently_verified(request=None, *, within=None) -> bool:
    """Whether the second factor was passed in the last five minutes: by the request's session, or
    (without a request: a service, the API, a task) by the context given or the current one
    (core.context)."""
    if request is None:
        return (within or context.current()).second_factor_within(STEP_UP_SECONDS)
    at = request.session.get(VERIFIED_AT) if hasattr(request, "session") else None
    return at is not None and time.time() - at <= STEP_UP_SECONDS


def require_recent(request, what: str, *, context=None) -> None:
    """Raise StepUpRequired unless a second-factor code was entered in the last five minutes (``request``
    may be None: ``context``, else the current context, then tells)."""
    if not recently_verified(request, within=context):
        raise StepUpRequired(f"{what}前需要再次输入双因素验证码（5分钟内有效）。")


class SecondFactorMiddleware:
    """After the password: prove the second factor, or enrol first when the role requires one."""

    # /api/ answers for itself (web.api_auth: the session's same rule, as a 403 in JSON; a bearer token is a
    # credential of its own, issued by the system administrator)
    allowed = ("/desk/2fa/", "/desk/logout/", "/m/", "/static/", "/healthz", "/api/", "/desk/password/",
               "/favicon.ico", "/robots.txt")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and not request.path.startswith(self.allowed)
                and not getattr(request, "api_token", None)):
            if not session_satisfied(user):
                if has_device(user):
                    return _refuse(request) or redirect(f"/desk/2fa/verify/?next={request.path}")
                return _refuse(request) or redirect("/desk/2fa/setup/")
        return self.get_response(request)


def _refuse(request):
    """Only a page the user opens is sent to the second factor; a request the browser or a script makes on
    its own (an image, a script, an htmx call, a form posted from an old tab) is refused instead of being
    redirected, so that it never lands on the enrolment page behind the user's back."""
    from django.http import HttpResponseForbidden

    destination = request.headers.get("Sec-Fetch-Dest", "document")
    if request.method in ("GET", "HEAD") and destination in ("document", "") and not request.headers.get(
            "HX-Request"):
        return None
    return HttpResponseForbidden("请先完成双因素认证。", content_type="text/plain; charset=utf-8")

