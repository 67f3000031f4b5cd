"""Pages of the public notices: the centre's list and notice (publish, answer objections, print) on /desk/,
and the public page on /m/ where anyone reads the masked entries and objects. Thin."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gonghui.core import pdf
from gonghui.core.numbers import as_id
from gonghui.web.actions import field_errors, perform
from gonghui.web.downloads import inline_file

from . import selectors, services
from .models import PERM_PUBLISH


def _require(request):
    if not request.user.has_perm(PERM_PUBLISH):
        raise PermissionDenied("您没有管理公示的权限。")


@login_required
def notice_list(request):
    _require(request)
    page = Paginator(selectors.notices(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "notices/list.html", {"page": page})


@login_required
def notice_detail(request, number: str):
    notice = selectors.notice_get(user=request.user, number=number)
    return render(request, "notices/detail.html", {
        "notice": notice, "entries": list(notice.entries.all()),
        "objections": list(notice.objections.select_related("entry", "answered_by")),
        "public_url": request.build_absolute_uri(reverse("notices_m:notice", args=[number])),
    })


@login_required
@require_POST
def notice_publish(request, number: str):
    notice = selectors.notice_get(user=request.user, number=number)
    return perform(request, lambda: services.publish(actor=request.user, notice=notice),
                   success="已发布公示。", then=reverse("notices:detail", args=[number]))


@login_required
@require_POST
def objection_answer(request, number: str, pk: int):
    notice = selectors.notice_get(user=request.user, number=number)
    objection = notice.objections.filter(pk=as_id(pk) or 0).first()
    if objection is None:
        raise Http404("异议不存在")
    return perform(request, lambda: services.objection_answer(
        actor=request.user, objection=objection, upheld=request.POST.get("upheld") == "1",
        findings=request.POST.get("findings", "")),
        success="已答复异议。", then=reverse("notices:detail", args=[number]))


@login_required
def notice_pdf(request, number: str):
    notice = selectors.notice_get(user=request.user, number=number)
    data = pdf.render_pdf("notices/pdf_notice.html", {
        "notice": notice, "entries": list(notice.entries.all()),
        "qr": pdf.qr_data_uri(request.build_absolute_uri(reverse("notices_m:notice", args=[number])))})
    return inline_file(data, "application/pdf", f"{notice.number}-公示.pdf")


def public(request, number: str):
    """Anyone: the notice with its entries masked; an objection while it is open."""
    notice = selectors.public_notice(number)
    entries = list(notice.entries.all())
    errors, done = {}, False
    if request.method == "POST":
        entry = next((e for e in entries if str(e.pk) == request.POST.get("entry", "")), None)
        try:
            services.objection_add(notice=notice, entry=entry, text=request.POST.get("text", ""),
                                   contact=request.POST.get("contact", ""), request=request)
            return redirect(f"{reverse('notices_m:notice', args=[number])}?done=1")
        except ValidationError as exc:
            errors = field_errors(exc)
    done = request.GET.get("done") == "1"
    return render(request, "notices/m_notice.html", {"notice": notice, "entries": entries, "errors": errors,
                                                     "done": done, "values": request.POST})
