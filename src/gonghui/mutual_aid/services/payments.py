"""Payment of approved claims: batches, the second factor to approve them, the bank file and the bank's
result."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from gonghui.accounts import second_factor
from gonghui.cases import services as cases
from gonghui.cases.models import State
from gonghui.core import audit, numbering, pii
from gonghui.core.context import Context
from gonghui.core.spreadsheets import FileRefused, cell_text, read_table
from gonghui.orgs.models import Org
from gonghui.orgs.scoping import in_scope, scope_paths

from ..models import (
    BatchState,
    Claim,
    LineStatus,
    PaymentBatch,
    PaymentLine,
    PlanYear,
)
from ..selectors import payable
from .common import PERM_PAY, _require

# --- payment --------------------------------------------------------------------------------------------

BATCH_PREFIX = "ZF"


def batch_create(*, actor, claims=None) -> PaymentBatch:
    """Gather approved claims into a batch. A claim already in a pending or paid line is refused by the
    database (two finance staff gathering at once: each claim lands in one batch)."""
    paths = scope_paths(actor, PERM_PAY)
    if not paths:
        raise PermissionDenied("您没有补助金支付的权限。")
    org = Org.objects.get(path=min(paths, key=len))
    claims = list(claims if claims is not None else payable(user=actor)[:2000])
    if not claims:
        raise ValidationError("没有待支付的已核准报销申请。")
    years = {claim.product.plan_year_id for claim in claims}
    if len(years) > 1:
        raise ValidationError("一个支付批次只能包含同一活动年度的报销申请，请先按年度筛选。")
    with transaction.atomic():
        number = numbering.next_number(BATCH_PREFIX, timezone.localdate().year)
        batch = PaymentBatch.objects.create(number=number, org=org, created_by=actor, plan_year_id=years.pop())
        total = Decimal("0")
        for claim in claims:
            case = claim.case
            if not in_scope(actor, case.org.path, PERM_PAY) or case.state != State.APPROVED:
                raise ValidationError(f"{case.number}不能支付。")
            secrets = case.secrets()
            account = secrets.get("bank_card", "")
            try:
                with transaction.atomic():
                    PaymentLine.objects.create(batch=batch, claim=claim, payee=case.applicant.name,
                                               bank_name=case.form.get("bank_name", ""),
                                               account_enc=pii.encrypt(account, field="bank_card"),
                                               account_last4=account[-4:], amount=claim.subsidy)
            except IntegrityError:
                raise cases.CaseConflict(f"{case.number}已在其他支付批次中。") from None
            total += claim.subsidy
        PaymentBatch.objects.filter(pk=batch.pk).update(total=total, count=len(claims))
        audit.record(actor=actor, action="mutual_aid.batch_create", obj=batch,
                     summary=f"支付批次{batch.number}：{len(claims)}笔，{total}元")
    batch.refresh_from_db()
    return batch


def batch_approve(*, actor, batch: PaymentBatch, context: Context | None = None) -> PaymentBatch:
    """Approve a batch for payment: finance with the second factor passed in the last five minutes (in the
    current context — the web request, the API call, the task — or the one given)."""
    _require(actor, PERM_PAY, batch.org.path, "审批支付批次")
    if batch.created_by_id == actor.pk and not settings.PAYMENT_ONE_PERSON_MAY_GATHER_AND_APPROVE:
        raise PermissionDenied("支付批次须由另一位财务人员审批（生成与审批分离）。")
    second_factor.require_recent(None, "审批支付批次", context=context)
    with transaction.atomic():
        if not PaymentBatch.objects.filter(pk=batch.pk, state=BatchState.DRAFT).update(
                state=BatchState.APPROVED, approved_by=actor, approved_at=timezone.now()):
            raise cases.CaseConflict("该批次已审批。")
        audit.record(actor=actor, action="mutual_aid.batch_approve", obj=batch,
                     summary=f"审批支付批次{batch.number}：{batch.count}笔，{batch.total}元")
    batch.refresh_from_db()
    return batch


def batch_export(*, actor, batch: PaymentBatch, exporter: str = "xlsx",
                 context: Context | None = None) -> tuple[bytes, str, str]:
    """The bank's transfer file (full account numbers: audited, needs the second factor, as for approval)."""
    from ..bankfiles import EXPORTERS

    _require(actor, PERM_PAY, batch.org.path, "导出银行文件")
    if batch.state not in (BatchState.APPROVED, BatchState.EXPORTED):
        raise cases.CaseConflict("批次审批后才能导出银行文件。")
    second_factor.require_recent(None, "导出银行文件", context=context)
    if exporter not in EXPORTERS:
        raise ValidationError("未知的银行文件格式。")
    lines = list(batch.lines.filter(status=LineStatus.PENDING))
    data, content_type, extension = EXPORTERS[exporter](batch, lines)
    with transaction.atomic():
        PaymentBatch.objects.filter(pk=batch.pk, state=BatchState.APPROVED).update(
            state=BatchState.EXPORTED, exported_at=timezone.now())
        audit.record(actor=actor, action="mutual_aid.batch_export", obj=batch,
                     summary=f"导出银行文件{batch.number}（{len(lines)}笔，含完整账号）",
                     changes={"sha256": hashlib.sha256(data).hexdigest()})
    return data, content_type, f"{batch.number}.{extension}"


