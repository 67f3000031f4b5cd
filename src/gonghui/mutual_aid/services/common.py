"""What the writes of medical mutual aid share: the item, the permissions, the checks."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.orgs.scoping import in_scope

from ..models import ITEM_CODE, PERM_ADMIN, PERM_ENROL, PERM_MANAGE, PERM_PAY  # noqa: F401 - the services' names


def _require(actor, perm: str, path: str, what: str) -> None:
    if not (actor.has_perm(perm) and in_scope(actor, path, perm)):
        raise PermissionDenied(f"您没有{what}的权限。")


def _decimal(raw, label: str, key: str = "") -> Decimal:
    """An amount in yuan, or ValidationError keyed by the field (``key``) and worded by its ``label``."""
    key = key or label
    try:
        value = Decimal(str(raw).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({key: f"{label}应为金额数字。"}) from None
    if not value.is_finite() or value < 0 or value > Decimal("10000000"):
        raise ValidationError({key: f"{label}不是有效金额。"})
    return value.quantize(Decimal("0.01"))
