"""Workbench pages of the case engine (/desk/cases/). Thin: parse, call a selector or a service, render.

A refused action (no right, wrong state, missing reason) comes back as a message in Chinese on the
page it was taken from; nothing is half-written because every service runs in one transaction.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from gonghui.core.numbers import as_id
from gonghui.orgs.models import Org
from gonghui.orgs.scoping import in_scope
from gonghui.orgs.selectors import towns_for
from gonghui.registry.selectors import worker_get
from gonghui.web import downloads
from gonghui.web.actions import flash, form_result, perform, reveal_answer
from gonghui.web.downloads import inline_file

from . import catalogue, documents, selectors, services
from .models import Urgency
from .registry import registry
from .states import PERM_DOCUMENT, PERM_HANDLE, PERM_VIEW

PAGE_SIZE = 30


def upload_files(request, case, *, success: str) -> None:
    """Each posted file to ``case`` (at most 10 a request), each refusal said on the next page."""
    files = request.FILES.getlist("file")
    if not files:
        messages.error(request, "请选择要上传的照片或文件。")
    for upload in files[:10]:
        try:
            services.attachment_add(actor=request.user, case=case, material=request.POST.get("material", ""),
                                    name=upload.name, data=upload.read())
            messages.success(request, success.format(name=upload.name))
        except (ValidationError, PermissionDenied) as exc:
            flash(request, exc)


def _require_view(request) -> None:
    if not request.user.has_perm(PERM_VIEW):
        raise PermissionDenied("您没有查看办件的权限。")


def _queue_filters(request) -> dict:
    return {
        "item": request.GET.get("item", "")[:40],
        "state": request.GET.get("state", selectors.OPEN)[:20],
        "urgency": request.GET.get("urgency", "")[:2],
        "town": request.GET.get("town", "")[:12],
        "mine": request.GET.get("mine") == "1",
        "q": request.GET.get("q", "").strip()[:24],
    }


@login_required
def queue_export(request):
    """The queue as filtered on the page, as an Excel file (audited)."""
    _require_view(request)
    cases = selectors.queue(user=request.user, **_queue_filters(request))
    data = services.queue_export(actor=request.user, cases=cases)
    return downloads.xlsx(data, f"办件队列-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
def queue(request):
    _require_view(request)
    if request.method == "POST":  # bulk accept of the ticked cases
        numbers = request.POST.getlist("numbers")[:100]
        cases = [selectors.case_get(user=request.user, number=n) for n in numbers]
        done, refused = services.bulk_transition(actor=request.user, cases=cases, name="accept")
        if done:
            messages.success(request, f"已受理 {len(done)} 件。")
        for case, reason in refused:
            messages.error(request, f"{case.number}：{reason}")
        if not numbers:
            messages.error(request, "请先勾选要受理的办件。")
        return redirect(request.get_full_path())
    filters = _queue_filters(request)
    cases = selectors.queue(user=request.user, **filters)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    services.applicant_labels(page, request.user)
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "cases/queue.html", {
        "page": page, "filters": filters, "items": selectors.catalogue(), "states": registry.state_choices(),
        "urgencies": Urgency.choices, "towns": towns_for(user=request.user),
        "counts": selectors.queue_counts(user=request.user),
        "query": params.urlencode(), "can_accept": request.user.has_perm(PERM_HANDLE),
    })


@login_required
def intake(request):
    """On-behalf intake: staff file a case for a worker found in the registry (the intake point)."""
    if not request.user.has_perm("cases.file_on_behalf"):
        raise PermissionDenied("您没有代办申请的权限。")
    worker_id = request.GET.get("worker") or request.POST.get("worker") or ""
    worker = worker_get(user=request.user, pk=as_id(worker_id)) if as_id(worker_id) else None
    code = request.GET.get("item") or request.POST.get("item") or ""
    item = selectors.item_get(code) if code else None
    errors: dict = {}
    if request.method == "POST" and worker and item:
        created = []
        response, errors = form_result(
            request, lambda: created.append(services.case_create(actor=request.user, item=item, worker=worker,
                                                                 data=request.POST)),
            success=f"已为{worker.name}建立办件，请扫描上传材料后提交。", then=reverse("cases:queue"))
        if response:
            return redirect("cases:detail", number=created[0].number)
    return render(request, "cases/intake.html", {
        "worker": worker, "item": item, "items": selectors.catalogue(on_behalf=True), "errors": errors,
        "fields": services.form_fields(item, worker) if item else [],
        "unavailable": services.unavailable(item, worker) if item else "",
        "values": request.POST if request.method == "POST" else (services.prefill(item, worker) if item else {}),
        "typed": request.method == "POST",
    })


def _return_choices(case) -> dict:
    return {"materials": case.item.materials, "fields": case.item.fields}


@login_required
def detail(request, number: str):
    _require_view(request)
    case = selectors.case_get(user=request.user, number=number)
    registry.handler_for(case.item).on_view(case, request.user, "desk")
    page = selectors.case_page(case)
    by_material: dict[str, list] = {}
    for attachment in page["attachments"]:
        by_material.setdefault(attachment.material, []).append(attachment)
    materials = [(m, by_material.get(m["key"], [])) for m in case.item.materials]
    if by_material.get("other"):
        materials.append(({"key": "other", "name": "其他材料", "required": False}, by_material["other"]))
    staff = get_user_model().objects.filter(org__path__startswith=case.org.path[:Org.steplen * 2]).exclude(
        org__isnull=True).order_by("name")[:50]
    steps = services.allowed_transitions(request.user, case)
    partner_perm = next((s.needs_partner for s in steps if s.needs_partner), "")
    return render(request, "cases/detail.html", {
        "case": case, **page, "rows": catalogue.display_rows(case.item, case.form), "materials": materials,
        "steps": steps, "choices": _return_choices(case),
        "can_handle": services.staff_may(request.user, case, PERM_HANDLE),
        "can_document": services.staff_may(request.user, case, PERM_DOCUMENT),
        "applicant_label": services.applicant_shown(case, request.user),
        "identity_shown": services.identity_shown(case, request.user),
        "can_see_worker": in_scope(request.user, case.applicant.org.path, "registry.view_worker"),
        "assignment": services.active_assignment(case),
        "partners": services.partners_for(case, partner_perm) if partner_perm else [],
        "can_extend": services.staff_may(request.user, case, "cases.extend_deadline"),
        "can_edit": services.is_editable(case) and services.may_act_as_applicant(request.user, case),
        "staff": staff, "step_names": {t.name: t for t in registry.workflow_for(case.item).transitions},
        "section": module_section(case, request.user, "desk"),
        "documents": list(case.documents.all()),
        "result_rows": registry.handler_for(case.item).result_rows(case),
        "sensitive_keys": [f["key"] for f in case.item.fields if f["type"] in catalogue.SENSITIVE_TYPES],
        "step_fields": {name: fields for name, fields in (
            (t.name, services.step_fields(case.item, t.name)) for t in steps) if fields},
    })


def module_section(case, user, surface: str) -> dict | None:
    """The part of the case page that the item's module draws itself (``Handler.section``)."""
    return registry.handler_for(case.item).section(case, user, surface)


