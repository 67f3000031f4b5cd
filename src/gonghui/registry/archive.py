"""The worker archive (一人一档): sections that modules add to a worker's page.

A module registers a provider in its ``ready()``::

    archive.register("mutual_aid", "医疗互助", provider, order=10)

where ``provider(worker, user)`` returns a list of ``ArchiveEntry`` (already scoped to ``user``). The
worker page lists every section; the case engine will register one section for all cases.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ArchiveEntry:
    date: dt.date | dt.datetime | None
    title: str
    status: str = ""
    url: str = ""


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    provider: Callable
    order: int = 100


_sections: dict[str, Section] = {}


def register(key: str, title: str, provider: Callable, *, order: int = 100) -> None:
    if key in _sections and _sections[key].provider is not provider:
        raise ValueError(f"archive section {key!r} registered twice")
    _sections[key] = Section(key, title, provider, order)


def sections_for(worker, user) -> list[tuple[Section, list[ArchiveEntry]]]:
    return [(s, list(s.provider(worker, user))) for s in sorted(_sections.values(), key=lambda s: s.order)]
