"""What a module has to pay, registered in its ``AppConfig.ready()``::

    from gonghui.payments.sources import Source, register
    register(Source(code="legal_reward", label="法律援助律师补贴", purpose="法律援助律师补贴",
                    rows="gonghui.legal.payments.payable_rows", line="gonghui.legal.payments.line_for",
                    settle="gonghui.legal.payments.settle"))

- ``rows(user, *, town, approved_from, approved_to, tag)``: the payable rows the user may pay (a queryset
  of the module's model, oldest first), narrowed by the filters the page offers;
- ``line(row) -> Line``: the payment line of a row (payee, bank, account in clear, amount, the bank's
  reference, the handling organisation and the case);
- ``settle(actor, line, paid, reason)``: inside the transaction that settles a line (its row is
  ``line.object_id``) from the bank's result: the claim fulfilled, the worker told to correct a card, a
  reward marked paid;
- ``tags()``: ``[(value, label)]`` of the groups a batch may not mix (mutual aid's plan years), if any;
  ``tag(row)`` the group of a row;
- ``shown(row) -> dict``: what the batch page lists for a payable row (``reference``, ``payee``,
  ``org``, ``approved_on``, ``amount``, ``url``); ``total(rows)`` the amount of a queryset of rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Line:
    object_id: int
    org_id: int
    case_id: int | None
    reference: str
    payee: str
    bank_name: str
    account: str
    amount: Decimal


@dataclass(frozen=True)
class Source:
    code: str
    label: str  # the kind of payment, as finance calls it: 医疗互助补助金
    purpose: str  # the bank file's 用途
    rows: str  # dotted paths of the callables described above
    line: str
    settle: str
    shown: str
    total: str
    tag: str = ""
    tags: str = ""
    tag_label: str = ""  # what a tag is called on the page: 活动年度
    order: int = 100

    def call(self, name: str, *args, **kwargs):
        return import_string(getattr(self, name))(*args, **kwargs)


_sources: dict[str, Source] = {}


def register(source: Source) -> None:
    if source.code in _sources and _sources[source.code] != source:
        raise ValueError(f"payment source {source.code!r} registered twice")
    _sources[source.code] = source


def get(code: str) -> Source | None:
    return _sources.get(code)


def all_sources() -> list[Source]:
    return sorted(_sources.values(), key=lambda s: (s.order, s.code))


def source_label(code: str) -> str:
    found = _sources.get(code)
    return found.label if found else code
