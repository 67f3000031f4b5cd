"""Text messages through a pluggable backend (``SMS_BACKEND`` setting, a dotted path).

The default ``ConsoleSmsBackend`` is for the demo and the tests: it prints the message on the console
(the number masked: the console is the server's log) and appends it to ``<data dir>/sms-outbox.log``
(the backend's own outbox, not the application log, which never holds codes). A real provider is one
setting away: a class with ``send(phone, text)``.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from functools import cache

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from .pii import mask_phone

log = logging.getLogger(__name__)


class ConsoleSmsBackend:
    outbox: list[tuple[str, str]] = []  # (phone, text), for tests in the same process

    def send(self, phone: str, text: str) -> None:
        type(self).outbox.append((phone, text))
        stamp = f"{dt.datetime.now():%Y-%m-%d %H:%M:%S} 短信 →"
        # the console is the server's log: the number masked there, in full in the outbox only
        print(f"{stamp} {mask_phone(phone)}: {text}", file=sys.stderr, flush=True)
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        with open(settings.DATA_DIR / "sms-outbox.log", "a", encoding="utf-8") as fh:
            fh.write(f"{stamp} {phone}: {text}\n")


@cache
def backend():
    return import_string(getattr(settings, "SMS_BACKEND", "gonghui.core.sms.ConsoleSmsBackend"))()


def send(phone: str, text: str) -> None:
    """Send now, in this process (the job below, and the sign-in codes a user waits for)."""
    backend().send(phone, text)


MAX_ATTEMPTS = 5
RETRY_AFTER = (60, 300, 900, 3600)  # seconds before the 2nd, 3rd, ... attempt


def send_later(phone: str, text: str) -> None:
    """Send by the job worker once the caller's transaction commits (never inside the request): a step
    that texts 2,000 workers returns at once, and a text that fails is tried again."""
    transaction.on_commit(lambda: send_job.enqueue(phone, text, 1))


@task()
def send_job(phone: str, text: str, attempt: int = 1) -> None:
    try:
        send(phone, text)
    except Exception:
        if attempt >= MAX_ATTEMPTS:
            log.exception("SMS to %s failed %d times; given up", describe(phone), attempt)
            return
        delay = RETRY_AFTER[min(attempt - 1, len(RETRY_AFTER) - 1)]
        log.warning("SMS to %s failed (attempt %d); tried again in %ds", describe(phone), attempt, delay)
        send_job.using(run_after=timezone.now() + dt.timedelta(seconds=delay)).enqueue(phone, text, attempt + 1)


def describe(phone: str) -> str:
    return mask_phone(phone)
