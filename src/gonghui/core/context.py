"""Who acts, from where, with which proof — for services that do not take the web request.

A service function takes the acting user (``actor``) and reads the rest of its circumstances from the
current ``Context``: the client's address (for the audit trail), when the actor last passed the second
factor (for payments and unmasked exports), and the channel. The web middleware sets it for each request
(pages and /api/v1/ alike); a command, a background task or a test sets it with ``acting(Context(…))``.
So the API, a task and a page reach the same service with the same rules.
"""

from __future__ import annotations

import contextlib
import time
from contextvars import ContextVar
from dataclasses import dataclass, replace

#: the session key where the second factor's last success is kept (seconds since the epoch)
SECOND_FACTOR_AT = "gonghui_otp_verified_at"


@dataclass(frozen=True)
class Context:
    address: str | None = None  # the client's IP address, when there is a client
    second_factor_at: float | None = None  # when the actor last passed the second factor
    channel: str = "system"  # web, api, command, task, system

    def second_factor_within(self, seconds: float) -> bool:
        return self.second_factor_at is not None and time.time() - self.second_factor_at <= seconds


_current: ContextVar[Context] = ContextVar("gonghui_context", default=Context())  # noqa: B039 - frozen


def current() -> Context:
    return _current.get()


@contextlib.contextmanager
def acting(context: Context):
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def of_request(request) -> Context:
    session = getattr(request, "session", None)
    at = session.get(SECOND_FACTOR_AT) if session is not None else None
    path = getattr(request, "path", "") or ""
    return Context(address=(getattr(request, "META", {}) or {}).get("REMOTE_ADDR") or None,
                   second_factor_at=at, channel="api" if path.startswith("/api/") else "web")


def second_factor_passed(at: float) -> None:
    """The actor passed the second factor just now: the rest of this web request knows it (outside a
    request nothing changes: a context is only ever set for a block, by ``acting``)."""
    if _current.get().channel in ("web", "api"):
        _current.set(replace(_current.get(), second_factor_at=at))


class ContextMiddleware:
    """Sets the context of each web request (after the session and authentication middleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with acting(of_request(request)):
            return self.get_response(request)
