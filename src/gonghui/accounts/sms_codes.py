"""One-time SMS codes that prove a phone: issue and check, with the limits the issue sets."""

from __future__ import annotations

import secrets

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gonghui.core import audit, sms

from .models import SmsCode

VALID_MINUTES = 5
MAX_WRONG = 5
MAX_PER_HOUR = 5
MAX_PER_ADDRESS_HOUR = 20  # texts asked for from one address (a script trying numbers)
PURPOSES = {"register": "注册", "reset": "找回密码"}


def _throttle(phone: str, request) -> str | None:
    """Refuse a sixth text to one number, or a 21st from one address, within the hour."""
    from gonghui.core.audit import client_ip

    since = timezone.now() - timezone.timedelta(hours=1)
    if SmsCode.objects.filter(phone=phone, created_at__gte=since).count() >= MAX_PER_HOUR:
        raise ValidationError("该手机号一小时内获取验证码次数过多，请稍后再试。")
    address = client_ip(request) if request is not None else None
    if address and SmsCode.objects.filter(address=address, created_at__gte=since).count() >= MAX_PER_ADDRESS_HOUR:
        raise ValidationError("获取验证码过于频繁，请稍后再试。")
    return address


def notice_send(*, phone: str, text: str, request=None) -> None:
    """A text without a code (the registration page's answer for a number already registered), counted
    against the same limits as a code so that the page answers the same way either way."""
    address = _throttle(phone, request)
    with transaction.atomic():
        SmsCode.objects.create(phone=phone, purpose="notice", code_hash="", address=address,
                               expires_at=timezone.now(), used_at=timezone.now())
        audit.record(actor=None, action="auth.sms_notice", request=request, object_type="phone",
                     object_id=sms.describe(phone), summary=f"发送提醒短信至{sms.describe(phone)}")
    sms.send(phone, text)


def code_send(*, phone: str, purpose: str, request=None) -> None:
    if purpose not in PURPOSES:
        raise ValueError(purpose)
    address = _throttle(phone, request)
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        SmsCode.objects.filter(phone=phone, purpose=purpose, used_at__isnull=True).update(used_at=timezone.now())
        SmsCode.objects.create(phone=phone, purpose=purpose, code_hash=make_password(code), address=address,
                               expires_at=timezone.now() + timezone.timedelta(minutes=VALID_MINUTES))
        audit.record(actor=None, action="auth.sms_code", request=request, object_type="phone",
                     object_id=sms.describe(phone), summary=f"发送{PURPOSES[purpose]}验证码至{sms.describe(phone)}")
    sms.send(phone, f"【工会服务平台】您的{PURPOSES[purpose]}验证码是 {code}，"
                    f"{VALID_MINUTES}分钟内有效。请勿告诉他人。")


def code_check(*, phone: str, purpose: str, code: str) -> None:
    """Use up the current code if ``code`` matches; raise ValidationError with the reason otherwise.

    A wrong try is counted (committed) before the error is raised."""
    error = ""
    with transaction.atomic():
        row = (SmsCode.objects.select_for_update().filter(phone=phone, purpose=purpose, used_at__isnull=True)
               .order_by("-created_at").first())
        if row is None or row.expires_at <= timezone.now():
            error = "验证码已失效，请重新获取。"
        elif row.wrong_tries >= MAX_WRONG:
            error = "验证码错误次数过多，已作废，请重新获取。"
        elif not check_password(code.strip(), row.code_hash):
            SmsCode.objects.filter(pk=row.pk).update(wrong_tries=row.wrong_tries + 1)
            left = MAX_WRONG - row.wrong_tries - 1
            error = f"验证码不正确，还可尝试{left}次。" if left else "验证码错误次数过多，已作废，请重新获取。"
        else:
            SmsCode.objects.filter(pk=row.pk).update(used_at=timezone.now())
    if error:
        raise ValidationError(error)
