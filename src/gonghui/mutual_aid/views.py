"""Pages of medical mutual aid: the workbench (overview, roster, contributions, the
claim's section of the case page, the printable claim acceptance form), the worker's coverage and claim
section on /m/, and the plan year's figures on /dash/. Thin: parse, call a service, render."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_POST

from gonghui.cases import selectors as case_selectors
from gonghui.cases import services as cases
from gonghui.cases.models import State
from gonghui.web.actions import flash, perform
from gonghui.web.downloads import XLSX
from gonghui.web.downloads import download as _download

from . import figures, forms_pdf, selectors, services
from .models import Enrolment, PlanYear


def _plan_year(request) -> PlanYear:
    return selectors.plan_year_get(request.GET.get("year", ""))


# --- the case page's section ------------------------------------------------------------------------------

def case_section(case, user, surface: str) -> dict:
    claim = selectors.claim_for(case)
    invoices = list(claim.invoices.all()) if claim else []
    editable = cases.is_editable(case) and cases.may_act_as_applicant(user, case)
    return {
        "template": f"mutual_aid/_{surface}_section.html", "claim": claim, "invoices": invoices,
        "total": sum((i.amount for i in invoices), Decimal("0")),
        "eligible_total": sum((i.eligible for i in invoices), Decimal("0")),
        "editable": editable,
        "can_correct": surface == "desk" and case.state in (State.ACCEPTED, State.IN_REVIEW)
        and cases.staff_may(user, case, "cases.decide_case"),
        "preview": _preview(claim) if claim and claim.product_id and claim.subsidy is None and surface == "desk"
        else None,
        "needs_payee": surface == "m" and claim is not None and bool(claim.payment_problem)
        and case.state == State.APPROVED,
    }


def _preview(claim):
    """The reviewer sees the subsidy the rules would give now, with its working (not yet stored)."""
    try:
        amount, working, _change = services.compute(claim)
    except Enrolment.DoesNotExist:
        return {"amount": None, "working": ["申请人未参加该项目"]}
    return {"amount": amount, "working": working}


def archive_entries(worker, user):
    from gonghui.registry.archive import ArchiveEntry

    return [ArchiveEntry(date=e.enrolled_on, title=str(e.product),
                         status=f"保障自{e.covered_from:%Y-%m-%d}{'（续保）' if e.renewal else ''}")
            for e in selectors.enrolments_of(user=user, worker=worker)]


def _invoice_post(request, case, back: str):
    """Add, remove or (the reviewer) correct an invoice of the claim: one posted action each."""
    action = request.POST.get("action", "add")
    post = request.POST
    if action in ("remove", "correct"):
        invoice = selectors.invoice_get(case=case, pk=post.get("invoice"))
        if action == "remove":
            return perform(request, lambda: services.invoice_remove(actor=request.user, invoice=invoice),
                           success="", then=back)
        return perform(request, lambda: services.invoice_correct(
            actor=request.user, invoice=invoice, eligible=post.get("eligible", ""), reason=post.get("reason", "")),
            success="已更正医保范围内费用。", then=back)
    return perform(request, lambda: services.invoice_add(
        actor=request.user, case=case, number=post.get("number", ""), hospital=post.get("hospital", ""),
        issued_on=post.get("issued_on", ""), amount=post.get("amount", ""), eligible=post.get("eligible", "")),
        success="发票已添加。", then=back)


@login_required
@require_POST
def desk_invoices(request, number: str):
    case = case_selectors.case_get(user=request.user, number=number)
    return _invoice_post(request, case, reverse("cases:detail", args=[number]))


@login_required(login_url=reverse_lazy("portal:login"))
@require_POST
def m_invoices(request, number: str):
    case = case_selectors.my_case_get(user=request.user, number=number)
    return _invoice_post(request, case, reverse("portal_cases:detail", args=[number]))


@login_required(login_url=reverse_lazy("portal:login"))
@require_POST
def m_payee(request, number: str):
    case = case_selectors.my_case_get(user=request.user, number=number)
    return perform(request, lambda: services.payee_correct(
        actor=request.user, case=case, bank_card=request.POST.get("bank_card", ""),
        bank_name=request.POST.get("bank_name", "")),
        success="收款账户已更正，将在下一批次重新发放。", then=reverse("portal_cases:detail", args=[number]))


@login_required
def claim_form_pdf(request, number: str):
    case = case_selectors.case_get(user=request.user, number=number)
    if case.item.code != services.ITEM_CODE:
        raise Http404("不是医疗互助报销申请")
    progress = request.build_absolute_uri(reverse("portal_cases:detail", args=[number]))
    data = forms_pdf.claim_acceptance_form(case, progress_url=progress, actor=request.user)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(f'报销受理单-{number}.pdf')}"
    return response


# --- the worker's coverage ---------------------------------------------------------------------------

@login_required(login_url=reverse_lazy("portal:login"))
def coverage(request):
    worker = cases.worker_of(request.user)
    enrolments = selectors.own_enrolments(worker) if worker else []
    return render(request, "mutual_aid/m_coverage.html", {"worker": worker, "enrolments": enrolments,
                                                          "today": timezone.localdate()})


# --- the workbench ---------------------------------------------------------------------------------

def _require_view(request):
    if not request.user.has_perm("cases.view_case"):
        raise PermissionDenied("您没有查看医疗互助的权限。")


@login_required
def overview(request):
    _require_view(request)
    plan_year = _plan_year(request)
    if request.method == "POST" and request.POST.get("id_number"):
        product = selectors.product_get(plan_year=plan_year, pk=request.POST.get("product"))
        try:
            if product is None:
                raise ValidationError("请选择互助项目。")
            worker = services.enrol_by_id_number(actor=request.user, product=product,
                                                 id_number=request.POST["id_number"])
            messages.success(request, f"{worker.name}已参加{product.name}。")
        except (ValidationError, PermissionDenied) as exc:
            flash(request, exc)
        return redirect(f"{reverse('mutual_aid:overview')}?year={plan_year.year}")
    if request.method == "POST":
        # a roster: queued as an import job whose preview shows each row's enrolment date and cover start
        from gonghui.registry import services as registry_services

        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ValidationError("请选择花名册文件。")
            job = registry_services.import_job_create(
                actor=request.user, kind="ma_roster", filename=upload.name, data=upload.read(), request=request,
                params={"product": request.POST.get("product", ""),
                        "enrolled_on": request.POST.get("enrolled_on", ""),
                        "reason": request.POST.get("reason", "")})
        except (ValidationError, PermissionDenied) as exc:
            flash(request, exc)
            return redirect(f"{reverse('mutual_aid:overview')}?year={plan_year.year}")
        return redirect("registry:import_detail", pk=job.pk)
    data = figures.plan_year_figures(user=request.user, plan_year=plan_year)
    contributions = (selectors.contributions(user=request.user, plan_year=plan_year)
                     .select_related("enterprise", "product").annotate(owed=F("amount_due") - F("amount_paid")))
    owing = contributions.filter(owed__gt=0).count()
    contributions = contributions.order_by("-owed", "enterprise__name")[:30]  # the outstanding ones first
    return render(request, "mutual_aid/overview.html", {
        "plan_year": plan_year, "plan_years": selectors.plan_years(), "products": plan_year.products.all(),
        "figures": data, "contributions": contributions, "owing": owing, "today": timezone.localdate(),
        "can_enrol": request.user.has_perm(services.PERM_ENROL),
        "can_manage": request.user.has_perm(services.PERM_MANAGE),
    })


@login_required
@require_POST
def contribution_pay(request, pk: int):
    contribution = selectors.contribution_get(user=request.user, pk=pk)
    try:
        amount = Decimal(request.POST.get("amount", "0") or "0")
        services.contribution_paid(actor=request.user, contribution=contribution, amount=amount,
                                   on=timezone.localdate())
        messages.success(request, f"已登记{contribution.enterprise.name}缴费{amount}元。")
    except (ValidationError, PermissionDenied, ArithmeticError) as exc:
        flash(request, exc if not isinstance(exc, ArithmeticError) else ValidationError("请填写金额。"))
    return redirect(f"{reverse('mutual_aid:overview')}?year={contribution.product.plan_year.year}")


# --- /dash/ ------------------------------------------------------------------------------------------

@login_required
def dash(request):
    _require_view(request)
    plan_year = _plan_year(request)
    data = figures.plan_year_figures(user=request.user, plan_year=plan_year)
    if request.GET.get("format") == "xlsx":
        return _download(figures.figures_xlsx(data), XLSX, f"{plan_year.name}医疗互助统计.xlsx")
    return render(request, "mutual_aid/dash.html", {"f": data, "plan_years": selectors.plan_years()})


@login_required
def reconcile(request):
    """The year's paid total against the bank's results, batch by batch, and every difference."""
    _require_view(request)
    plan_year = _plan_year(request)
    data = selectors.reconciliation(user=request.user, plan_year=plan_year)
    if request.GET.get("format") == "xlsx":
        return _download(figures.reconciliation_xlsx(data), XLSX, f"{plan_year.name}医疗互助对账.xlsx")
    return render(request, "mutual_aid/reconcile.html", {"r": data, "plan_years": selectors.plan_years()})
