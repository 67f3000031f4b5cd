"""Every write of the payments: gather a source's payable rows into a batch, approve it (another officer,
a fresh second-factor code), export the bank file, import the bank's result. Each checks the permission
and the batch's state, runs in one transaction and is audited."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from gonghui.accounts import second_factor
from gonghui.core import audit, numbering, pii
from gonghui.core.context import Context
from gonghui.core.errors import Conflict
from gonghui.core.spreadsheets import FileRefused, cell_text, read_table
from gonghui.orgs.models import Org
from gonghui.orgs.scoping import in_scope, scope_paths

from . import sources
from .models import PERM_PAY, BatchState, LineStatus, PaymentBatch, PaymentLine

BATCH_PREFIX = "ZF"
MAX_BATCH = 2000
PAID_WORDS = {"成功", "已支付", "支付成功", "success", "ok", "paid"}


class PaymentConflict(Conflict):
    """The batch or a row moved meanwhile (approved already, paid in another batch)."""


def _require(actor, path: str, what: str) -> None:
    if not in_scope(actor, path, PERM_PAY):
        raise PermissionDenied(f"您没有{what}的权限。")


def _source(code: str) -> sources.Source:
    found = sources.get(code)
    if found is None:
        raise ValidationError("未知的支付类别。")
    return found


def batch_create(*, actor, source: str, rows) -> PaymentBatch:
    """Gather payable rows of ``source`` into a batch. A row already in a pending or paid line is refused by
    the database (two finance officers gathering at once: each row lands in one batch)."""
    paths = scope_paths(actor, PERM_PAY)
    if not paths:
        raise PermissionDenied("您没有支付的权限。")
    spec = _source(source)
    rows = list(rows)[:MAX_BATCH]
    if not rows:
        raise ValidationError("没有勾选待支付的记录。")
    tags = {spec.call("tag", row) for row in rows} if spec.tag else {""}
    if len(tags) > 1:
        raise ValidationError(f"一个支付批次只能包含同一{spec.tag_label or '分组'}的记录，请先筛选。")
    org = Org.objects.get(path=min(paths, key=len))
    with transaction.atomic():
        batch = PaymentBatch.objects.create(number=numbering.next_number(BATCH_PREFIX, timezone.localdate().year),
                                            source=source, tag=tags.pop(), org=org, created_by=actor)
        total = Decimal("0")
        for row in rows:
            line = spec.call("line", row)
            org_path = Org.objects.filter(pk=line.org_id).values_list("path", flat=True).first() or ""
            if not in_scope(actor, org_path, PERM_PAY):
                raise ValidationError(f"{line.reference}不在您的支付范围内。")
            try:
                with transaction.atomic():
                    PaymentLine.objects.create(
                        batch=batch, source=source, object_id=line.object_id, org_id=line.org_id,
                        case_id=line.case_id, reference=line.reference, purpose=spec.purpose, payee=line.payee,
                        bank_name=line.bank_name, account_enc=pii.encrypt(line.account, field="bank_card"),
                        account_last4=line.account[-4:], amount=line.amount)
            except IntegrityError:
                raise PaymentConflict(f"{line.reference}已在其他支付批次中。") from None
            total += line.amount
        PaymentBatch.objects.filter(pk=batch.pk).update(total=total, count=len(rows))
        audit.record(actor=actor, action="payments.batch_create", obj=batch,
                     summary=f"{spec.label}支付批次{batch.number}：{len(rows)}笔，{total}元")
    batch.refresh_from_db()
    return batch


def batch_approve(*, actor, batch: PaymentBatch, context: Context | None = None) -> PaymentBatch:
    """Approve a batch for payment: finance with the second factor passed in the last five minutes (in the
    current context — the web request, the API call, the task — or the one given); not the officer who
    gathered it, unless the installation allows one officer to do both."""
    _require(actor, batch.org.path, "审批支付批次")
    if batch.created_by_id == actor.pk and not settings.PAYMENT_ONE_PERSON_MAY_GATHER_AND_APPROVE:
        raise PermissionDenied("支付批次须由另一位财务人员审批（生成与审批分离）。")
    second_factor.require_recent(None, "审批支付批次", context=context)
    with transaction.atomic():
        if not PaymentBatch.objects.filter(pk=batch.pk, state=BatchState.DRAFT).update(
                state=BatchState.APPROVED, approved_by=actor, approved_at=timezone.now()):
            raise PaymentConflict("该批次已审批。")
        audit.record(actor=actor, action="payments.batch_approve", obj=batch,
                     summary=f"审批支付批次{batch.number}：{batch.count}笔，{batch.total}元")
    batch.refresh_from_db()
    return batch


def batch_export(*, actor, batch: PaymentBatch, exporter: str = "xlsx",
                 context: Context | None = None) -> tuple[bytes, str, str]:
    """The bank's transfer file (full account numbers: audited, needs the second factor, as for approval)."""
    from .bankfiles import EXPORTERS

    _require(actor, batch.org.path, "导出银行文件")
    if batch.state not in (BatchState.APPROVED, BatchState.EXPORTED):
        raise PaymentConflict("批次审批后才能导出银行文件。")
    second_factor.require_recent(None, "导出银行文件", context=context)
    if exporter not in EXPORTERS:
        raise ValidationError("未知的银行文件格式。")
    lines = list(batch.lines.filter(status=LineStatus.PENDING))
    data, content_type, extension = EXPORTERS[exporter](batch, lines)
    with transaction.atomic():
        PaymentBatch.objects.filter(pk=batch.pk, state=BatchState.APPROVED).update(
            state=BatchState.EXPORTED, exported_at=timezone.now())
        audit.record(actor=actor, action="payments.batch_export", obj=batch,
                     summary=f"导出银行文件{batch.number}（{len(lines)}笔，含完整账号）",
                     changes={"sha256": hashlib.sha256(data).hexdigest()})
    return data, content_type, f"{batch.number}.{extension}"


