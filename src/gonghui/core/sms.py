"""Text messages through a pluggable backend (``SMS_BACKEND`` setting, a dotted path).

The default ``ConsoleSmsBackend`` is for the demo and the tests: it prints the message on the console
(the number masked: the console is the server's log) and appends it to ``<data dir>/sms-outbox.log``
(the backend's own outbox, not the application log, which never holds codes). A real provider is one
setting away: a class with ``send(phone, text)``.
"""

from __future__ import annotations

import datetime as dt
import sys
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from .pii import mask_phone


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
    backend().send(phone, text)


def describe(phone: str) -> str:
    return mask_phone(phone)
