"""The one place where a query is limited to what a user may see: the subtrees where they hold a role.

The union tree is a materialised path (django-treebeard's ``MP_Node``: every node stores the path of
4-character steps from the root, e.g. ``0001`` → ``00010003`` → ``00010003002A``). A subtree is every
row whose path starts with the top node's path, so "what may this user see" is one indexed condition
per role assignment (a user has one or a few) — no recursive query, no list of ids.

How the condition is written differs per database so that it stays an index range scan:

- PostgreSQL: ``path LIKE 'P%'``. Django creates a ``varchar_pattern_ops`` index beside the unique
  index of a CharField, and the planner turns the prefix LIKE into a range scan on it.
- SQLite: ``LIKE`` is case-insensitive there and cannot use an ordinary (BINARY) index, so the same
  set is written as the range ``P <= path < P + '['``: treebeard's alphabet is ``0-9A-Z`` and ``[``
  is the byte after ``Z``, so the range holds exactly the paths that start with ``P``.

Where a user may act is decided per permission: a role assigned at a node grants its permissions over
that node's subtree (accounts.RoleAssignment). ``visible_to(user)`` asks for the model's ``view``
permission; a service checks ``in_scope(user, path, perm)`` before a write. An object outside the
user's scope is simply not found (404), never "forbidden", so its existence does not leak.
"""

from __future__ import annotations

from django.db import connections, models
from django.db.models import Q

# The byte after the last character of treebeard's default alphabet (0-9A-Z).
_PATH_UPPER_SENTINEL = "["


def subtree_q(path: str, field: str = "path", using: str = "default") -> Q:
    """Q object for "``field`` is ``path`` or lies below it" as one index-friendly condition."""
    if connections[using].vendor == "sqlite":
        return Q(**{f"{field}__gte": path, f"{field}__lt": path + _PATH_UPPER_SENTINEL})
    return Q(**{f"{field}__startswith": path})


def _minimal(paths) -> list[str]:
    """Drop paths that lie inside another path of the list."""
    out: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(kept) for kept in out):
            out.append(path)
    return out


def scope_paths(user, perm: str | None = None) -> list[str]:
    """Top paths of the subtrees where ``user`` holds ``perm`` (any role at all when ``perm`` is None)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    from gonghui.accounts.backends import role_grants

    return _minimal(path for path, perms in role_grants(user) if perm is None or perm in perms)


def in_scope(user, path: str, perm: str | None = None) -> bool:
    return any(path.startswith(top) for top in scope_paths(user, perm))


def scope_path(user) -> str | None:
    """The top-most subtree a user works in (their home in the workbench), or None."""
    paths = scope_paths(user)
    return min(paths, key=len) if paths else None


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows which path field places each row in the union tree."""

    #: the lookup path from this model to the org's materialised path, e.g. ``"org__path"``
    scope_field: str = "org__path"

    def within(self, path: str):
        """Rows in the subtree at ``path`` (regardless of who asks)."""
        return self.filter(subtree_q(path, self.scope_field, using=self.db))

    def visible_to(self, user, perm: str | None = None):
        """Rows in the subtrees where the user holds ``perm`` (default: the model's view permission)."""
        perm = perm or f"{self.model._meta.app_label}.view_{self.model._meta.model_name}"
        paths = scope_paths(user, perm)
        if not paths:
            return self.none()
        condition = Q()
        for path in paths:
            condition |= subtree_q(path, self.scope_field, using=self.db)
        return self.filter(condition)
