"""Pages of the model workers' module on /desk/ (the register, a model worker's page, allowances, health
checks, recuperation), the hospital claim's section on the case page (both surfaces) and the model worker's
own page on /m/. Thin: parse, call a service or a selector, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_POST

from gonghui.aid import services as aid
from gonghui.cases import selectors as case_selectors
from gonghui.cases import services as cases
from gonghui.cases.models import Case, State
from gonghui.core.numbers import as_id
from gonghui.web import downloads
from gonghui.web.actions import field_errors, flash, perform

from . import importers, selectors, services
from .models import (
    PERM_MANAGE,
    AllowanceLine,
    AllowanceRun,
    HealthCheck,
    Level,
    Recuperant,
    RecuperationGroup,
    RunState,
    Subsidy,
    Title,
)

FIELDS = ("title", "level", "year_awarded", "awarding_body", "employer", "retired_on", "died_on", "org", "note")


def _require(request) -> None:
    if not request.user.has_perm(PERM_MANAGE):
        raise PermissionDenied("您没有劳模管理的权限。")


def _values(mw) -> dict:
    """A model worker's record as the form's texts."""
    return {"title": str(mw.title_id), "level": mw.level, "year_awarded": str(mw.year_awarded),
            "awarding_body": mw.awarding_body, "employer": mw.employer, "note": mw.note, "org": str(mw.org_id),
            "retired_on": mw.retired_on.isoformat() if mw.retired_on else "",
            "died_on": mw.died_on.isoformat() if mw.died_on else ""}


def _choices(request) -> dict:
    return {"titles": Title.objects.all(), "levels": Level.choices, "units": services.managing_units(request.user),
            "statuses": selectors.STATUSES}


# --- the case page's section (hospital claims) ------------------------------------------------------------

def case_section(case: Case, user, surface: str) -> dict:
    ctx = {"template": f"model_workers/_{surface}_section.html", "invoices": list(case.medical_invoices.all()),
           "can_invoice": aid.may_edit_invoices(user, case, surface), "subsidy": Subsidy.objects.filter(
               case=case).first()}
    if surface == "desk" and case.state in (State.ACCEPTED, State.IN_REVIEW):
        try:
            ctx["quote"] = services.hospital_quote(case)
        except ValidationError as exc:
            ctx["quote_error"] = " ".join(exc.messages)
    ctx["needs_payee"] = surface == "m" and ctx["subsidy"] is not None and bool(ctx["subsidy"].payment_problem) \
        and case.state == State.APPROVED
    return ctx


@login_required(login_url=reverse_lazy("portal:login"))
@require_POST
def m_payee(request, number: str):
    case = case_selectors.my_case_get(user=request.user, number=number)
    return perform(request, lambda: services.payee_correct(
        actor=request.user, case=case, bank_card=request.POST.get("bank_card", ""),
        bank_name=request.POST.get("bank_name", "")),
        success="收款账户已更正，将在下一批次重新发放。", then=reverse("portal_cases:detail", args=[number]))


# --- the register ------------------------------------------------------------------------------------------

@login_required
def register(request):
    _require(request)
    get = request.GET
    rows = selectors.search(request.user, q=get.get("q", ""), level=get.get("level", ""),
                            status=get.get("status", ""), unit=get.get("unit", ""))
    page = Paginator(rows, 30).get_page(get.get("page"))
    return render(request, "model_workers/register.html", {
        "page": page, "q": get.get("q", ""), "level": get.get("level", ""), "status": get.get("status", ""),
        "unit": as_id(get.get("unit")), "tab": "register", "today": timezone.localdate(), **_choices(request)})


@login_required
def add(request):
    _require(request)
    values, errors = {}, {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in (*FIELDS, "id_number", "name", "phone")}
        try:
            mw = services.register(actor=request.user, **values)
        except ValidationError as exc:
            errors = field_errors(exc)
        except PermissionDenied as exc:
            errors = {"__all__": [str(exc)]}
        else:
            messages.success(request, f"已登记劳模{mw.name}。")
            return redirect("model_workers:detail", mw.pk)
    return render(request, "model_workers/add.html", {"values": values, "errors": errors, "tab": "register",
                                                      **_choices(request)})


@login_required
@require_POST
def import_upload(request):
    from gonghui.registry import services as registry_services

    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ValidationError("请选择劳模名册文件。")
        job = registry_services.import_job_create(actor=request.user, kind="model_workers", filename=upload.name,
                                                  data=upload.read(), request=request)
    except (ValidationError, PermissionDenied) as exc:
        flash(request, exc)
        return redirect("model_workers:register")
    return redirect("registry:import_detail", pk=job.pk)


@login_required
def import_template(request):
    _require(request)
    return downloads.xlsx(importers.template_xlsx(), "劳模名册导入模板.xlsx")


@login_required
def detail(request, pk: int):
    _require(request)
    mw = selectors.get(request.user, pk)
    errors, values = {}, _values(mw)
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in FIELDS}
        try:
            services.update(actor=request.user, mw=mw, **values)
        except ValidationError as exc:
            errors = field_errors(exc)
        except PermissionDenied as exc:
            errors = {"__all__": [str(exc)]}
        else:
            messages.success(request, "已保存。")
            return redirect("model_workers:detail", mw.pk)
        mw = selectors.get(request.user, pk)  # the form keeps what was typed; the page shows the record
    groups = RecuperationGroup.objects.filter(starts_on__gte=timezone.localdate()).order_by("starts_on")
    return render(request, "model_workers/detail.html", {
        "mw": mw, "values": values, "errors": errors, "tab": "register", "today": timezone.localdate(),
        "allowances": selectors.allowances_of(mw), "claims": selectors.claims_of(mw),
        "visits": mw.visits.all(), "checks": mw.checks.all(), "next_check": selectors.next_check(mw),
        "recuperations": mw.recuperations.select_related("group"), "groups": groups, **_choices(request)})


@login_required
@require_POST
def bank(request, pk: int):
    _require(request)
    mw = selectors.get(request.user, pk)
    return perform(request, lambda: services.bank_set(actor=request.user, mw=mw,
                                                      bank_card=request.POST.get("bank_card", ""),
                                                      bank_name=request.POST.get("bank_name", "")),
                   success="收款账户已更新。", then=reverse("model_workers:detail", args=[mw.pk]))


@login_required
def certificate(request, pk: int):
    _require(request)
    mw = selectors.get(request.user, pk)
    if request.method == "POST":
        upload = request.FILES.get("certificate")
        return perform(request, lambda: services.certificate_set(
            actor=request.user, mw=mw, name=upload.name if upload else "", data=upload.read() if upload else b""),
            success="证书扫描件已上传。", then=reverse("model_workers:detail", args=[mw.pk]))
    try:
        data, content_type = services.certificate_read(actor=request.user, mw=mw)
    except ValidationError as exc:
        flash(request, exc)
        return redirect("model_workers:detail", mw.pk)
    return downloads.inline_file(data, content_type, mw.certificate_name or "证书")


@login_required
@require_POST
def visit(request, pk: int):
    _require(request)
    mw = selectors.get(request.user, pk)
    post = request.POST
    return perform(request, lambda: services.visit_record(
        actor=request.user, mw=mw, visited_on=post.get("visited_on"), visitors=post.get("visitors", ""),
        reason=post.get("reason", ""), amount=post.get("amount")),
        success="已登记慰问。", then=reverse("model_workers:detail", args=[mw.pk]))


@login_required
@require_POST
def check(request, pk: int):
    _require(request)
    mw = selectors.get(request.user, pk)
    post = request.POST
    return perform(request, lambda: services.check_record(
        actor=request.user, mw=mw, checked_on=post.get("checked_on"), hospital=post.get("hospital", ""),
        result=post.get("result", "")), success="已登记体检。", then=reverse("model_workers:detail", args=[mw.pk]))


@login_required
def check_result(request, pk: int):
    _require(request)
    row = get_object_or_404(HealthCheck.objects.visible_to(request.user, PERM_MANAGE)
                            .select_related("model_worker__worker", "model_worker__org"), pk=pk)
    result = services.check_result_read(actor=request.user, check=row)
    return render(request, "model_workers/check_result.html", {"check": row, "result": result, "tab": "checks"})


# --- allowances ----------------------------------------------------------------------------------------------

@login_required
def allowances(request):
    _require(request)
    if request.method == "POST":
        try:
            counts = services.allowance_run(actor=request.user, month=request.POST.get("month", ""))
        except (ValidationError, PermissionDenied) as exc:
            flash(request, exc)
            return redirect("model_workers:allowances")
        messages.success(request, f"已生成发放表：新增{counts['created']}人，更新{counts['updated']}人，"
                                  f"删除{counts['removed']}人，未变{counts['unchanged']}人。"
                         + (f"已支付的{counts['locked']}笔与现标准不一致，请人工调整：" + "；".join(
                             counts["differences"][:10]) if counts["locked"] else ""))
        return redirect("model_workers:run", counts["run"])
    runs = list(AllowanceRun.objects.all()[:36])
    # each run's people and total within the viewer's units (a town reads its own share of the month)
    mine = {r["run"]: r for r in AllowanceLine.objects.visible_to(request.user, PERM_MANAGE).filter(
        run__in=runs).values("run").annotate(n=Count("pk"), s=Sum("amount")).order_by()}
    for r in runs:
        r.mine_count, r.mine_total = mine.get(r.pk, {}).get("n", 0), mine.get(r.pk, {}).get("s") or 0
    return render(request, "model_workers/allowances.html", {
        "runs": runs, "tab": "allowances", "is_city": services.is_city(request.user),
        "this_month": timezone.localdate().strftime("%Y-%m")})


@login_required
def run(request, pk: int):
    _require(request)
    found = get_object_or_404(AllowanceRun, pk=pk)
    if request.method == "POST":
        return perform(request, lambda: services.allowance_release(actor=request.user, run=found),
                       success="发放表已复核，可由财务生成支付批次。", then=reverse("model_workers:run", args=[pk]))
    lines = (AllowanceLine.objects.visible_to(request.user, PERM_MANAGE).filter(run=found)
             .select_related("model_worker__worker", "org").order_by("org__path", "pk"))
    no_card = lines.filter(model_worker__worker__bank_enc__isnull=True)
    page = Paginator(lines, 50).get_page(request.GET.get("page"))
    mine = lines.aggregate(n=Count("pk"), s=Sum("amount"))
    return render(request, "model_workers/run.html", {
        "run": found, "page": page, "mine_count": mine["n"], "mine_total": mine["s"] or 0,
        "no_card": no_card[:50], "no_card_count": no_card.count(),
        "failed": lines.exclude(payment_problem=""), "tab": "allowances", "S": RunState,
        "is_city": services.is_city(request.user)})


# --- health checks -------------------------------------------------------------------------------------------

@login_required
def checks(request):
    _require(request)
    today = timezone.localdate()
    try:
        by = dt.date.fromisoformat(request.GET["by"]) if request.GET.get("by") else dt.date(today.year, 12, 31)
    except ValueError:
        by = dt.date(today.year, 12, 31)
        messages.error(request, "日期格式不正确，已按年底显示。")
    due = selectors.checks_due(request.user, by=by, unit=request.GET.get("unit", ""))
    page = Paginator(due, 50).get_page(request.GET.get("page"))
    return render(request, "model_workers/checks.html", {
        "page": page, "count": len(due), "by": by, "unit": as_id(request.GET.get("unit")), "tab": "checks",
        **_choices(request)})


# --- recuperation --------------------------------------------------------------------------------------------

@login_required
def recuperation(request):
    _require(request)
    units = services.managing_units(request.user)
    if request.method == "POST":
        post = request.POST
        places = {u: post.get(f"places_{u.pk}", "") for u in units}
        try:
            group = services.group_create(actor=request.user, name=post.get("name", ""),
                                          starts_on=post.get("starts_on"), destination=post.get("destination", ""),
                                          days=post.get("days", "7"), places=places)
        except (ValidationError, PermissionDenied) as exc:
            flash(request, exc)
            return redirect("model_workers:recuperation")
        messages.success(request, f"已组织{group.name}。")
        return redirect("model_workers:group", group.pk)
    groups = RecuperationGroup.objects.annotate(total=Sum("places__places"), taken=Count("members", distinct=True)) \
        .order_by("-starts_on")[:30]
    return render(request, "model_workers/recuperation.html", {
        "groups": groups, "units": units, "tab": "recuperation", "is_city": services.is_city(request.user)})


@login_required
def group(request, pk: int):
    _require(request)
    found = get_object_or_404(RecuperationGroup, pk=pk)
    if request.method == "POST":
        mw = selectors.get(request.user, request.POST.get("model_worker"))
        return perform(request, lambda: services.recuperant_add(actor=request.user, group=found, mw=mw),
                       success=f"已推荐{mw.name}。", then=reverse("model_workers:group", args=[pk]))
    members = (Recuperant.objects.visible_to(request.user, PERM_MANAGE).filter(group=found)
               .select_related("model_worker__worker", "model_worker__title", "org"))
    taken = {}
    for m in Recuperant.objects.filter(group=found).values_list("org_id", flat=True):
        taken[m] = taken.get(m, 0) + 1
    places = [(p, taken.get(p.org_id, 0)) for p in found.places.select_related("org").order_by("org__path")]
    living = selectors.visible(request.user).exclude(died_on__lte=timezone.localdate())
    candidates = living.exclude(recuperations__group=found).order_by("org__path", "level", "pk")[:500]
    return render(request, "model_workers/group.html", {
        "group": found, "members": members, "places": places, "candidates": candidates, "tab": "recuperation",
        "open": found.starts_on > timezone.localdate()})


@login_required
@require_POST
def recuperant_remove(request, pk: int):
    _require(request)
    row = get_object_or_404(Recuperant.objects.visible_to(request.user, PERM_MANAGE).select_related("group"), pk=pk)
    return perform(request, lambda: services.recuperant_remove(actor=request.user, row=row),
                   success="已取消。", then=reverse("model_workers:group", args=[row.group_id]))


# --- the model worker's own page on /m/ ---------------------------------------------------------------------

@login_required(login_url=reverse_lazy("portal:login"))
def mine(request):
    worker = cases.worker_of(request.user)
    mw = services.record_of(worker)
    if mw is None:
        return render(request, "model_workers/m_none.html", {})
    paid = list(AllowanceLine.objects.filter(model_worker=mw, paid_at__isnull=False).order_by("-month")[:36])
    years: dict[int, list] = {}
    for line in paid:
        years.setdefault(line.month.year, []).append(line)
    next_check = selectors.next_check(mw)
    return render(request, "model_workers/m_mine.html", {
        "mw": mw, "recent": paid[:3], "years": [(y, len(lines), sum(li.amount for li in lines))
                                                for y, lines in sorted(years.items(), reverse=True)],
        "claims": selectors.claims_of(mw)[:10], "next_check": next_check,
        "check_due": next_check is not None and next_check <= timezone.localdate(),
        "unavailable": services.hospital_unavailable(worker)})
