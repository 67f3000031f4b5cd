"""Assistance as a source of the shared payments (gonghui.payments): the approved aid and Golden Autumn
awards, paid to the applicant's card from the sealed form; the bank's result fulfils the case or asks the
worker for another card (payments.awards). A batch holds one programme (the tag)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from gonghui.payments import awards
from gonghui.payments.models import PaymentLine

from .models import Award, Programme

SOURCE = "assistance"


def payable_rows(user, *, town=None, approved_from=None, approved_to=None, tag: str = ""):
    rows = awards.rows(Award, SOURCE, user, town=town, approved_from=approved_from, approved_to=approved_to)
    return rows.filter(programme=tag) if tag else rows


line_for = awards.line
shown = awards.shown


def total(rows) -> Decimal:
    return rows.aggregate(s=Sum("amount"))["s"] or Decimal("0")


def tag_of(award: Award) -> str:
    return award.programme


def tags() -> list[tuple[str, str]]:
    return list(Programme.choices)


def settle(actor, line: PaymentLine, paid: bool, reason: str) -> None:
    awards.settle(Award, actor, line.object_id, paid, reason)
