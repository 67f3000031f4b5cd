"""Reads of petitions, already scoped to the user (Case.objects.visible_to: the handling union's subtree,
so an accusation, never handled by the accused union, is never found by it)."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from gonghui.cases.models import Case, Urgency
from gonghui.cases.selectors import queue_states
from gonghui.orgs.models import Org

from .models import HotlineCall
from .services import ITEMS


def supervised(*, user, only: str = ""):
    """The open petitions and orders handled by unions below the user's own, with their clocks: what the
    user's union supervises (``only``: ``late`` past a deadline, ``near`` close to one)."""
    mine = getattr(user, "org_id", None)
    found = (Case.objects.visible_to(user).filter(item__code__in=ITEMS, state__in=queue_states())
             .exclude(org_id=mine).select_related("item", "org", "applicant", "petition")
             .prefetch_related("clock_set", "supervisions").order_by("urgency", "due_on", "pk"))
    if only == "late":
        found = found.filter(Q(urgency=Urgency.RED) | Q(missed_deadline=True))
    elif only == "near":
        found = found.filter(urgency=Urgency.AMBER)
    return found


def route_targets(case: Case) -> list[Org]:
    """Where a petition may be transferred: the federation, the towns and the sector unions."""
    return list(Org.objects.filter(depth__lte=2).exclude(pk=case.org_id).order_by("path"))


def below(case: Case) -> list[Org]:
    """The unions directly below the handling one (交办) — at most 200, by path."""
    return list(Org.objects.filter(path__startswith=case.org.path, depth=case.org.depth + 1).order_by("path")[:200])


def dispatch_targets(user) -> list[Org]:
    top = getattr(user, "org", None)
    if top is None:
        return []
    return list(Org.objects.filter(path__startswith=top.path, depth__lte=max(top.depth + 1, 2)).order_by("path"))


def recent_calls(*, user, limit: int = 50):
    top = getattr(user, "org", None)
    if top is None:
        return HotlineCall.objects.none()
    return HotlineCall.objects.filter(org__path__startswith=top.path).select_related("org", "logged_by")[:limit]


def today():
    return timezone.localdate()
