"""What the writes of medical mutual aid share: the item, the permissions, the checks."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied

from gonghui.core.numbers import parse_amount
from gonghui.orgs.scoping import in_scope

from ..models import ITEM_CODE, PERM_ADMIN, PERM_ENROL, PERM_MANAGE, PERM_PAY  # noqa: F401 - the services' names


def _require(actor, perm: str, path: str, what: str) -> None:
    if not (actor.has_perm(perm) and in_scope(actor, path, perm)):
        raise PermissionDenied(f"您没有{what}的权限。")


def _decimal(raw, label: str, key: str = "") -> Decimal:
    """An amount in yuan, or ValidationError keyed by the field (``key``) and worded by its ``label``."""
    return parse_amount(raw, label, key)
