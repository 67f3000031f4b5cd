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

Partners (a law firm's lawyers, later counsellors, doctors, mediators) have no place in the tree's
staff: their role is *assignment-scoped* — its permissions apply only to the objects assigned to them
(a legal-aid case a lawyer was assigned to), never to a subtree. A scoped model says how its rows are
assigned (``ScopedQuerySet.assigned_to``); ``visible_to`` then adds the rows assigned to the user when
they hold the permission through such a role, and ``may(user, obj_path, perm, assigned=…)`` answers a
service's question for one object. The accounts app provides both sources at start-up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

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


#: who holds what where: ``(user) -> [(org path, set of permissions)]``. The tree does not know how roles
#: are granted; the accounts app provides this at start-up (``provide_grants`` in its ``ready()``).
_grants: Callable[[object], Iterable[tuple[str, set[str]]]] | None = None


#: what a partner may do on what is assigned to them: ``(user) -> set of permissions``
_assigned_perms: Callable[[object], Iterable[str]] | None = None


def provide_grants(source: Callable[[object], Iterable[tuple[str, set[str]]]],
                   assigned: Callable[[object], Iterable[str]] | None = None) -> None:
    global _grants, _assigned_perms
    _grants = source
    _assigned_perms = assigned


def assigned_perms(user) -> frozenset[str]:
    """The permissions ``user`` holds on the objects assigned to them (an assignment-scoped role's)."""
    if user is None or not user.is_authenticated or not user.is_active or _assigned_perms is None:
        return frozenset()
    return frozenset(_assigned_perms(user))


def reaches(user, perm: str) -> bool:
    """Whether ``perm`` reaches anything for ``user``: over a subtree, or on what is assigned to them."""
    return bool(scope_paths(user, perm)) or perm in assigned_perms(user)


def scope_paths(user, perm: str | None = None) -> list[str]:
    """Top paths of the subtrees where ``user`` holds ``perm`` (any role at all when ``perm`` is None)."""
    if user is None or not user.is_authenticated or not user.is_active or _grants is None:
        return []
    return _minimal(path for path, perms in _grants(user) if perm is None or perm in perms)


def in_scope(user, path: str, perm: str | None = None) -> bool:
    return any(path.startswith(top) for top in scope_paths(user, perm))


def scope_path(user) -> str | None:
    """The top-most subtree a user works in (their home in the workbench), or None."""
    paths = scope_paths(user)
    return min(paths, key=len) if paths else None


#: up to this many organisations, PostgreSQL gets the subtree's ids as a list (see ``subtree_org_ids``)
INLINE_IDS_MAX = 2000


def subtree_org_ids(paths: list[str], using: str = "default", *, inline: bool = False):
    """The ids of the organisations in the subtrees at ``paths``: a subquery for ``org_id__in``, or with
    ``inline`` on PostgreSQL, the ids themselves (one indexed query first). Given the subquery, PostgreSQL
    hash-joined a town's 417 organisations with every open case of the city found by the state index
    (make bench: 200 ms); given the ids, it reads the town's cases from the (org, state, …) index."""
    from .models import Org

    if not paths:
        return Org.objects.none().values("pk")
    condition = Q()
    for path in paths:
        condition |= subtree_q(path, using=using)
    ids = Org.objects.using(using).filter(condition).values("pk")
    if inline and connections[using].vendor == "postgresql":
        listed = list(ids.values_list("pk", flat=True)[:INLINE_IDS_MAX + 1])
        if len(listed) <= INLINE_IDS_MAX:
            return listed
    return ids


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows which path field places each row in the union tree."""

    #: the lookup path from this model to the org's materialised path, e.g. ``"org__path"``
    scope_field: str = "org__path"
    #: for a large table, the foreign key to the org: the scope is then ``org_id IN (the subtree's ids)``, a
    #: membership test on the row's own column, instead of a join on the path. With the join, SQLite's
    #: planner drove a city-wide search from the organisations to every one of their 700,000 workers
    #: (make bench: a name search went from 2 ms to a second once the tables had statistics).
    scope_by_id: str = ""
    #: scope by a list of ids rather than a subquery on PostgreSQL (``subtree_org_ids``)
    scope_inline_ids: bool = False

    def _in_subtrees(self, paths: list[str], *, as_filter: bool = False):
        if self.scope_by_id:
            if as_filter:  # "org_id + 0": the same test, but no index on it for the planner to start from
                return self.alias(_scope_org=models.F(self.scope_by_id) + 0).filter(
                    _scope_org__in=subtree_org_ids(paths, using=self.db))
            return self.filter(**{f"{self.scope_by_id}__in": subtree_org_ids(
                paths, using=self.db, inline=self.scope_inline_ids)})
        condition = Q()
        for path in paths:
            condition |= subtree_q(path, self.scope_field, using=self.db)
        return self.filter(condition)

    def assigned_to(self, user):
        """The pks of the rows assigned to ``user`` (partner access), as a subquery; a model whose rows
        are assigned to partners overrides this. None: this model's rows are never assigned."""
        return None

    def within(self, path: str):
        """Rows in the subtree at ``path`` (regardless of who asks)."""
        return self._in_subtrees([path])

    def visible_to(self, user, perm: str | None = None, *, as_filter: bool = False):
        """Rows in the subtrees where the user holds ``perm`` (default: the model's view permission).

        ``as_filter``: the rows are found by another index (a search key) and the scope is tested on each;
        SQLite's planner, once it has statistics, otherwise starts from the scope's organisations and
        reads every row of the subtree (make bench: a name search of the city took a second)."""
        perm = perm or f"{self.model._meta.app_label}.view_{self.model._meta.model_name}"
        paths = scope_paths(user, perm)
        assigned = self.assigned_to(user) if perm in assigned_perms(user) else None
        if not paths:
            return self.filter(pk__in=assigned) if assigned is not None else self.none()
        tree = self._in_subtrees(paths, as_filter=as_filter)
        return tree | self.filter(pk__in=assigned) if assigned is not None else tree
