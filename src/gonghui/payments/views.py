"""Pages of the payments (/desk/payments/): what each source has to pay, gathered into batches; a batch's
approval, bank file and bank result. Thin: parse, call a service, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gonghui.accounts import second_factor
from gonghui.core.numbers import as_id, money
from gonghui.orgs.selectors import towns_for
from gonghui.web.actions import flash, step_up
from gonghui.web.downloads import download

from . import selectors, services, sources
from .models import PERM_PAY, LineStatus, PaymentBatch

PAYABLE_SHOWN = 500
LINES_SHOWN = 1000  # a history batch holds a whole past year


def _require_pay(request):
    if not request.user.has_perm(PERM_PAY):
        raise PermissionDenied("您没有支付的权限。")


def _filters(request, source: sources.Source) -> dict:
    def day(key):
        try:
            return dt.date.fromisoformat(request.GET.get(key, ""))
        except ValueError:
            return None

    town_id = request.GET.get("town", "")
    town = next((t for t in towns_for(user=request.user) if str(t.pk) == town_id), None)
    tags = [value for value, _ in source.call("tags")] if source.tags else []
    tag = request.GET.get("tag", "")
    return {"town": town, "approved_from": day("from"), "approved_to": day("to"), "tag": tag if tag in tags else ""}


@login_required
def batches(request):
    """Finance chooses what a batch pays: every payable row of the kind by default, or narrowed by town, by
    the days they were approved on and by group (a plan year), any unticked."""
    _require_pay(request)
    kinds = sources.all_sources()
    source = sources.get(request.GET.get("source", "")) or kinds[0]
    filters = _filters(request, source)
    if request.method == "POST":
        try:
            chosen = {as_id(pk) for pk in request.POST.getlist("rows")} - {None}
            if not chosen:
                raise ValidationError("请勾选要支付的记录。")
            rows = source.call("rows", request.user).filter(pk__in=chosen)
            batch = services.batch_create(actor=request.user, source=source.code, rows=rows)
            messages.success(request, f"已生成支付批次{batch.number}：{batch.count}笔，{money(batch.total)}元。")
            return redirect("payments:batch", pk=batch.pk)
        except (ValidationError, PermissionDenied, services.PaymentConflict) as exc:
            flash(request, exc)
        return redirect(request.get_full_path())
    payable = source.call("rows", request.user, **filters)
    shown = [source.call("shown", row) for row in payable[:PAYABLE_SHOWN]]
    count = payable.count()
    return render(request, "payments/batches.html", {
        "source": source, "kinds": kinds, "filters": filters, "towns": towns_for(user=request.user),
        "tags": source.call("tags") if source.tags else [],
        "batches": selectors.batches(user=request.user, source=source.code)[:100], "rows": shown,
        "payable_count": count, "payable_total": source.call("total", payable),
        "more": count > len(shown), "query": request.GET.urlencode(),
    })


def _batch(request, pk: int) -> PaymentBatch:
    """A batch in the user's payment scope; any other is not found (never "forbidden")."""
    return selectors.batch_get(user=request.user, pk=pk)


@login_required
def batch(request, pk: int):
    batch = _batch(request, pk)
    lines = list(selectors.batch_lines(batch)[:LINES_SHOWN + 1])
    return render(request, "payments/batch.html", {"batch": batch, "lines": lines[:LINES_SHOWN],
                                                   "more": len(lines) > LINES_SHOWN, "LineStatus": LineStatus})


@login_required
@require_POST
def batch_approve(request, pk: int):
    """Approving always asks for a fresh code on the page (never the five minutes of an earlier one)."""
    batch = _batch(request, pk)
    if not second_factor.has_device(request.user):
        return redirect("desk:2fa_setup")
    if not second_factor.verify(request=request, code=request.POST.get("code", "")):
        messages.error(request, "动态验证码不正确或已使用，请输入验证器上的新验证码。")
        return redirect("payments:batch", pk=pk)
    try:
        services.batch_approve(actor=request.user, batch=batch)
        messages.success(request, f"批次{batch.number}已审批。")
    except second_factor.StepUpRequired:
        return step_up(request, reverse("payments:batch", args=[pk]))
    except (ValidationError, PermissionDenied, services.PaymentConflict) as exc:
        flash(request, exc)
    return redirect("payments:batch", pk=pk)


@login_required
def batch_export(request, pk: int):
    batch = _batch(request, pk)
    try:
        data, content_type, filename = services.batch_export(actor=request.user, batch=batch,
                                                             exporter=request.GET.get("format", "xlsx"))
    except second_factor.StepUpRequired:
        return step_up(request)
    except (ValidationError, PermissionDenied, services.PaymentConflict) as exc:
        flash(request, exc)
        return redirect("payments:batch", pk=pk)
    return download(data, content_type, filename)


@login_required
@require_POST
def batch_result(request, pk: int):
    batch = _batch(request, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择银行返回的结果文件。")
        return redirect("payments:batch", pk=pk)
    try:
        counts = services.batch_import_result(actor=request.user, batch=batch, data=upload.read(),
                                              filename=upload.name)
        skipped = f"，已处理过{counts['skipped']}笔" if counts["skipped"] else ""
        messages.success(request, f"已导入银行结果：成功{counts['paid']}笔，失败{counts['failed']}笔{skipped}。")
        for problem in counts["unknown"][:10]:
            messages.error(request, problem)
    except (ValidationError, PermissionDenied, services.PaymentConflict) as exc:
        flash(request, exc)
    return redirect("payments:batch", pk=pk)
