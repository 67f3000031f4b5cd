"""The invoice forms of a medical case, shared by every programme that declared its item
(``services.medical_item``): add on /desk/ (the clerk) and /m/ (the applicant), remove on /m/. Thin."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_POST

from gonghui.cases import selectors as case_selectors
from gonghui.web.actions import perform

from . import services
from .models import CaseInvoice


def _add(request, case, then: str):
    if not services.takes_invoices(case):
        raise Http404
    post = request.POST
    return perform(request, lambda: services.case_invoice_add(
        actor=request.user, case=case, number=post.get("number", ""), hospital=post.get("hospital", ""),
        issued_on=post.get("issued_on"), amount=post.get("amount"), insured=post.get("insured")),
        success="已添加发票。", then=then)


@login_required
@require_POST
def invoice_add(request, number: str):
    case = case_selectors.case_get(user=request.user, number=number)
    return _add(request, case, reverse("cases:detail", args=[number]))


@login_required(login_url=reverse_lazy("portal:login"))
@require_POST
def m_invoice_add(request, number: str):
    case = case_selectors.my_case_get(user=request.user, number=number)
    return _add(request, case, reverse("portal_cases:detail", args=[number]))


@login_required(login_url=reverse_lazy("portal:login"))
@require_POST
def m_invoice_remove(request, number: str, pk: int):
    case = case_selectors.my_case_get(user=request.user, number=number)
    invoice = get_object_or_404(CaseInvoice, pk=pk, case=case)
    return perform(request, lambda: services.case_invoice_remove(actor=request.user, invoice=invoice),
                   success="已删除发票。", then=reverse("portal_cases:detail", args=[number]))
