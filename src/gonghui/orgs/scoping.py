"""The one place where a query is limited to what a user may see: their organisation's subtree.

The union tree is a materialised path (django-treebeard's ``MP_Node``: every node stores the path of
4-character steps from the root, e.g. ``0001`` → ``00010003`` → ``00010003002A``). A subtree is every
row whose path starts with the top node's path, so "what may this user see" is one indexed condition
on one column — no recursive query, no list of ids — whatever the size of the tree.

How the condition is written differs per database so that it stays an index range scan:

- PostgreSQL: ``path LIKE 'P%'``. Django creates a ``varchar_pattern_ops`` index beside the unique
  index of a CharField, and the planner turns the prefix LIKE into a range scan on it.
- SQLite: ``LIKE`` is case-insensitive there and cannot use an ordinary (BINARY) index, so the same
  set is written as the range ``P <= path < P + '['``: treebeard's alphabet is ``0-9A-Z`` and ``[``
  is the byte after ``Z``, so the range holds exactly the paths that start with ``P``.

Both forms are proven by tests that read the query plan (tests/orgs/test_scoping.py).

Every selector, page, API endpoint, export and background job reads through ``visible_to(user)``
(a queryset method on every scoped model), so no view can forget it; an object outside the subtree is
simply not found (404), never "forbidden", so its existence does not leak.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import connections, models
from django.db.models import Q

if TYPE_CHECKING:
    from gonghui.accounts.models import User

# The byte after the last character of treebeard's default alphabet (0-9A-Z).
_PATH_UPPER_SENTINEL = "["


def subtree_q(path: str, field: str = "path", using: str = "default") -> Q:
    """Q object for "``field`` is ``path`` or lies below it" as one index-friendly condition."""
    if connections[using].vendor == "sqlite":
        return Q(**{f"{field}__gte": path, f"{field}__lt": path + _PATH_UPPER_SENTINEL})
    return Q(**{f"{field}__startswith": path})


def scope_path(user: User | None) -> str | None:
    """The path of the subtree a user may see, or None when they may see no organisation data."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    org = getattr(user, "org", None)
    if org is None:
        return None
    return org.path


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows which path field places each row in the union tree."""

    #: the lookup path from this model to the org's materialised path, e.g. ``"org__path"``
    scope_field: str = "org__path"

    def within(self, path: str):
        """Rows in the subtree at ``path`` (regardless of who asks)."""
        return self.filter(subtree_q(path, self.scope_field, using=self.db))

    def visible_to(self, user: User | None):
        """Rows the user may see: their organisation's subtree, nothing when they have none."""
        path = scope_path(user)
        if path is None:
            return self.none()
        return self.within(path)
