"""Messages to the applicant at each public step: an in-app message on /m/ and a text message through
the SMS backend (core.sms), sent by the job worker after the step commits. The wording is a template of
the item's workflow (``Workflow.messages``), which a service item may override (``ServiceItem.templates``,
declared by its module or edited in the admin). ``{days}{unit}`` reads "20个工作日" or "60日" after the
item's clock."""

from __future__ import annotations

import logging

from django.conf import settings

from gonghui.core import sms

from .models import Message
from .registry import registry
from .states import STANDARD

log = logging.getLogger(__name__)

class _Blank(dict):
    def __missing__(self, key):
        return ""


def render(item, key: str, **context) -> tuple[str, str]:
    # the item's workflow's template; the engine's own messages (e.g. "extended") for a workflow without one
    title, default = registry.workflow_for(item).messages.get(key) or STANDARD.messages[key]
    body = (item.templates or {}).get(key) or default
    try:
        return title, body.format_map(_Blank(item=item.name, **context))
    except (ValueError, IndexError, AttributeError):  # a template edited into something unusable
        log.warning("message template %s/%s is not usable; the default is sent", item.code, key)
        return title, default.format_map(_Blank(item=item.name, **context))


def applicant_user(case):
    from gonghui.registry.models import BindingStatus, WorkerAccount

    account = (WorkerAccount.objects.select_related("user")
               .filter(worker_id=case.applicant_id, status=BindingStatus.BOUND).first())
    return account.user if account else None


def notify_applicant(case, key: str, **context) -> Message | None:
    """Write the in-app message (in the caller's transaction) and have the job worker text the applicant
    once it commits."""
    from .services import time_limit

    days, unit = time_limit(case, context.pop("clock", ""))
    context.setdefault("unit", unit)
    title, body = render(case.item, key, number=case.number, days=days, **context)
    user = applicant_user(case)
    message = Message.objects.create(recipient=user, case=case, title=title, body=body) if user else None
    phone = user.username if user and user.username.isdigit() else case.applicant.phone
    if phone:
        sms.send_later(phone, f"【{settings.PLATFORM_NAME}】{body}")
    return message


def notify_centre(case, key: str, **context) -> int:
    """An in-app message to the staff who handle cases at the case's organisation (its centre): a new or
    resubmitted case, a poor rating. Returns how many were written."""
    from gonghui.accounts.models import RoleAssignment

    from .services import time_limit

    days, unit = time_limit(case)
    context.setdefault("unit", unit)
    title, body = render(case.item, key, number=case.number, days=days, applicant=case.applicant.name, **context)
    users = set(RoleAssignment.objects.filter(org_id=case.org_id, role__permissions__codename="handle_case",
                                              role__permissions__content_type__app_label="cases")
                .values_list("user_id", flat=True))
    Message.objects.bulk_create([Message(recipient_id=u, case=case, title=title, body=body) for u in sorted(users)])
    return len(users)


def notify_staff(user, *, title: str, body: str, case=None) -> Message:
    return Message.objects.create(recipient=user, case=case, title=title, body=body)
