"""Navigation entries of the surfaces (/desk/ and /m/), registered by each module in its ``ready()``.

A module adds its pages with ``navigation.register("desk", ...)``; the layouts render whatever is
registered, in ``order``. The registry is filled at start-up and read-only afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

SURFACES = ("desk", "m")


@dataclass(frozen=True)
class NavEntry:
    surface: str
    key: str
    label: str
    url_name: str
    icon: str = ""
    order: int = 100
    description: str = ""
    permission: str = ""  # shown only to users holding it
    tab: bool = True  # /m/: in the bottom tab bar (False: only on the home page's grid of services)
    badge: str = ""  # dotted path of ``(user) -> int``: a count shown on the entry (e.g. unread messages)

    def badge_for(self, user) -> int:
        if not self.badge or user is None or not user.is_authenticated:
            return 0
        from django.utils.module_loading import import_string

        return import_string(self.badge)(user)


_entries: dict[str, dict[str, NavEntry]] = {surface: {} for surface in SURFACES}


def register(surface: str, key: str, label: str, url_name: str, *, icon: str = "", order: int = 100,
             description: str = "", permission: str = "", tab: bool = True, badge: str = "") -> None:
    if surface not in _entries:
        raise ValueError(f"unknown surface {surface!r}")
    if key in _entries[surface] and _entries[surface][key].url_name != url_name:
        raise ValueError(f"navigation key {key!r} registered twice on {surface}")
    _entries[surface][key] = NavEntry(surface, key, label, url_name, icon, order, description, permission, tab,
                                      badge)


def entries(surface: str, user=None) -> list[NavEntry]:
    return sorted((e for e in _entries[surface].values()
                   if not e.permission or (user is not None and user.has_perm(e.permission))),
                  key=lambda e: (e.order, e.key))
