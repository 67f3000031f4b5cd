"""Payment batches and bank files, shared by every module that pays money: medical mutual aid's subsidies,
the lawyers' rewards of legal aid, and later hardship aid and model workers' benefits.

A module registers a *source* (payments.sources): what it has to pay (its payable rows), how each row
becomes a payment line (payee, bank, account, amount, the bank's reference), and what happens when the
bank's result says paid or failed. Finance gathers a source's payable rows into a batch, another officer
approves it with a fresh second-factor code, the bank file is exported (full account numbers: audited) and
the bank's result file is imported; the lines settle and the source is told.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from gonghui.cases.models import Case
from gonghui.core import pii
from gonghui.orgs.models import Org
from gonghui.orgs.scoping import ScopedQuerySet

PERM_PAY = "payments.manage_payments"


class BatchState(models.TextChoices):
    DRAFT = "draft", "待审批"
    APPROVED = "approved", "已审批"
    EXPORTED = "exported", "已导出银行文件"
    CLOSED = "closed", "已导入结果"


class PaymentBatchQuerySet(ScopedQuerySet):
    scope_field = "org__path"


class PaymentBatch(models.Model):
    """Payable rows of one source (and one group of it, ``tag``: mutual aid's plan year) paid together. A
    history batch holds the payments of an imported past year, one per bank reference, already settled."""

    number = models.CharField("批次号", max_length=24, unique=True)
    source = models.CharField("支付类别", max_length=30, db_index=True)
    tag = models.CharField("分组", max_length=20, blank=True, help_text="如医疗互助的活动年度")
    history = models.BooleanField("历史导入", default=False)
    org = models.ForeignKey(Org, verbose_name="支付单位", on_delete=models.PROTECT, related_name="+")
    state = models.CharField("状态", max_length=10, choices=BatchState.choices, default=BatchState.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    exported_at = models.DateTimeField(null=True, blank=True)
    total = models.DecimalField("合计（元）", max_digits=14, decimal_places=2, default=Decimal("0"))
    count = models.PositiveIntegerField("笔数", default=0)

    objects = PaymentBatchQuerySet.as_manager()

    class Meta:
        verbose_name = "支付批次"
        verbose_name_plural = "支付批次"
        ordering = ["-created_at", "-pk"]
        permissions = [("manage_payments", "支付批次与银行文件")]

    def __str__(self) -> str:
        return self.number

    @property
    def source_label(self) -> str:
        from .sources import source_label

        return source_label(self.source)


class LineStatus(models.TextChoices):
    PENDING = "pending", "待支付"
    PAID = "paid", "已支付"
    FAILED = "failed", "支付失败"


class PaymentLineQuerySet(ScopedQuerySet):
    scope_field = "org__path"  # the handling organisation of what is paid (the claim's case, the aid case)


class PaymentLine(models.Model):
    """One transfer: to whom, which account, how much, and which row of its source it pays (``source`` and
    ``object_id``: a claim, a reward line). A row is in at most one pending or paid line."""

    batch = models.ForeignKey(PaymentBatch, on_delete=models.CASCADE, related_name="lines")
    source = models.CharField("支付类别", max_length=30)
    object_id = models.PositiveBigIntegerField("支付对象")
    org = models.ForeignKey(Org, verbose_name="承办单位", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, verbose_name="办件", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+")
    reference = models.CharField("业务参考号", max_length=40)
    purpose = models.CharField("用途", max_length=30)
    payee = models.CharField("收款人", max_length=100)
    bank_name = models.CharField("开户行", max_length=100)
    account_enc = models.BinaryField("账号（密文）")
    account_last4 = models.CharField(max_length=4)
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    status = models.CharField("状态", max_length=8, choices=LineStatus.choices, default=LineStatus.PENDING)
    reason = models.CharField("失败原因", max_length=200, blank=True)
    bank_reference = models.CharField("银行流水号", max_length=60, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    objects = PaymentLineQuerySet.as_manager()

    class Meta:
        verbose_name = "支付明细"
        verbose_name_plural = "支付明细"
        ordering = ["pk"]
        indexes = [models.Index(fields=["source", "object_id"], name="payment_line_object")]
        constraints = [models.UniqueConstraint(fields=["source", "object_id"],
                                               condition=Q(status__in=["pending", "paid"]),
                                               name="payment_line_paid_once")]

    def __str__(self) -> str:
        return f"{self.batch_id}/{self.reference}"

    def account_clear(self) -> str:
        return pii.decrypt(self.account_enc, field="bank_card")

    @property
    def account_masked(self) -> str:
        return pii.mask_bank(self.account_clear())


def paid_or_pending(source: str):
    """The ``object_id`` of the rows of ``source`` that are in a pending or paid line (a subquery)."""
    return PaymentLine.objects.filter(source=source, status__in=[LineStatus.PENDING, LineStatus.PAID]).values(
        "object_id")
