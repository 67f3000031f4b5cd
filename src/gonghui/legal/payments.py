"""Legal aid as a source of the shared payments (gonghui.payments): the lawyers' rewards, paid to their
firms' accounts. A failed transfer (the firm's account wrong) leaves the reward payable again once the
system administrator has corrected the firm's account."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from gonghui.payments.models import PERM_PAY, PaymentLine, paid_or_pending
from gonghui.payments.sources import Line

from .models import RewardLine

SOURCE = "legal_reward"


def payable_rows(user, *, town=None, approved_from=None, approved_to=None, tag: str = ""):
    """The rewards of cases in the user's payment scope, not in a pending or paid line, oldest first;
    narrowed to a town (the case's handling organisation) and to the days the cases closed on."""
    rows = RewardLine.objects.visible_to(user, PERM_PAY).filter(paid_at__isnull=True)
    if town is not None:
        rows = rows.within(town.path)
    if approved_from:
        rows = rows.filter(created_at__date__gte=approved_from)
    if approved_to:
        rows = rows.filter(created_at__date__lte=approved_to)
    return (rows.exclude(pk__in=paid_or_pending(SOURCE))
            .select_related("case", "duty__centre", "org", "partner", "lawyer").order_by("created_at", "pk"))


def reference(reward: RewardLine) -> str:
    """The bank's reference of a reward: the case's number, or the duty half-day's."""
    return reward.case.number if reward.case_id else f"ZB-{reward.duty.day:%Y%m%d}-{reward.duty_id}"


def line_for(reward: RewardLine) -> Line:
    firm = reward.partner
    return Line(object_id=reward.pk, org_id=reward.org_id, case_id=reward.case_id, reference=reference(reward),
                payee=firm.account_name or firm.name, bank_name=firm.bank_name, account=firm.account_clear(),
                amount=reward.amount)


def shown(reward: RewardLine) -> dict:
    return {"pk": reward.pk, "reference": reference(reward),
            "payee": f"{reward.partner.name}（{reward.lawyer.display_name}）", "org": reward.org.label,
            "approved_on": reward.created_at, "amount": reward.amount,
            "url": reverse("cases:detail", args=[reward.case.number]) if reward.case_id else ""}


def total(rows) -> Decimal:
    return rows.aggregate(s=Sum("amount"))["s"] or Decimal("0")


def settle(actor, line: PaymentLine, paid: bool, reason: str) -> None:
    if paid:
        RewardLine.objects.filter(pk=line.object_id).update(paid_at=timezone.now(), payment_problem="")
    else:
        RewardLine.objects.filter(pk=line.object_id).update(payment_problem=reason[:200])
