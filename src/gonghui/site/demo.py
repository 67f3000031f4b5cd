"""The demo city as a whole: the union tree and centres (orgs) and the demo staff accounts (accounts)."""

from __future__ import annotations

from django.db import transaction

from gonghui.accounts.demo_accounts import ensure_demo_accounts
from gonghui.orgs.demo_city import build_tree


def build_city(scale_name: str = "demo") -> dict[str, int]:
    """Build the city at ``scale_name`` unless it exists; return what was created."""
    with transaction.atomic():
        created = build_tree(scale_name)
        created["accounts"] = len(ensure_demo_accounts())
    return created
