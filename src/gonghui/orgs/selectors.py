"""Reads of the union tree and its centres, always scoped to the user's subtree."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from .models import CentreKind, Org, OrgKind, ServiceCentre
from .scoping import scope_paths, subtree_q


def org_get(*, user, pk: int) -> Org:
    """An organisation in the user's subtree; 404 otherwise (outside the subtree does not exist)."""
    try:
        return Org.objects.visible_to(user).get(pk=pk)
    except (Org.DoesNotExist, ValueError, TypeError):
        raise Http404("组织不存在") from None


def home_org(*, user) -> Org | None:
    """Where the user's workbench opens: the top-most organisation where they may see the tree."""
    paths = scope_paths(user, "orgs.view_org")
    if not paths:
        return None
    return Org.objects.filter(path=min(paths, key=len)).first()


def org_breadcrumbs(*, user, org: Org) -> list[Org]:
    """The org's ancestors down from the top of the user's scope (never above it), then the org."""
    tops = [p for p in scope_paths(user, "orgs.view_org") if org.path.startswith(p)]
    if not tops:
        return []
    top = min(tops, key=len)
    paths = [org.path[:i] for i in range(len(top), len(org.path), Org.steplen)]
    return [*Org.objects.filter(path__in=paths).order_by("path"), org]


def org_children(*, user, org: Org) -> QuerySet[Org]:
    """Direct children of ``org`` (which must be visible), with the number of centres of each."""
    low, high = Org._get_children_path_interval(org.path)
    return (
        Org.objects.visible_to(user)
        .filter(depth=org.depth + 1, path__range=(low, high))
        .annotate(centre_count=Count("centres", filter=Q(centres__is_active=True)))
        .order_by("path")
    )


def org_subtree_counts(*, org: Org) -> dict[str, int]:
    """How many organisations of each level lie strictly below ``org``, in one aggregate query."""
    below = Org.objects.filter(subtree_q(org.path)).exclude(pk=org.pk)
    return below.aggregate(
        towns=Count("pk", filter=Q(kind=OrgKind.TOWN)),
        communities=Count("pk", filter=Q(kind=OrgKind.COMMUNITY)),
        grassroots=Count("pk", filter=Q(kind=OrgKind.GRASSROOTS)),
    )


def centre_list(*, user, org: Org | None = None, kind: str | None = None, q: str | None = None):
    """Active centres in the user's subtree, optionally below ``org``, of one ``kind``, matching ``q``."""
    qs = ServiceCentre.objects.visible_to(user).filter(is_active=True).select_related("org")
    if org is not None:
        qs = qs.within(org.path)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(address__icontains=q) | Q(org__name__icontains=q))
    return qs


def centre_counts_by_kind(*, user, org: Org | None = None) -> list[tuple[str, str, int]]:
    """(kind, label, count) for every centre kind, in one grouped query."""
    qs = centre_list(user=user, org=org).order_by().values("kind").annotate(n=Count("pk"))
    counts = {row["kind"]: row["n"] for row in qs}
    return [(value, label, counts.get(value, 0)) for value, label in CentreKind.choices]


def centre_get(*, user, pk: int) -> ServiceCentre:
    try:
        return ServiceCentre.objects.visible_to(user).select_related("org").get(pk=pk)
    except (ServiceCentre.DoesNotExist, ValueError, TypeError):
        raise Http404("服务中心不存在") from None


def public_centre_list(*, town_code: str | None = None):
    """Centres as a worker sees them on /m/ (public information: name, address, phone, hours)."""
    qs = ServiceCentre.objects.filter(is_active=True).select_related("org")
    if town_code:
        town = Org.objects.filter(code=town_code, kind=OrgKind.TOWN).first()
        if town is None:
            return qs.none()
        qs = qs.within(town.path)
    return qs


def public_towns() -> QuerySet[Org]:
    return Org.objects.towns().only("pk", "code", "name", "short_name", "path")


def towns_for(*, user) -> list[Org]:
    """The towns a city-level user may narrow a list to (none for a town's own staff)."""
    from .scoping import scope_path

    top = scope_path(user)
    if top is None or len(top) > Org.steplen:
        return []
    return list(Org.objects.filter(path__startswith=top, depth=2).order_by("path"))
