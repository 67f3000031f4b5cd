"""Worker pages of the case engine on /m/: the catalogue, a guide, apply, my cases, what to fix, messages,
rating. Phone first and light: each photo is its own small upload, so a slow connection loses at most
the photo being sent, never the form or the photos already there."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_POST

from gonghui.web.actions import field_errors, flash, form_result, joined, perform
from gonghui.web.downloads import inline_file

from . import catalogue, documents, selectors, services
from .models import RatingScore
from .registry import registry
from .states import APPLICANT
from .views import module_section, upload_files

LOGIN = reverse_lazy("portal:login")


def catalogue_page(request):
    q = request.GET.get("q", "").strip()[:20]
    category = request.GET.get("category", "")
    items = list(selectors.catalogue(q=q, category=category if category in catalogue.CATEGORIES else "",
                                     self_service=True))
    groups: dict[str, list] = {}
    for item in items:
        item.promise = services.promised(item)
        groups.setdefault(item.category, []).append(item)
    return render(request, "cases/m/catalogue.html", {
        "groups": [(c, groups[c]) for c in catalogue.CATEGORIES if c in groups], "q": q, "category": category,
        "categories": [c for c in catalogue.CATEGORIES
                       if c in {i.category for i in selectors.catalogue(self_service=True)}],
    })


def guide(request, code: str):
    item = selectors.item_get(code)
    return render(request, "cases/m/guide.html", {"item": item, "promise": services.promised(item)})


def _bound_or_redirect(request):
    if services.worker_of(request.user) is None:
        messages.error(request, "申请服务前请先完成实名绑定。")
        return redirect("portal:bind")
    return None


@login_required(login_url=LOGIN)
def apply(request, code: str):
    item = selectors.item_get(code)
    if (response := _bound_or_redirect(request)) is not None:
        return response
    errors: dict = {}
    worker = services.worker_of(request.user)
    if request.method == "POST":
        created = []
        response, errors = form_result(
            request, lambda: created.append(services.case_create(actor=request.user, item=item, data=request.POST)),
            success="申请表已保存，请上传材料后提交。", then=reverse("portal_cases:my_cases"))
        if response:
            return redirect("portal_cases:detail", number=created[0].number)
    return render(request, "cases/m/form.html", {
        "item": item, "errors": errors, "typed": request.method == "POST",
        "values": request.POST if request.method == "POST" else services.prefill(item, worker),
        "fields": services.form_fields(item, worker), "unavailable": services.unavailable(item, worker)})


@login_required(login_url=LOGIN)
def my_cases(request):
    page = Paginator(selectors.my_cases(user=request.user), 20).get_page(request.GET.get("page"))
    return render(request, "cases/m/my_cases.html", {"page": page, "bound": services.worker_of(request.user)})


@login_required(login_url=LOGIN)
def detail(request, number: str):
    case = selectors.my_case_get(user=request.user, number=number)
    page = selectors.case_page(case)
    attached: dict[str, list] = {}
    for attachment in page["attachments"]:
        attached.setdefault(attachment.material, []).append(attachment)
    steps = [t for t in services.allowed_transitions(request.user, case) if t.by == APPLICANT]
    state = case.workflow.state(case.state)
    return render(request, "cases/m/detail.html", {
        "case": case, "events": [e for e in page["events"] if e.public], "clocks": page["clocks"],
        "rating": page["rating"], "rows": catalogue.display_rows(case.item, case.form),
        # what staff add (a home visit's photos) is shown once it is there, never offered for upload
        "materials": [(m, attached.get(m["key"], [])) for m in case.item.materials
                      if m.get("by") != "staff" or attached.get(m["key"])],
        "editable": services.is_editable(case), "scores": RatingScore.choices,
        # the applicant's steps: those that send the case on (submit) first, those that end it last
        "forward_steps": [t for t in steps if t.target not in case.workflow.closed_states],
        "closing_steps": [t for t in steps if t.target in case.workflow.closed_states],
        "can_rate": page["rating"] is None and bool(state and state.rateable),
        "errors": request.session.pop(f"case_errors_{number}", {}),
        "section": module_section(case, request.user, "m"),
        "documents": list(documents.for_applicant(case)),
        "result_rows": registry.handler_for(case.item).result_rows(case),
    })


@login_required(login_url=LOGIN)
def edit(request, number: str):
    case = selectors.my_case_get(user=request.user, number=number)
    errors: dict = {}
    if request.method == "POST":
        response, errors = form_result(
            request, lambda: services.form_update(actor=request.user, case=case, data=request.POST),
            success="申请表已保存。", then=reverse("portal_cases:detail", args=[number]))
        if response:
            return response
    return render(request, "cases/m/form.html", {
        "item": case.item, "case": case, "errors": errors, "fields": services.form_fields(case.item, case.applicant),
        "values": request.POST if request.method == "POST" else case.form, "typed": request.method == "POST",
        "flagged": services.flagged_fields(case)})


@login_required(login_url=LOGIN)
@require_POST
def attach(request, number: str):
    upload_files(request, selectors.my_case_get(user=request.user, number=number), success="材料已上传。")
    return redirect("portal_cases:detail", number=number)


@login_required(login_url=LOGIN)
@require_POST
def step(request, number: str, name: str):
    case = selectors.my_case_get(user=request.user, number=number)
    step = case.workflow.step(name)
    if step is None or step.by != APPLICANT:
        raise PermissionDenied("该操作由工作人员办理。")
    try:
        services.transition(actor=request.user, case=case, name=name, reason=request.POST.get("reason", ""))
        messages.success(request, step.done or f"已{step.label}。")
    except ValidationError as exc:
        request.session[f"case_errors_{number}"] = field_errors(exc)
        forward = step.target not in case.workflow.closed_states
        messages.error(request, f"还不能{step.label}，请按下方提示补齐。" if forward else joined(exc.messages))
    except PermissionDenied as exc:
        flash(request, exc)
    return redirect("portal_cases:detail", number=number)


@login_required(login_url=LOGIN)
@require_POST
def rate(request, number: str):
    case = selectors.my_case_get(user=request.user, number=number)
    return perform(request, lambda: services.rate(actor=request.user, case=case, score=request.POST.get("score", ""),
                                                  comment=request.POST.get("comment", "")),
                   success="感谢您的评价！", then=reverse("portal_cases:detail", args=[number]))


@login_required(login_url=LOGIN)
def file(request, number: str, pk: int):
    case = selectors.my_case_get(user=request.user, number=number)
    attachment = selectors.attachment_get(case=case, pk=pk)
    data, content_type = services.attachment_read(actor=request.user, attachment=attachment,
                                                  preview=request.GET.get("preview") == "1")
    return inline_file(data, content_type, attachment.name)


@login_required(login_url=LOGIN)
def inbox(request):
    page = Paginator(selectors.messages_for(user=request.user), 20).get_page(request.GET.get("page"))
    response = render(request, "cases/m/messages.html", {"page": page})
    services.messages_mark_read(user=request.user, ids=[m.pk for m in page])
    return response


@login_required(login_url=LOGIN)
def document(request, number: str, doc: str):
    """The applicant's copy of a notice in writing on their case (A4 PDF)."""
    case = selectors.my_case_get(user=request.user, number=number)
    found = documents.for_applicant(case).filter(number=doc).first()
    if found is None:
        raise Http404("没有这份文书")
    url = request.build_absolute_uri(reverse("portal_cases:detail", args=[case.number]))
    return inline_file(documents.pdf_of(actor=request.user, document=found, progress_url=url, applicant=True),
                       "application/pdf", f"{found.number}-{found.title}.pdf")
