"""In-app messages for any app below the case engine (the registry tells a worker their binding was
decided): the messages live with the case engine (cases.Message), which provides the delivery at start-up,
so a lower layer sends without importing a higher one."""

from __future__ import annotations

from collections.abc import Callable

_deliver: Callable[..., object] | None = None


def provide(deliver: Callable[..., object]) -> None:
    """``deliver(user, title, body)`` writes one message (in the caller's transaction)."""
    global _deliver
    _deliver = deliver


def deliver(user, title: str, body: str) -> None:
    if _deliver is not None and user is not None:
        _deliver(user, title, body)
