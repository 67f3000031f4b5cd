"""Messages to the applicant at each public step: an in-app message on /m/ and a text message through
the SMS backend (core.sms). The wording is a template per step, which a service item may override
(``ServiceItem.templates``, edited in the admin)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction

from gonghui.core import sms

from .models import Message

log = logging.getLogger(__name__)

DEFAULT_TEMPLATES = {
    "accepted": ("已受理", "您申请的“{item}”（{number}）已受理，承诺{days}个工作日内办结。"),
    "returned": ("需要补正", "您申请的“{item}”（{number}）需要补正：{fix}。请登录“我的办件”一次补齐后重新提交。"),
    "approved": ("审核通过", "您申请的“{item}”（{number}）已审核通过。"),
    "fulfilled": ("已办结", "您申请的“{item}”（{number}）已办结，欢迎对本次服务进行评价。"),
    "not_accepted": ("不予受理", "您申请的“{item}”（{number}）不予受理，原因：{reason}。"),
    "denied": ("未予核准", "您申请的“{item}”（{number}）未予核准，原因：{reason}。"),
    "extended": ("办理时限延长", "您申请的“{item}”（{number}）办理时限延长{extra}天，理由：{reason}。"),
    "payment_failed": ("支付失败，请更正银行卡",
                       "您申请的“{item}”（{number}）补助金支付失败：{reason}。请登录“我的办件”更正银行卡信息。"),
}


class _Blank(dict):
    def __missing__(self, key):
        return ""


def render(item, key: str, **context) -> tuple[str, str]:
    title, body = DEFAULT_TEMPLATES[key]
    body = (item.templates or {}).get(key) or body
    try:
        return title, body.format_map(_Blank(item=item.name, **context))
    except (ValueError, IndexError, AttributeError):  # a template edited into something unusable
        log.warning("message template %s/%s is not usable; the default is sent", item.code, key)
        return title, DEFAULT_TEMPLATES[key][1].format_map(_Blank(item=item.name, **context))


def applicant_user(case):
    from gonghui.registry.models import BindingStatus, WorkerAccount

    account = (WorkerAccount.objects.select_related("user")
               .filter(worker_id=case.applicant_id, status=BindingStatus.BOUND).first())
    return account.user if account else None


def notify_applicant(case, key: str, **context) -> Message | None:
    """Write the in-app message (in the caller's transaction) and text the applicant once it commits."""
    title, body = render(case.item, key, number=case.number, days=case.item.time_limit_days, **context)
    user = applicant_user(case)
    message = Message.objects.create(recipient=user, case=case, title=title, body=body) if user else None
    phone = user.username if user and user.username.isdigit() else case.applicant.phone
    if phone:
        text = f"【{settings.PLATFORM_NAME}】{body}"
        transaction.on_commit(lambda: _send(phone, text))
    return message


def _send(phone: str, text: str) -> None:
    try:
        sms.send(phone, text)
    except Exception:  # the case has moved on; a text that could not go out is logged, not fatal
        log.exception("SMS to %s failed", sms.describe(phone))


def notify_staff(user, *, title: str, body: str, case=None) -> Message:
    return Message.objects.create(recipient=user, case=case, title=title, body=body)
