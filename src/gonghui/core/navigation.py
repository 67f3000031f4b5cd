"""Navigation entries of the surfaces (/desk/ and /m/), registered by each module in its ``ready()``.

A module adds its pages with ``navigation.register("desk", ...)``; the layouts render whatever is
registered, in ``order``. The registry is filled at start-up and read-only afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
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
    partners: bool = False  # shown to partners too (whose permissions reach only what is assigned to them)

    def badge_for(self, user) -> int:
        if not self.badge or user is None or not user.is_authenticated:
            return 0
        from django.utils.module_loading import import_string

        return import_string(self.badge)(user)


_entries: dict[str, dict[str, NavEntry]] = {surface: {} for surface in SURFACES}


#: ``(user, perm, partners) -> bool``: whether the user may see an entry needing ``perm``. The accounts app
#: provides it: a partner's permissions hold only on what is assigned to them, so they see only the entries
#: registered with ``partners=True`` (their queue, their messages), not a module's whole-subtree pages.
_may_see: Callable[[object, str, bool], bool] | None = None


def provide_check(check: Callable[[object, str, bool], bool]) -> None:
    global _may_see
    _may_see = check


def register(surface: str, key: str, label: str, url_name: str, *, icon: str = "", order: int = 100,
             description: str = "", permission: str = "", tab: bool = True, badge: str = "",
             partners: bool = False) -> None:
    if surface not in _entries:
        raise ValueError(f"unknown surface {surface!r}")
    if key in _entries[surface] and _entries[surface][key].url_name != url_name:
        raise ValueError(f"navigation key {key!r} registered twice on {surface}")
    _entries[surface][key] = NavEntry(surface, key, label, url_name, icon, order, description, permission, tab,
                                      badge, partners)


def _shown(entry: NavEntry, user) -> bool:
    if not entry.permission:
        return True
    if user is None:
        return False
    if _may_see is not None:
        return _may_see(user, entry.permission, entry.partners)
    return user.has_perm(entry.permission)


def entries(surface: str, user=None) -> list[NavEntry]:
    return sorted((e for e in _entries[surface].values() if _shown(e, user)), key=lambda e: (e.order, e.key))
