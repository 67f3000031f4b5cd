"""The audit administrator's pages: search the audit trail and export it."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from . import audit
from .models import AuditLog
from .spreadsheets import write_xlsx


def _filtered(request):
    qs = AuditLog.objects.order_by("-seq")
    errors = []
    person = request.GET.get("person", "").strip()[:150]
    action = request.GET.get("action", "").strip()[:64]
    obj = request.GET.get("object", "").strip()[:64]
    if person:
        qs = qs.filter(actor_label=person)
    if action:
        qs = qs.filter(action__startswith=action)
    if obj:
        qs = qs.filter(object_id=obj) if obj.isdigit() else qs.filter(object_type=obj)
    for name, lookup in (("since", "at__gte"), ("until", "at__lt")):
        value = request.GET.get(name, "")
        if value:
            try:
                day = dt.date.fromisoformat(value)
            except ValueError:
                errors.append(f"日期“{value[:20]}”格式应为 YYYY-MM-DD")
                continue
            if name == "until":
                day += dt.timedelta(days=1)
            qs = qs.filter(**{lookup: timezone.make_aware(dt.datetime.combine(day, dt.time()))})
    return qs, errors


@login_required
@permission_required("core.view_auditlog", raise_exception=True)
def audit_list(request):
    qs, errors = _filtered(request)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_list.html", {"page": page, "errors": errors, "params": request.GET,
                                                    "retention_days": audit.RETENTION_DAYS})


@login_required
@permission_required("core.view_auditlog", raise_exception=True)
def audit_export(request):
    qs, _errors = _filtered(request)
    rows = [[r.seq, timezone.localtime(r.at).strftime("%Y-%m-%d %H:%M:%S"), r.actor_label, r.ip or "", r.action,
             r.object_type, r.object_id, r.summary] for r in qs[:100_000]]
    audit.record(actor=request.user, action="audit.export", request=request,
                 summary=f"导出审计日志{len(rows)}条")
    data = write_xlsx(["序号", "时间", "操作人", "IP", "操作", "对象类型", "对象", "摘要"], rows, sheet="审计日志",
                      widths={1: 20, 7: 60})
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = "attachment; filename=audit-log.xlsx"
    response["Cache-Control"] = "no-store"
    return response
