"""Plan-year administration on /desk/ (the city's mutual-aid administrators edit, everyone who sees mutual
aid reads): plan years, products and their benefit rules with a worked sample, rule changes from a date,
the enrolment window, closing a year, late-claim exceptions, and the import of past years. Thin: parse,
call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gonghui.web.actions import field_errors, flash, perform

from . import selectors, services
from .models import LateCover, Payer
from .views import _require_view


def _year_url(plan_year) -> str:
    return reverse("mutual_aid:year", args=[plan_year.year])


@login_required
def years(request):
    _require_view(request)
    admin = services.may_administer(request.user)
    if request.method == "POST":
        source = selectors.plan_year_or_none(request.POST.get("copy_from", ""))
        try:
            plan_year = services.plan_year_create(actor=request.user, year=request.POST.get("year", ""),
                                                  copy_from=source)
        except (ValidationError, PermissionDenied) as exc:
            flash(request, exc)
            return redirect("mutual_aid:years")
        copied = f"（复制自{source.name}），请核对日期和规则。" if source else "。"
        messages.success(request, f"已设立{plan_year.name}{copied}")
        return redirect(_year_url(plan_year))
    plan_years = list(selectors.plan_years().prefetch_related("products"))
    latest = plan_years[0] if plan_years else None
    return render(request, "mutual_aid/years.html", {
        "plan_years": plan_years, "admin": admin, "next_year": (latest.year + 1) if latest else "",
        "latest": latest,
    })


@login_required
def year(request, year: int):
    _require_view(request)
    plan_year = selectors.plan_year_by_number(year)
    admin = services.may_administer(request.user)
    errors = {}
    if request.method == "POST":
        try:
            services.plan_year_update(actor=request.user, plan_year=plan_year, data=request.POST)
            messages.success(request, f"{plan_year.name}已保存。")
            return redirect(_year_url(plan_year))
        except PermissionDenied as exc:
            flash(request, exc)
            return redirect(_year_url(plan_year))
        except ValidationError as exc:
            errors = field_errors(exc)
            messages.error(request, "请按提示修改后再保存。")
            plan_year.refresh_from_db()
    return render(request, "mutual_aid/year.html", {
        "plan_year": plan_year, "admin": admin, "errors": errors, "general": errors.get("__all__", []),
        "form": request.POST if errors else None,
        "products": selectors.products_with_changes(plan_year), "late_covers": LateCover.choices,
        "exceptions": selectors.late_exceptions(plan_year)[:50], "history_jobs": selectors.history_jobs(request.user),
    })


@login_required
@require_POST
def year_window(request, year: int):
    plan_year = selectors.plan_year_by_number(year)
    open_now = request.POST.get("action") == "open"
    return perform(request, lambda: services.enrolment_window_set(actor=request.user, plan_year=plan_year,
                                                                  open_now=open_now),
                   success="参保已开放。" if open_now else "参保已截止，此后上传的花名册按逾期参保确定保障起始日。",
                   then=_year_url(plan_year))


@login_required
@require_POST
def year_close(request, year: int):
    plan_year = selectors.plan_year_by_number(year)
    return perform(request, lambda: services.plan_year_close(actor=request.user, plan_year=plan_year),
                   success=f"{plan_year.name}已关闭。", then=_year_url(plan_year))


@login_required
@require_POST
def late_exception(request, year: int):
    plan_year = selectors.plan_year_by_number(year)
    return perform(request, lambda: services.late_exception_grant(
        actor=request.user, plan_year=plan_year, id_number=request.POST.get("id_number", ""),
        reason=request.POST.get("reason", "")),
        success="已批准逾期申请，该职工现在可以提交本年度的报销申请（限一次）。", then=_year_url(plan_year))


@login_required
@require_POST
def history_upload(request, year: int):
    """A past year's enrolments or settled claims: queued as an import job, which shows the totals it will
    add per year and town before anything is written."""
    from gonghui.registry import services as registry_services

    plan_year = selectors.plan_year_by_number(year)
    kind = request.POST.get("kind", "")
    upload = request.FILES.get("file")
    try:
        if kind not in ("ma_history_enrolments", "ma_history_claims"):
            raise ValidationError("请选择导入的数据类型。")
        if upload is None:
            raise ValidationError("请选择要上传的文件。")
        job = registry_services.import_job_create(actor=request.user, kind=kind, filename=upload.name,
                                                  data=upload.read(), request=request)
    except (ValidationError, PermissionDenied) as exc:
        flash(request, exc)
        return redirect(_year_url(plan_year))
    return redirect("registry:import_detail", pk=job.pk)


# --- products and their rules ---------------------------------------------------------------------------

def _product_context(request, plan_year, product, data: dict | None, errors: dict, trial=None) -> dict:
    form = data if data is not None else (
        {"name": product.name, "code": product.code, "contribution": product.contribution,
         "waiting_days": product.waiting_days, "rules_note": product.rules_note, "order": product.order,
         **{f"payer_{k}": v for k, v in product.payers.items()}, **services.rules_to_form(product.rules)}
        if product else {"kind": "share", "base": "insured", "bands": "以上 13%", "waiting_days": "0",
                         "deductible": "0", "order": "10"})
    return {"plan_year": plan_year, "product": product, "form": form, "errors": errors, "trial": trial,
            "general": errors.get("__all__", []),
            "admin": services.may_administer(request.user),
            "payers": [(value, label, form.get(f"payer_{value}", "")) for value, label in Payer.choices],
            "changes": list(product.rule_changes.all()) if product else [],
            "valued": selectors.valued_claims(product) if product else 0}


@login_required
def product(request, year: int, pk: int | None = None):
    """The product's page: its contribution, waiting period and benefit rules; 试算 shows the working of
    the rules as filled in on a sample claim, without saving; 保存 saves them."""
    _require_view(request)
    plan_year = selectors.plan_year_by_number(year)
    product = selectors.product_or_404(plan_year=plan_year, pk=pk) if pk else None
    if request.method != "POST":
        return render(request, "mutual_aid/product.html", _product_context(request, plan_year, product, None, {}))
    data = request.POST
    if data.get("action") == "try":
        try:
            rules = services.rules_from_form(data)
            amount, working = services.rules_try(rules, eligible=data.get("sample", ""),
                                                 condition=data.get("sample_condition", ""),
                                                 already_granted=data.get("sample_granted", ""))
            trial = {"amount": amount, "working": working}
            errors = {}
        except ValidationError as exc:
            trial, errors = None, field_errors(exc)
        return render(request, "mutual_aid/product.html",
                      _product_context(request, plan_year, product, data, errors, trial))
    try:
        saved = services.product_save(actor=request.user, plan_year=plan_year, data=data, product=product)
    except PermissionDenied as exc:
        flash(request, exc)
        return redirect(_year_url(plan_year))
    except ValidationError as exc:
        messages.error(request, "请按提示修改后再保存。")
        return render(request, "mutual_aid/product.html",
                      _product_context(request, plan_year, product, data, field_errors(exc)))
    messages.success(request, f"{saved.name}已保存。")
    return redirect("mutual_aid:product", year=plan_year.year, pk=saved.pk)


@login_required
@require_POST
def rule_change(request, year: int, pk: int):
    plan_year = selectors.plan_year_by_number(year)
    product = selectors.product_or_404(plan_year=plan_year, pk=pk)
    try:
        change = services.rule_change_add(actor=request.user, product=product,
                                          effective_from=request.POST.get("effective_from", ""), data=request.POST,
                                          note=request.POST.get("note", ""))
    except PermissionDenied as exc:
        flash(request, exc)
        return redirect("mutual_aid:product", year=year, pk=pk)
    except ValidationError as exc:
        messages.error(request, "规则变更未保存，请按提示修改。")
        context = _product_context(request, plan_year, product, request.POST, {})
        context.update(change_form=request.POST, change_errors=field_errors(exc))
        return render(request, "mutual_aid/product.html", context)
    messages.success(request, f"已保存规则变更：自{change.effective_from}起施行。")
    return redirect("mutual_aid:product", year=year, pk=pk)
