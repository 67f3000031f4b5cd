"""The subsidy of a claim, from the product's rules (data) — with its working shown line by line.

Two kinds of rules, the two styles published unions use (see ../shared/domain/RULES.md):

- ``share``: a share of the eligible amount of the invoices (the part covered by medical insurance,
  or the self-paid part — ``base`` says which the eligible amounts are), less a ``deductible`` per claim,
  in ``bands`` (``[{"upto": "10000", "rate": "0.10"}, {"upto": null, "rate": "0.15"}]``), capped per
  claim and per person per period;
- ``fixed``: a fixed payout per listed condition, capped per person per period.

Invoices dated before the worker's cover starts (a new enrolee's waiting period) do not count.
Amounts are Decimal, rounded half up to the fen at the end.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Invoice:
    number: str
    issued_on: dt.date
    eligible: Decimal


def _money(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _yuan(value: Decimal) -> str:
    return f"{value.quantize(CENT, ROUND_HALF_UP):,.2f}元"


def subsidy(rules: dict, invoices: list[Invoice], *, covered_from: dt.date, already_granted: Decimal = Decimal("0"),
            condition: str = "") -> tuple[Decimal, list[str]]:
    """``(amount, working)`` for one claim."""
    lines: list[str] = []
    counted = []
    for invoice in invoices:
        if invoice.issued_on < covered_from:
            lines.append(f"发票{invoice.number}（{invoice.issued_on:%Y-%m-%d}）在等待期内"
                         f"（保障自{covered_from:%Y-%m-%d}起），不计入")
        else:
            counted.append(invoice)
    if rules["kind"] == "fixed":
        amount = _fixed(rules, condition, bool(counted), lines)
    else:
        amount = _share(rules, counted, lines)
    cap = _money(rules.get("cap_per_period"))
    if cap is not None:
        left = max(cap - already_granted, Decimal("0"))
        if amount > left:
            lines.append(f"年度封顶{_yuan(cap)}，本年度已获补助{_yuan(already_granted)}，本次最多{_yuan(left)}")
            amount = left
    amount = amount.quantize(CENT, ROUND_HALF_UP)
    lines.append(f"补助金额：{_yuan(amount)}")
    return amount, lines


def _share(rules: dict, invoices: list[Invoice], lines: list[str]) -> Decimal:
    base = sum((i.eligible for i in invoices), Decimal("0"))
    label = "医保范围内费用" if rules.get("base", "insured") == "insured" else "个人自付费用"
    lines.append(f"{label}合计：{_yuan(base)}（{len(invoices)}张发票）")
    deductible = _money(rules.get("deductible")) or Decimal("0")
    if deductible:
        base = max(base - deductible, Decimal("0"))
        lines.append(f"减起付线{_yuan(deductible)}后：{_yuan(base)}")
    amount, lower = Decimal("0"), Decimal("0")
    for band in rules["bands"]:
        upper = _money(band.get("upto"))
        rate = Decimal(str(band["rate"]))
        if base <= lower:
            break
        portion = (min(base, upper) if upper is not None else base) - lower
        part = portion * rate
        amount += part
        span = f"{_yuan(lower)}以上" if upper is None else f"{_yuan(lower)}至{_yuan(upper)}"
        lines.append(f"{span}部分{_yuan(portion)} × {(rate * 100).normalize():f}% = {_yuan(part)}")
        if upper is None:
            break
        lower = upper
    cap = _money(rules.get("cap_per_claim"))
    if cap is not None and amount > cap:
        lines.append(f"单次封顶{_yuan(cap)}")
        amount = cap
    return amount


def _fixed(rules: dict, condition: str, covered: bool, lines: list[str]) -> Decimal:
    entry = next((c for c in rules["conditions"] if c["name"] == condition or c["code"] == condition), None)
    if entry is None:
        lines.append(f"病种“{condition or '未填写'}”不在本项目的病种目录内")
        return Decimal("0")
    if not covered:
        lines.append("费用均发生在等待期内")
        return Decimal("0")
    amount = Decimal(str(entry["amount"]))
    lines.append(f"{entry['name']}：定额补助{_yuan(amount)}")
    return amount
