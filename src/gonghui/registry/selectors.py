"""Reads of the registry, scoped to the user's subtree, with personal numbers searched by index only."""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from gonghui.core import idnumber, pii

from .models import Employment, Enterprise, ImportJob, Worker, WorkerNameKey
from .names import normalise_query

_LAST4 = re.compile(r"^\d{3}[\dXx]$")
_DIGITS = re.compile(r"^\d+$")


def _prefix_q(field: str, value: str) -> Q:
    """``field`` starts with ``value``, as an index range on SQLite (whose LIKE ignores indexes)."""
    if connection.vendor == "sqlite":
        return Q(**{f"{field}__gte": value, f"{field}__lt": value + "\U0010ffff"})
    return Q(**{f"{field}__startswith": value})


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
    qs = Worker.objects.visible_to(user)
    if org is not None:
        qs = qs.within(org.path)
    if enterprise_id:
        qs = qs.filter(enterprise_id=enterprise_id)
    if tag:
        qs = qs.filter(tags__code=tag)
    kind, value = classify_query(q)
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
        keys = WorkerNameKey.objects.filter(_prefix_q("key", value)).values("worker_id")
        qs = qs.filter(pk__in=keys)
    elif kind == "name":
        qs = qs.filter(_prefix_q("name", value))
    return qs.select_related("enterprise").order_by("pk")


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
