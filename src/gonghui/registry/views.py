"""Workbench pages of the registry. Thin: parse, call a selector or a service, render."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from gonghui.accounts import second_factor
from gonghui.core import pii
from gonghui.core.numbers import as_id
from gonghui.orgs.models import OrgKind
from gonghui.orgs.selectors import home_org, org_children
from gonghui.web import downloads
from gonghui.web.actions import flash, reveal_answer, step_up

from . import accounts, archive, consents, selectors, services
from .importing import KINDS, template_xlsx
from .models import (
    CorrectionRequest,
    CorrectionStatus,
    ImportKind,
    ImportStatus,
    Tag,
    WorkerAccount,
)

PAGE_SIZE = 30


SEARCHES_KEPT = 20


def _remember_search(request, q: str) -> str:
    """Keep a search in the session and return an opaque token for the URL.

    A search may be a full ID number or a phone: it must not travel in a URL, where it would land in
    access logs, browser history and Referer headers. The form posts it; the result page's URL only
    carries the token.
    """
    searches = request.session.get("worker_searches", {})
    token = secrets.token_urlsafe(8)
    searches[token] = q
    request.session["worker_searches"] = dict(list(searches.items())[-SEARCHES_KEPT:])
    return token


def _worker_filters(request) -> dict:
    enterprise = request.GET.get("enterprise", "")
    token = request.GET.get("s", "")
    q = request.session.get("worker_searches", {}).get(token, "") if token else request.GET.get("q", "")
    return {
        "q": q.strip()[:40],
        "enterprise_id": as_id(enterprise),
        "tag": request.GET.get("tag", "")[:40] or None,
    }


@login_required
def worker_list(request):
    if request.method == "POST":
        params = request.GET.copy()
        params.pop("page", None)
        params.pop("q", None)
        params["s"] = _remember_search(request, request.POST.get("q", "").strip()[:40])
        tag = request.POST.get("tag", "")
        if tag:
            params["tag"] = tag
        else:
            params.pop("tag", None)
        return redirect(f"{request.path}?{params.urlencode()}")
    filters = _worker_filters(request)
    workers = selectors.worker_search(user=request.user, **filters)
    # a count over 700,000 rows is the slow part of a list: show it only for a narrowed search
    paginator = Paginator(workers, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    kind, value = selectors.classify_query(filters["q"])
    sensitive = kind in ("id", "phone")  # not echoed back in clear: the screen shows numbers masked
    return render(request, "registry/worker_list.html", {
        "page": page, "filters": filters, "tags": Tag.objects.order_by("name"),
        "echo_q": "" if sensitive else filters["q"],
        "capped": selectors.pinyin_search_capped(user=request.user, **filters),
        "shown_q": (pii.mask_id(value) if kind == "id" else pii.mask_phone(value)) if sensitive else filters["q"],
        "can_export_full": request.user.has_perm(services.PERM_EXPORT_PII),
    })


@login_required
def worker_export(request):
    filters = _worker_filters(request)
    full = request.GET.get("full") == "1"
    workers = selectors.worker_search(user=request.user, **filters)
    try:
        data = services.worker_export(actor=request.user, workers=workers, full=full, request=request,
                                      description=f"条件：{filters['q'] or '全部'}")
    except second_factor.StepUpRequired:
        return step_up(request)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("registry:worker_list")
    return downloads.xlsx(data, f"职工名单-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
def worker_detail(request, pk: int):
    worker = selectors.worker_get(user=request.user, pk=pk)
    return render(request, "registry/worker_detail.html", {
        "worker": worker,
        "employments": list(worker.employments.all()),
        "sections": archive.sections_for(worker, request.user),
        "can_reveal": request.user.has_perm(services.PERM_VIEW_PII),
    })


@login_required
@require_POST
def worker_reveal(request, pk: int, what: str):
    worker = selectors.worker_get(user=request.user, pk=pk)
    if what not in ("id_number", "bank_card"):
        raise Http404
    return reveal_answer(
        request, lambda: services.worker_reveal_pii(actor=request.user, worker=worker, what=what, request=request),
        url=reverse("registry:worker_reveal", args=[worker.pk, what]))


@login_required
def enterprise_list(request):
    town = request.GET.get("town", "")
    q = request.GET.get("q", "").strip()[:60]
    enterprises = selectors.enterprise_list(user=request.user, q=q, town_id=as_id(town))
    page = Paginator(enterprises, PAGE_SIZE).get_page(request.GET.get("page"))
    towns = []
    home = home_org(user=request.user)
    if home is not None and home.kind == OrgKind.FEDERATION:
        towns = org_children(user=request.user, org=home)
    return render(request, "registry/enterprise_list.html", {"page": page, "q": q, "town": town,
                                                             "towns": towns})


@login_required
def enterprise_detail(request, pk: int):
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    workers = selectors.worker_search(user=request.user, enterprise_id=enterprise.pk)
    page = Paginator(workers, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "registry/enterprise_detail.html", {"enterprise": enterprise, "page": page})


@login_required
def import_list(request):
    if request.method == "POST":
        upload = request.FILES.get("file")
        kind = request.POST.get("kind", "")
        try:
            if upload is None:
                raise ValidationError("请选择要上传的文件。")
            job = services.import_job_create(actor=request.user, kind=kind, filename=upload.name,
                                             data=upload.read(), request=request)
        except (ValidationError, PermissionDenied) as exc:
            flash(request, exc)
            return redirect("registry:import_list")
        return redirect("registry:import_detail", pk=job.pk)
    jobs = selectors.import_job_list(user=request.user)[:20]
    return render(request, "registry/import_list.html", {
        "jobs": jobs, "kinds": [(k.code, k.label) for k in KINDS.values() if k.listed],
        "can_import": request.user.has_perm(services.PERM_IMPORT),
    })


def _job_context(request, pk: int) -> dict:
    job = selectors.import_job_get(user=request.user, pk=pk)
    progress = services.import_progress(job)
    total = progress.get("total") or 0
    percent = min(100, round(100 * progress.get("done", 0) / total)) if total else 0
    preview = job.preview or {}
    return {"job": job, "progress": progress, "percent": percent, "S": ImportStatus,
            "preview_rows": preview.get("rows") or [], "summary": preview.get("summary") or [],
            "running": job.status in (ImportStatus.UPLOADED, ImportStatus.VALIDATING, ImportStatus.IMPORTING),
            "sample_errors": job.errors[:20]}


@login_required
def import_detail(request, pk: int):
    return render(request, "registry/import_detail.html", _job_context(request, pk))


@login_required
def import_progress(request, pk: int):
    """The job's status panel, polled by htmx while the job runs."""
    return render(request, "registry/_import_status.html", _job_context(request, pk))


