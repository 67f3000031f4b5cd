"""Reads of the registry, scoped to the user's subtree, with personal numbers searched by index only."""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404

from gonghui.core import idnumber, pii
from gonghui.orgs.scoping import scope_paths, subtree_org_ids

from .models import Employment, Enterprise, ImportJob, Worker, WorkerNameKey
from .names import normalise_query

_LAST4 = re.compile(r"^\d{3}[\dXx]$")
_DIGITS = re.compile(r"^\d+$")


def _prefix_q(field: str, value: str) -> Q:
    """``field`` starts with ``value``, as an index range on SQLite (whose LIKE ignores indexes)."""
    if connection.vendor == "sqlite":
        return Q(**{f"{field}__gte": value, f"{field}__lt": value + "\U0010ffff"})
    return Q(**{f"{field}__startswith": value})


def _pinyin_prefix_q(field: str, value: str) -> Q:
    """``field`` starts with ``value`` for keys of the letters a–z: the range [value, the next prefix), which
    a plain index answers in order on either database (PostgreSQL's LIKE needs its pattern index, which
    cannot give the order)."""
    stem = value.rstrip("z")
    if not stem:
        return Q(**{f"{field}__gte": value})
    return Q(**{f"{field}__gte": value, f"{field}__lt": stem[:-1] + chr(ord(stem[-1]) + 1)})


def classify_query(q: str) -> tuple[str, str]:
    """What a search box entry is: ('id', value), ('last4', …), ('phone', …), ('pinyin', …), ('name', …)."""
    text = idnumber.clean(q)
    if not text:
        return "empty", ""
    if len(text) in (15, 18) and text[:-1].isdigit():
        return "id", text
    if _LAST4.match(text):
        return "last4", text.upper()
    phone = text.removeprefix("+86")
    if _DIGITS.match(phone) and 3 <= len(phone) <= 11:
        return "phone", phone
    if text.isascii() and text.replace("'", "").isalpha():
        return "pinyin", normalise_query(q)
    return "name", re.sub(r"\s+", "", q.strip())


def worker_search(*, user, q: str = "", enterprise_id: int | None = None, tag: str | None = None,
                  org=None) -> QuerySet[Worker]:
    """Workers in the user's subtree matching ``q`` — every branch an indexed lookup, never a scan."""
    kind, value = classify_query(q)
    qs = Worker.objects.visible_to(user, as_filter=kind in ("name", "pinyin"))
    if org is not None:
        qs = qs.within(org.path)
    if enterprise_id:
        qs = qs.filter(enterprise_id=enterprise_id)
    if tag:
        qs = qs.filter(tags__code=tag)
    if kind == "id":
        try:
            value = idnumber.parse(value).value
        except idnumber.IdNumberError:
            return qs.none()
        qs = qs.filter(id_bidx=pii.blind_index(value, purpose="id_number"))
    elif kind == "last4":
        qs = qs.filter(id_last4_bidx=pii.blind_index(value, purpose="id_last4"))
    elif kind == "phone":
        qs = qs.filter(phone=value) if len(value) == 11 else qs.filter(_prefix_q("phone", value))
    elif kind == "pinyin":
        qs = qs.filter(pk__in=_pinyin_matches(user, value, org=org, enterprise_id=enterprise_id))
    elif kind == "name":
        # SQLite: in name order, a walk of the name index that stops at the page; PostgreSQL finds the
        # names through its pattern index (LIKE), which cannot give the order, and sorts the few matches
        order = ("name", "pk") if connection.vendor == "sqlite" else ("pk",)
        return qs.filter(_prefix_q("name", value)).select_related("enterprise").order_by(*order)
    return qs.select_related("enterprise").order_by("pk")


#: a pinyin prefix reads at most this many name keys (the first in pinyin order; a worker with two
#: matching keys, zs… and zhang…, counts twice): three letters match tens of thousands of names in a city,
#: and collecting them all took 130–230 ms (make bench)
PINYIN_MATCHES_MAX = 1000


def _pinyin_matches(user, value: str, *, org=None, enterprise_id: int | None = None) -> QuerySet:
    """The workers of the first ``PINYIN_MATCHES_MAX`` name keys in the user's scope that start with
    ``value``: a walk of the key index in order, scoped on the way, that stops at the cap."""
    # "org_id + 0": the scope is tested on each key's worker, the walk starts from the key index
    keys = WorkerNameKey.objects.alias(_org=F("worker__org_id") + 0).filter(
        _pinyin_prefix_q("key", value), _org__in=subtree_org_ids(scope_paths(user, "registry.view_worker")))
    if org is not None:
        keys = keys.filter(_org__in=subtree_org_ids([org.path]))
    if enterprise_id:
        keys = keys.filter(worker__enterprise_id=enterprise_id)
    return keys.order_by("key").values("worker_id")[:PINYIN_MATCHES_MAX]


def pinyin_search_capped(*, user, q: str, enterprise_id: int | None = None, **_filters) -> bool:
    """Whether a pinyin search of ``q`` reached the cap (the page then asks for more letters)."""
    kind, value = classify_query(q)
    return kind == "pinyin" and _pinyin_matches(user, value, enterprise_id=enterprise_id).count() >= \
        PINYIN_MATCHES_MAX


def worker_get(*, user, pk: int) -> Worker:
    try:
        return (Worker.objects.visible_to(user).select_related("enterprise", "org")
                .prefetch_related("tags", Prefetch("employments",
                                                   queryset=Employment.objects.select_related("enterprise")))
                .get(pk=pk))
    except (Worker.DoesNotExist, ValueError, TypeError):
        raise Http404("职工不存在") from None


def enterprise_list(*, user, q: str = "", town_id: int | None = None) -> QuerySet[Enterprise]:
    qs = Enterprise.objects.visible_to(user).select_related("town", "union")
    if town_id:
        qs = qs.filter(town_id=town_id)
    q = q.strip()
    if q:
        code = q.upper().replace(" ", "")
        qs = qs.filter(uscc=code) if len(code) == 18 and code.isalnum() else qs.filter(_prefix_q("name", q))
    return qs.order_by("name", "pk")


def enterprise_get(*, user, pk: int) -> Enterprise:
    try:
        return Enterprise.objects.visible_to(user).select_related("town", "union").get(pk=pk)
    except (Enterprise.DoesNotExist, ValueError, TypeError):
        raise Http404("企业不存在") from None


def import_job_list(*, user) -> QuerySet[ImportJob]:
    return ImportJob.objects.visible_to(user).filter(actor=user).defer("file_enc", "errors")


def import_job_get(*, user, pk: int) -> ImportJob:
    try:
        return ImportJob.objects.visible_to(user).filter(actor=user).defer("file_enc").get(pk=pk)
    except (ImportJob.DoesNotExist, ValueError, TypeError):
        raise Http404("导入任务不存在") from None
