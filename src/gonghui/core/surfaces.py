"""What the modules contribute to the four surfaces, registered in each app's ``ready()``: their pages
(a URL file mounted under ``/desk/``, ``/m/`` or ``/dash/``), their ``/api/v1/`` routers and their
``/dash/`` panels. ``urls.py`` and the ``NinjaAPI`` read this registry and name no module; the
navigation entries live beside it (core.navigation).

    surfaces.pages("desk", "legal/", "gonghui.legal.urls")
    surfaces.api_router("gonghui.legal.api.router")
    surfaces.panel("legal", "法律援助", "gonghui.legal.panels.summary", permission="cases.view_case",
                   url_name="legal_dash:figures")

A panel is a function ``(user, period) -> dict`` returning ``{"figures": [(label, value, url)], ...}``
scoped to ``user``; the leaders' home page (/dash/) lists the panels the user may see.

A module's daily work (reminders, lapses) is registered the same way and run by the engine's daily job
(``cases_daily``) after its own sweep::

    surfaces.daily("assistance", "gonghui.assistance.tasks.daily")   # (on: date) -> {name: count}
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.module_loading import import_string

PREFIXES = {"desk": "desk/", "m": "m/", "dash": "dash/"}


@dataclass(frozen=True)
class Pages:
    surface: str
    prefix: str  # below the surface's own prefix, e.g. "mutual-aid/"
    urlconf: str  # dotted path of a URL module (with its ``app_name``)
    order: int = 100


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    render: str  # dotted path of ``(user, period) -> dict``
    permission: str = ""
    url_name: str = ""  # the module's own page behind the panel
    order: int = 100

    def figures(self, user, period=None) -> dict:
        return import_string(self.render)(user, period)


_pages: list[Pages] = []
_routers: list[str] = []
_panels: dict[str, Panel] = {}
_daily: dict[str, str] = {}


def pages(surface: str, prefix: str, urlconf: str, *, order: int = 100) -> None:
    if surface not in PREFIXES:
        raise ValueError(f"unknown surface {surface!r}")
    entry = Pages(surface, prefix, urlconf, order)
    if entry not in _pages:
        _pages.append(entry)


def api_router(path: str) -> None:
    """A django-ninja ``Router`` (dotted path), added to /api/v1/ at its root."""
    if path not in _routers:
        _routers.append(path)


def panel(key: str, title: str, render: str, *, permission: str = "", url_name: str = "", order: int = 100) -> None:
    entry = Panel(key, title, render, permission, url_name, order)
    if key in _panels and _panels[key] != entry:
        raise ValueError(f"/dash/ panel {key!r} registered twice")
    _panels[key] = entry


def urlpatterns() -> list:
    """Every registered URL file, mounted under its surface, in registration order within ``order``."""
    from django.urls import include, path

    return [path(PREFIXES[p.surface] + p.prefix, include(p.urlconf))
            for p in sorted(_pages, key=lambda p: p.order)]


def routers() -> list:
    return [import_string(path) for path in _routers]


def panels(user=None) -> list[Panel]:
    """The /dash/ panels ``user`` may see, in order."""
    return sorted((p for p in _panels.values()
                   if not p.permission or (user is not None and user.has_perm(p.permission))),
                  key=lambda p: (p.order, p.key))


def daily(key: str, path: str) -> None:
    """A module's daily job: ``(on: date) -> {name: count}`` (dotted path), run once a day by cases_daily."""
    if key in _daily and _daily[key] != path:
        raise ValueError(f"daily job {key!r} registered twice")
    _daily[key] = path


def daily_jobs() -> list[tuple[str, object]]:
    return [(key, import_string(path)) for key, path in sorted(_daily.items())]
