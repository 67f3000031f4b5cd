"""Reads of the payments, limited to the organisations where the user may pay."""

from __future__ import annotations

from django.http import Http404

from .models import PERM_PAY, PaymentBatch


def batches(*, user, source: str = ""):
    found = PaymentBatch.objects.visible_to(user, PERM_PAY)
    return found.filter(source=source) if source else found


def batch_get(*, user, pk) -> PaymentBatch:
    batch = batches(user=user).filter(pk=pk).select_related("org", "created_by", "approved_by").first()
    if batch is None:
        raise Http404("支付批次不存在或不在您的权限范围内")
    return batch


def batch_lines(batch: PaymentBatch):
    return batch.lines.select_related("case")