@login_required
def edit(request, number: str):
    case = selectors.case_get(user=request.user, number=number)
    errors: dict = {}
    if request.method == "POST":
        response, errors = form_result(
            request, lambda: services.form_update(actor=request.user, case=case, data=request.POST),
            success="申请表已保存。", then=reverse("cases:detail", args=[number]))
        if response:
            return response
    return render(request, "cases/intake.html", {
        "worker": case.applicant, "item": case.item, "case": case, "errors": errors,
        "fields": services.form_fields(case.item, case.applicant),
        "values": request.POST if request.method == "POST" else case.form, "typed": request.method == "POST",
    })


def _back(number: str):
    return redirect("cases:detail", number=number)


@login_required
@require_POST
def step(request, number: str, name: str):
    case = selectors.case_get(user=request.user, number=number)
    step = registry.workflow_for(case.item).step(name)
    fix = None
    if step is not None and step.needs_fix:
        items = [{"type": value.split(":", 1)[0], "key": value.split(":", 1)[1],
                  "note": request.POST.get(f"note_{value}", "")}
                 for value in request.POST.getlist("fix") if ":" in value]
        fix = {"items": items, "note": request.POST.get("fix_note", "")}
    assignee = partner = None
    if step is not None and step.needs_assignee and as_id(request.POST.get("assignee")):
        assignee = get_user_model().objects.filter(pk=as_id(request.POST["assignee"])).first()
    if step is not None and step.needs_partner and as_id(request.POST.get("partner")):
        partner = (get_user_model().objects.select_related("partner__org")
                   .filter(pk=as_id(request.POST["partner"])).first())
    return perform(request, lambda: services.transition(
        actor=request.user, case=case, name=name, reason=request.POST.get("reason", ""), fix=fix,
        amount=request.POST.get("amount"), assignee=assignee, partner=partner, data=request.POST),
        success=f"{case.number}：{step.event_title if step else name}。", then=reverse("cases:detail", args=[number]))