def batch_import_result(*, actor, batch: PaymentBatch, data: bytes, filename: str) -> dict:
    """The bank's result file: 业务参考号 (the line's reference), 状态 (成功/失败), 失败原因. Each settled line
    tells its source (which fulfils the claim, marks the reward paid, asks the worker for another card). A
    line already settled is skipped, so importing the same file twice changes nothing."""
    _require(actor, batch.org.path, "导入银行结果")
    if batch.state not in (BatchState.EXPORTED, BatchState.CLOSED):
        raise PaymentConflict("请先导出银行文件，再导入银行的处理结果。")
    try:
        table = read_table(data, filename)
    except FileRefused as exc:
        raise ValidationError(exc.message) from None
    positions = {name: i for i, name in enumerate(table.header) if name}
    if "业务参考号" not in positions or "状态" not in positions:
        raise ValidationError("结果文件应包含“业务参考号”和“状态”两列。")
    spec = _source(batch.source)
    lines = {line.reference: line for line in batch.lines.all()}
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
        reason = "" if paid else (cell(cells, "失败原因") or "银行退回")[:200]
        with transaction.atomic():
            settled = PaymentLine.objects.filter(pk=line.pk, status=LineStatus.PENDING).update(
                status=LineStatus.PAID if paid else LineStatus.FAILED, settled_at=timezone.now(), reason=reason,
                bank_reference=cell(cells, "银行流水号")[:60])
            if not settled:
                counts["skipped"] += 1
                continue
            spec.call("settle", actor, line, paid, reason)
            counts["paid" if paid else "failed"] += 1
    with transaction.atomic():
        PaymentBatch.objects.filter(pk=batch.pk).update(state=BatchState.CLOSED)
        audit.record(actor=actor, action="payments.batch_result", obj=batch,
                     summary=f"导入银行结果{batch.number}：成功{counts['paid']}，失败{counts['failed']}，"
                             f"已处理跳过{counts['skipped']}")
    return counts
