"""Every write to the union tree and its centres: permission, validation, one transaction, audit.

Nothing else writes these tables except the seed builder and the system administrator's Django admin.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from gonghui.core import audit

from .models import Facility, Org, OrgKind, ServiceCentre
from .scoping import in_scope

_CHILD_KINDS = {
    OrgKind.FEDERATION: {OrgKind.TOWN, OrgKind.SECTOR},
    OrgKind.TOWN: {OrgKind.COMMUNITY, OrgKind.GRASSROOTS},
    OrgKind.SECTOR: {OrgKind.GRASSROOTS},
    OrgKind.COMMUNITY: {OrgKind.GRASSROOTS},
    OrgKind.GRASSROOTS: set(),
}

CENTRE_FIELDS = ("name", "kind", "address", "phone", "opening_hours", "facilities", "fulltime_staff",
                 "is_demonstration", "demonstration_title", "is_active")


def _require_in_scope(actor, org: Org, perm: str) -> None:
    if in_scope(actor, org.path, perm):
        return
    if actor.has_perm(perm):
        raise PermissionDenied("该组织不在您的管辖范围内。")
    raise PermissionDenied("您没有执行此操作的权限。")


def validate_facilities(codes) -> list[str]:
    if not isinstance(codes, list | tuple):
        raise ValidationError({"facilities": "设施必须是列表。"})
    valid = set(Facility.values)
    unknown = [c for c in codes if c not in valid]
    if unknown:
        raise ValidationError({"facilities": f"未知的设施：{'、'.join(map(str, unknown))}"})
    return list(dict.fromkeys(codes))  # keep order, drop repeats


def org_create(*, actor, parent: Org, code: str, name: str, kind: str, short_name: str = "",
               town_type: str = "", address: str = "", phone: str = "") -> Org:
    """Add an organisation below ``parent`` (which must lie in the actor's subtree)."""
    _require_in_scope(actor, parent, "orgs.add_org")
    if kind not in _CHILD_KINDS[OrgKind(parent.kind)]:
        raise ValidationError({"kind": f"{parent.get_kind_display()}下不能设立{OrgKind(kind).label}。"})
    with transaction.atomic():
        parent = Org.objects.select_for_update().get(pk=parent.pk)
        node = Org(code=code, name=name, kind=kind, short_name=short_name, town_type=town_type,
                   address=address, phone=phone)
        node.full_clean(exclude=["path", "depth", "numchild"])
        node = Org.objects.add_child(parent, instance=node)
        audit.record(actor=actor, action="orgs.org_create", obj=node, summary=f"在{parent.name}下新建{name}")
        return node


def centre_create(*, actor, org: Org, **fields) -> ServiceCentre:
    _require_in_scope(actor, org, "orgs.add_servicecentre")
    unknown = set(fields) - set(CENTRE_FIELDS)
    if unknown:
        raise TypeError(f"unknown centre fields: {sorted(unknown)}")
    if "facilities" in fields:
        fields["facilities"] = validate_facilities(fields["facilities"])
    centre = ServiceCentre(org=org, **fields)
    centre.full_clean()
    with transaction.atomic():
        centre.save()
        audit.record(actor=actor, action="orgs.centre_create", obj=centre, summary=f"新建服务阵地{centre.name}")
    return centre


def centre_update(*, actor, centre: ServiceCentre, **fields) -> ServiceCentre:
    _require_in_scope(actor, centre.org, "orgs.change_servicecentre")
    unknown = set(fields) - set(CENTRE_FIELDS)
    if unknown:
        raise TypeError(f"unknown centre fields: {sorted(unknown)}")
    if "facilities" in fields:
        fields["facilities"] = validate_facilities(fields["facilities"])
    with transaction.atomic():
        centre = ServiceCentre.objects.select_for_update().get(pk=centre.pk)
        before = {key: getattr(centre, key) for key in fields}
        for key, value in fields.items():
            setattr(centre, key, value)
        centre.full_clean()
        centre.save(update_fields=[*fields])
        changed = [key for key in fields if before[key] != fields[key]]
        audit.record(actor=actor, action="orgs.centre_update", obj=centre, summary=f"修改服务阵地{centre.name}",
                     changes={"before": {k: before[k] for k in changed}, "after": {k: fields[k] for k in changed}})
    return centre