@login_required
@require_POST
def import_confirm(request, pk: int):
    job = selectors.import_job_get(user=request.user, pk=pk)
    try:
        services.import_job_confirm(actor=request.user, job=job, request=request)
    except (ValidationError, PermissionDenied) as exc:
        flash(request, exc)
    return redirect("registry:import_detail", pk=job.pk)


@login_required
def import_errors(request, pk: int):
    job = selectors.import_job_get(user=request.user, pk=pk)
    return downloads.xlsx(services.import_errors_xlsx(job), f"错误报告-{job.filename}.xlsx")


@login_required
def import_template(request, kind: str):
    if kind not in ImportKind.values:
        raise Http404
    label = dict(ImportKind.choices)[kind]
    return downloads.xlsx(template_xlsx(kind), f"{label}导入模板.xlsx")


@login_required
def binding_list(request):
    """New employees waiting to be admitted to the registry, in the user's towns."""
    pending = accounts.bindings_pending(actor=request.user)
    return render(request, "registry/binding_list.html", {
        "pending": pending,
        "enterprises": {a.pk: selectors.enterprise_list(user=request.user).filter(town=a.town)[:200]
                        for a in pending[:50]},
    })


@login_required
@require_POST
def binding_decide(request, pk: int):
    account = WorkerAccount.objects.visible_to(request.user, accounts.PERM_DECIDE).filter(pk=pk).first()
    if account is None:
        raise Http404
    try:
        if request.POST.get("decision") == "approve":
            chosen = request.POST.get("enterprise", "")
            if not chosen.isdigit():
                raise ValidationError({"enterprise": f"请先为{account.name}选择所在企业，再点“通过”。"})
            try:
                enterprise = selectors.enterprise_get(user=request.user, pk=int(chosen))
            except Http404:
                raise ValidationError({"enterprise": "所选企业不在您的管辖范围内，请重新选择。"}) from None
            worker = accounts.binding_approve(actor=request.user, account=account, enterprise=enterprise,
                                              request=request)
            messages.success(request, f"已通过：{worker.name}已加入职工档案（{enterprise.name}）。")
        else:
            accounts.binding_refuse(actor=request.user, account=account, reason=request.POST.get("reason", ""),
                                    request=request)
            messages.success(request, f"已不予通过{account.name}的绑定申请。")
    except (ValidationError, PermissionDenied) as exc:
        flash(request, exc)
    return redirect("registry:binding_list")


@login_required
def correction_list(request):
    rows = (CorrectionRequest.objects.visible_to(request.user, accounts.PERM_DECIDE)
            .filter(status=CorrectionStatus.OPEN).select_related("worker").order_by("created_at")[:100])
    return render(request, "registry/correction_list.html", {"rows": rows})


@login_required
@require_POST
def correction_handle(request, pk: int):
    row = CorrectionRequest.objects.visible_to(request.user, accounts.PERM_DECIDE).select_related(
        "worker__org").filter(pk=pk).first()
    if row is None:
        raise Http404
    try:
        consents.correction_handle(actor=request.user, row=row, accept=request.POST.get("decision") == "accept",
                                   reply=request.POST.get("reply", ""), request=request)
        messages.success(request, "已处理更正申请。")
    except (ValidationError, PermissionDenied) as exc:
        flash(request, exc)
    return redirect("registry:correction_list")
