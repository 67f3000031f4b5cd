"""Permissions come from roles: the union of the permissions of every role the user holds anywhere.

Where a permission applies is decided by scoping (orgs/scoping.py): at the nodes where the role that
grants it was assigned, and their subtrees.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend


def _load(user) -> tuple[list[tuple[str, frozenset[str]]], frozenset[str]]:
    """The user's grants over subtrees and their assignment-scoped permissions; cached on the user."""
    cached = getattr(user, "_role_grants_all", None)
    if cached is not None:
        return cached
    from .models import RoleAssignment

    grants: dict[int, tuple[str, set[str]]] = {}
    assigned: set[str] = set()
    rows = (RoleAssignment.objects.filter(user_id=user.pk)
            .values_list("pk", "org__path", "role__assignment_scoped", "role__permissions__content_type__app_label",
                         "role__permissions__codename"))
    for pk, path, scoped, app_label, codename in rows:
        if scoped:  # a partner's role: only on what is assigned to them, never over the subtree
            if codename:
                assigned.add(f"{app_label}.{codename}")
            continue
        entry = grants.setdefault(pk, (path, set()))
        if codename:
            entry[1].add(f"{app_label}.{codename}")
    result = ([(path, frozenset(perms)) for path, perms in grants.values()], frozenset(assigned))
    user._role_grants_all = result
    return result


def role_grants(user) -> list[tuple[str, frozenset[str]]]:
    """(org path, permissions) for each of the user's role assignments over a subtree."""
    return _load(user)[0]


def assigned_grants(user) -> frozenset[str]:
    """The permissions the user's assignment-scoped roles (partners) give on what is assigned to them."""
    return _load(user)[1]


def may_see_entry(user, perm: str, partners: bool) -> bool:
    """A navigation entry needing ``perm``: shown to a user holding it over a subtree, and to a partner
    holding it on their assignments only when the entry is meant for partners (core.navigation)."""
    if not user.has_perm(perm):
        return False
    over_tree = any(perm in granted for _path, granted in role_grants(user))
    return user.is_superuser or over_tree or (partners and perm in assigned_grants(user))


class RoleBackend(ModelBackend):
    """ModelBackend (user and group permissions) plus the permissions of the user's roles."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_role_perm_cache"):
            perms = set(super().get_all_permissions(user_obj))
            for _path, granted in role_grants(user_obj):
                perms |= granted
            perms |= assigned_grants(user_obj)
            user_obj._role_perm_cache = perms
        return user_obj._role_perm_cache