@login_required
@require_POST
def attach(request, number: str):
    upload_files(request, selectors.case_get(user=request.user, number=number), success="已上传 {name}。")
    return _back(number)


def _act(request, number: str, action, success: str = ""):
    """A workbench action on a case of the user's scope."""
    case = selectors.case_get(user=request.user, number=number)
    return perform(request, lambda: action(case), success=success, then=reverse("cases:detail", args=[number]))


@login_required
@require_POST
def note(request, number: str):
    return _act(request, number, lambda case: services.note_add(
        actor=request.user, case=case, text=request.POST.get("text", "")))


@login_required
@require_POST
def assign(request, number: str):
    user_id = request.POST.get("assignee", "")
    assignee = get_user_model().objects.filter(pk=as_id(user_id)).first() if as_id(user_id) else None
    return _act(request, number, lambda case: services.assign(
        actor=request.user, case=case, assignee=assignee), success="已分派。")


@login_required
@require_POST
def extend(request, number: str):
    days = request.POST.get("days", "")
    return _act(request, number, lambda case: services.extend_deadline(
        actor=request.user, case=case, clock_key=request.POST.get("clock", ""),
        days=int(days) if days.isdigit() else 0, reason=request.POST.get("reason", "")),
        success="办理时限已延长，申请人已收到通知。")


@login_required
def file(request, number: str, pk: int):
    _require_view(request)
    case = selectors.case_get(user=request.user, number=number)
    attachment = selectors.attachment_get(case=case, pk=pk)
    data, content_type = services.attachment_read(actor=request.user, attachment=attachment,
                                                  preview=request.GET.get("preview") == "1")
    return inline_file(data, content_type, attachment.name)


@login_required
@require_POST
def reveal(request, number: str, key: str):
    """htmx: a sensitive number of the form in full (step-up: the second factor asked here when needed)."""
    case = selectors.case_get(user=request.user, number=number)
    return reveal_answer(request, lambda: services.case_secret_reveal(actor=request.user, case=case, key=key),
                         url=reverse("cases:reveal", args=[number, key]))


@login_required
def follow_ups(request):
    if not request.user.has_perm(PERM_HANDLE):
        raise PermissionDenied("您没有回访差评的权限。")
    show_all = request.GET.get("all") == "1"
    page = Paginator(selectors.follow_ups(user=request.user, open_only=not show_all), PAGE_SIZE).get_page(
        request.GET.get("page"))
    services.phones_shown(actor=request.user, what="差评回访",
                          count=sum(1 for r in page if r.follow_up == "open" and r.case.applicant.phone))
    return render(request, "cases/follow_ups.html", {"page": page, "show_all": show_all})


@login_required
@require_POST
def follow_up_close(request, pk: int):
    rating = selectors.follow_ups(user=request.user, open_only=False).filter(pk=pk).first()
    if rating is None:
        raise Http404("评价不存在")
    try:
        services.follow_up_close(actor=request.user, rating=rating, note=request.POST.get("note", ""))
        messages.success(request, "已记录回访情况。")
    except (ValidationError, PermissionDenied) as exc:
        flash(request, exc)
    return redirect(reverse("cases:follow_ups"))


@login_required
def inbox(request):
    """The staff member's messages (the daily deadline digest)."""
    page = Paginator(selectors.messages_for(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    response = render(request, "cases/inbox.html", {"page": page})
    services.messages_mark_read(user=request.user, ids=[m.pk for m in page])
    return response


@login_required
def document(request, number: str, doc: str):
    """A notice in writing issued on the case, as an A4 PDF to print (audited)."""
    _require_view(request)
    case = selectors.case_get(user=request.user, number=number)
    found = case.documents.filter(number=doc).first()
    if found is None:
        raise Http404("没有这份文书")
    if not services.identity_shown(case, request.user):
        raise PermissionDenied("文书载有申请人的身份信息，仅承办人可以查看。")
    url = request.build_absolute_uri(reverse("portal_cases:detail", args=[case.number]))
    return inline_file(documents.pdf_of(actor=request.user, document=found, progress_url=url),
                       "application/pdf", f"{found.number}-{found.title}.pdf")
