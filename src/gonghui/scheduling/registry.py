"""The scheduled services the modules declare (``declare`` in their ``AppConfig.ready``); after every
``migrate`` the missing ones become ``Service`` rows, whose rules the administrator may then change."""

from __future__ import annotations

_declared: dict[str, dict] = {}
#: a module's record of a booking (a visit, a screening result, a counselling note): service code →
#: (label, url name taking the booking's pk); linked on the session page for the session's providers
_records: dict[str, tuple[str, str, str]] = {}


def record(code: str, label: str, url_name: str, m_url_name: str = "") -> None:
    """``url_name`` (desk, taking the booking's pk) for the providers; ``m_url_name`` (no argument) the
    worker's own records on /m/."""
    _records[code] = (label, url_name, m_url_name)


def record_of(code: str) -> tuple[str, str, str] | None:
    return _records.get(code)


def declare(code: str, name: str, module: str, **rules) -> None:
    if code in _declared and _declared[code] != {"name": name, "module": module, **rules}:
        raise ValueError(f"scheduled service {code!r} declared twice")
    _declared[code] = {"name": name, "module": module, **rules}


def declared() -> dict[str, dict]:
    return dict(_declared)


def sync(**kwargs) -> None:
    """post_migrate: create the declared services that are missing (an existing row keeps its rules)."""
    from django.db import connections

    from .models import Service

    using = kwargs.get("using", "default")
    if Service._meta.db_table not in connections[using].introspection.table_names():
        return
    existing = set(Service.objects.using(using).values_list("code", flat=True))
    Service.objects.using(using).bulk_create(
        [Service(code=code, **spec) for code, spec in _declared.items() if code not in existing])


def service(code: str):
    from .models import Service

    return Service.objects.get(code=code)