PAID_WORDS = {"成功", "已支付", "支付成功", "success", "ok", "paid"}


def batch_import_result(*, actor, batch: PaymentBatch, data: bytes, filename: str) -> dict:
    """The bank's result file: 业务参考号 (the case number), 状态 (成功/失败), 失败原因. Paid rows fulfil their
    case and notify the worker; failed rows send the worker to correct the bank card. A row already
    settled is skipped, so importing the same file twice changes nothing."""
    _require(actor, PERM_PAY, batch.org.path, "导入银行结果")
    if batch.state not in (BatchState.EXPORTED, BatchState.CLOSED):
        raise cases.CaseConflict("请先导出银行文件，再导入银行的处理结果。")
    try:
        table = read_table(data, filename)
    except FileRefused as exc:
        raise ValidationError(exc.message) from None
    positions = {name: i for i, name in enumerate(table.header) if name}
    if "业务参考号" not in positions or "状态" not in positions:
        raise ValidationError("结果文件应包含“业务参考号”和“状态”两列。")
    lines = {line.claim.case.number: line for line in batch.lines.select_related("claim__case__item")}
    counts = {"paid": 0, "failed": 0, "skipped": 0, "unknown": []}
    def cell(cells, name):
        i = positions.get(name)
        return cell_text(cells[i]) if i is not None and i < len(cells) else ""

    for row_no, cells in table.rows:
        reference = cell(cells, "业务参考号")
        if not reference:
            continue
        line = lines.get(reference)
        if line is None:
            counts["unknown"].append(f"第{row_no}行：{reference}不在本批次")
            continue
        paid = cell(cells, "状态").lower() in PAID_WORDS
        with transaction.atomic():
            settled = PaymentLine.objects.filter(pk=line.pk, status=LineStatus.PENDING).update(
                status=LineStatus.PAID if paid else LineStatus.FAILED, settled_at=timezone.now(),
                reason="" if paid else (cell(cells, "失败原因") or "银行退回")[:200])
            if not settled:
                counts["skipped"] += 1
                continue
            case = line.claim.case
            if paid:
                Claim.objects.filter(pk=line.claim_id).update(paid_at=timezone.now())
                cases.transition(actor=actor, case=case, name="fulfil")
                counts["paid"] += 1
            else:
                reason = cell(cells, "失败原因") or "银行退回"
                Claim.objects.filter(pk=line.claim_id).update(payment_problem=reason[:200])
                cases.add_event(case, actor, "transition", "支付失败，请更正银行卡", text=reason)
                from gonghui.cases import notify

                notify.notify_applicant(case, "payment_failed", reason=reason)
                counts["failed"] += 1
    with transaction.atomic():
        PaymentBatch.objects.filter(pk=batch.pk).update(state=BatchState.CLOSED)
        audit.record(actor=actor, action="mutual_aid.batch_result", obj=batch,
                     summary=f"导入银行结果{batch.number}：成功{counts['paid']}，失败{counts['failed']}，"
                             f"已处理跳过{counts['skipped']}")
    return counts


def paid_total(plan_year: PlanYear) -> Decimal:
    return (PaymentLine.objects.filter(status=LineStatus.PAID, claim__product__plan_year=plan_year)
            .aggregate(s=Sum("amount"))["s"] or Decimal("0"))
