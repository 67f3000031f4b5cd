"""Pages of the needy-worker programmes on /desk/ (and the case page's sections on both surfaces): the
household, the home visit, the notice, the review and exit of a file; an aid application's invoices and
amount; the files list, the notice page, Golden Autumn and festival visits. Thin: parse, call a service,
render."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_POST

from gonghui.aid import services as aid
from gonghui.cases import selectors as case_selectors
from gonghui.cases import services as cases
from gonghui.cases.models import Case, State
from gonghui.core.numbers import as_id
from gonghui.notices import services as notices
from gonghui.orgs.models import Org
from gonghui.web.actions import flash, perform

from . import selectors, services
from .handler import VISITED
from .models import (
    AID_ITEM,
    AUTUMN_ITEM,
    FILE_ITEM,
    Award,
    Category,
    Employment,
    FestivalVisit,
    FileStatus,
    HardshipFile,
    Health,
    HouseholdMember,
    Relation,
    Schooling,
    VisitCampaign,
)

CHOICES = {"relations": Relation.choices, "healths": Health.choices, "schoolings": Schooling.choices,
           "employments": Employment.choices}


def case_section(case: Case, user, surface: str) -> dict:
    code = case.item.code
    ctx = {"template": f"assistance/_{surface}_section.html", "code": code, **CHOICES,
           "award": Award.objects.filter(case=case).first(), "entry": selectors.notice_of(case)}
    if code == FILE_ITEM:
        # a draft's household is written with its first member; until then an empty one is shown (no write
        # on a page view)
        file = HardshipFile.objects.filter(case=case).first() or HardshipFile(
            case=case, worker_id=case.applicant_id, org_id=case.org_id, year=timezone.localdate().year)
        ctx["file"] = file
        ctx["members"] = list(file.members.all()) if file.pk else []
        ctx["visits"] = list(file.visits.all()) if file.pk else []
        ctx["can_edit"] = services.may_edit_household(user, file)
        staff = surface == "desk" and cases.staff_may(user, case, "cases.handle_case")
        ctx["can_visit"] = staff and case.state == State.ACCEPTED
        ctx["can_publicise"] = staff and case.state == VISITED
        ctx["can_review"] = staff and file is not None and file.status == FileStatus.ON_FILE
        ctx["today"] = timezone.localdate()
    if code == AID_ITEM:
        ctx["invoices"] = list(case.medical_invoices.all())
        ctx["medical"] = aid.takes_invoices(case)
        ctx["can_invoice"] = aid.may_edit_invoices(user, case, surface)
        if surface == "desk" and case.state in (State.ACCEPTED, State.IN_REVIEW):
            try:
                ctx["quote"] = services.aid_quote(case)
                services.aid_eligibility(case)
            except ValidationError as exc:
                ctx["problems"] = exc.messages
    if code == AUTUMN_ITEM:
        ctx["can_publicise"] = surface == "desk" and case.state == State.IN_REVIEW and \
            cases.staff_may(user, case, "cases.handle_case")
        if surface == "desk" and case.state in (State.ACCEPTED, State.IN_REVIEW, "noticed"):
            try:
                if case.state != "noticed":
                    services.autumn_eligibility(case)
                ctx["quote"] = services.autumn_amount(case)
            except ValidationError as exc:
                ctx["problems"] = exc.messages
    if surface == "desk":
        ctx["grants"] = list(selectors.grants_of(case))
        if ctx["entry"] is not None:
            ctx["cleared"] = notices.cleared(source=code, object_id=case.pk)
    award = ctx["award"]
    ctx["needs_payee"] = surface == "m" and award is not None and bool(award.payment_problem) \
        and case.state == State.APPROVED and cases.is_applicant(user, case)
    return ctx


def _case(request, number: str) -> Case:
    return case_selectors.case_get(user=request.user, number=number)


def _back(number: str) -> str:
    return reverse("cases:detail", args=[number])


def _member_args(post) -> dict:
    return {"name": post.get("name", ""), "relation": post.get("relation", ""), "id_number": post.get("id_number", ""),
            "health": post.get("health", ""), "schooling": post.get("schooling", ""),
            "employment": post.get("employment", ""), "income": post.get("income", "")}


@login_required
@require_POST
def member_add(request, number: str):
    case = _case(request, number)
    return perform(request, lambda: services.member_add(actor=request.user, case=case, **_member_args(request.POST)),
                   success="已增加家庭成员。", then=_back(number))


@login_required
@require_POST
def member_remove(request, number: str, pk: int):
    case = _case(request, number)
    member = get_object_or_404(HouseholdMember, pk=pk, file__case=case)
    return perform(request, lambda: services.member_remove(actor=request.user, member=member),
                   success="已删除家庭成员。", then=_back(number))


@login_required
@require_POST
def visit(request, number: str):
    case = _case(request, number)
    post = request.POST
    return perform(request, lambda: services.visit_record(
        actor=request.user, case=case, visited_on=post.get("visited_on"), visitors=post.get("visitors", ""),
        findings=post.get("findings", "")), success="已记录入户核查。", then=_back(number))


@login_required
@require_POST
def review(request, number: str):
    case = _case(request, number)
    post = request.POST
    return perform(request, lambda: services.review_record(
        actor=request.user, file=case.hardship_file, visited_on=post.get("visited_on"),
        visitors=post.get("visitors", ""), findings=post.get("findings", "")),
        success="已记录年度复核。", then=_back(number))


@login_required
@require_POST
def close(request, number: str):
    case = _case(request, number)
    return perform(request, lambda: services.file_close(actor=request.user, file=case.hardship_file,
                                                        reason=request.POST.get("reason", "")),
                   success="档案已出档。", then=_back(number))


# --- the list of files -------------------------------------------------------------------------------------

@login_required
def files(request):
    if not request.user.has_perm("cases.view_case"):
        raise PermissionDenied("您没有查看困难职工档案的权限。")
    status = request.GET.get("status", "") if request.GET.get("status") in FileStatus.values else ""
    category = request.GET.get("category", "") if request.GET.get("category") in Category.values else ""
    rows = selectors.files(user=request.user, status=status, category=category, due=request.GET.get("due") == "1",
                           q=request.GET.get("q", "").strip()[:40])
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(request, "assistance/files.html", {
        "page": page, "status": status, "category": category, "due": request.GET.get("due") == "1",
        "q": request.GET.get("q", ""), "statuses": FileStatus.choices, "categories": Category.choices,
        "tab": "files", "today": timezone.localdate()})


# --- the public notice -------------------------------------------------------------------------------------

NOTICE_TITLES = {FILE_ITEM: "困难职工建档公示", AUTUMN_ITEM: "金秋助学资助对象公示"}


@login_required
def publicise(request):
    if not request.user.has_perm("cases.handle_case"):
        raise PermissionDenied("您没有发布帮扶公示的权限。")
    item = request.GET.get("item") if request.GET.get("item") in NOTICE_TITLES else FILE_ITEM
    rows = list(selectors.ready_to_publicise(user=request.user, item=item))
    if request.method == "POST":
        picked = {as_id(v) for v in request.POST.getlist("cases")}
        chosen = [c for c in rows if c.pk in picked]
        try:
            on = dt.date.fromisoformat(request.POST["on"]) if request.POST.get("on") else None
        except ValueError:
            on = dt.date.min  # refused with its message by the service
        try:
            notice = services.publicise(actor=request.user, case_list=chosen,
                                        title=request.POST.get("title", "").strip() or NOTICE_TITLES[item],
                                        body=request.POST.get("body", ""), on=on)
        except (ValidationError, PermissionDenied, cases.CaseConflict) as exc:
            flash(request, exc)
            return redirect(f"{reverse('assistance:publicise')}?item={item}")
        from django.contrib import messages

        messages.success(request, f"已发布公示{notice.number}，公示期至{notice.closes_on:%Y-%m-%d}。")
        return redirect("notices:detail", notice.number)
    orgs = {}
    for c in rows:
        orgs.setdefault(c.org, []).append(c)
    return render(request, "assistance/publicise.html", {
        "item": item, "items": list(NOTICE_TITLES.items()), "groups": list(orgs.items()),
        "title": NOTICE_TITLES[item], "tab": "publicise", "today": timezone.localdate()})


# --- Golden Autumn ------------------------------------------------------------------------------------------

@login_required
def campaigns(request):
    if not request.user.has_perm("cases.view_case"):
        raise PermissionDenied("您没有查看金秋助学的权限。")
    found = list(selectors.campaigns())
    current = next((c for c in found if str(c.year) == request.GET.get("year")), found[0] if found else None)
    page = Paginator(selectors.campaign_cases(user=request.user, campaign=current), 30).get_page(
        request.GET.get("page")) if current else None
    awards = {a.case_id: a for a in Award.objects.filter(case__in=[c.pk for c in page])} if page else {}
    return render(request, "assistance/campaigns.html", {"campaigns": found, "current": current, "page": page,
                                                         "awards": awards, "tab": "autumn"})


# --- festival visits ----------------------------------------------------------------------------------------

@login_required
def festival(request):
    if not request.user.has_perm("cases.view_case"):
        raise PermissionDenied("您没有查看送温暖活动的权限。")
    orgs = Org.objects.visible_to(request.user, "cases.handle_case").filter(depth__lte=2).order_by("path")
    if request.method == "POST":
        org = orgs.filter(pk=as_id(request.POST.get("org"))).first()
        if org is None:
            flash(request, ValidationError("请选择组织单位。"))
            return redirect("assistance:festival")
        try:
            year = int(request.POST.get("year") or timezone.localdate().year)
            campaign = services.festival_create(actor=request.user, org=org, year=year,
                                                name=request.POST.get("name", ""),
                                                amounts={k: request.POST.get(f"amount_{k}") for k in Category.values})
        except (ValidationError, PermissionDenied, ValueError) as exc:
            flash(request, exc if not isinstance(exc, ValueError) else ValidationError("请填写正确的年度。"))
            return redirect("assistance:festival")
        from django.contrib import messages

        messages.success(request, f"已生成慰问名单：{campaign.visits.count()}户。")
        return redirect("assistance:festival_detail", campaign.pk)
    return render(request, "assistance/festival.html", {
        "campaigns": selectors.festival_campaigns(user=request.user), "orgs": orgs, "tab": "festival",
        "year": timezone.localdate().year + (1 if timezone.localdate().month >= 10 else 0),
        "categories": [c for c in Category.choices if c[0] != Category.NONE]})


@login_required
def festival_detail(request, pk: int):
    campaign = get_object_or_404(VisitCampaign, pk=pk)
    visits = selectors.festival_visits(user=request.user, campaign=campaign)
    if not visits.exists():
        raise Http404("没有找到该慰问活动")
    page = Paginator(visits, 50).get_page(request.GET.get("page"))
    return render(request, "assistance/festival_detail.html", {
        "campaign": campaign, "page": page, "today": timezone.localdate(), "tab": "festival",
        "amounts": {Category(k).label: v for k, v in campaign.amounts.items()}})


@login_required
@require_POST
def festival_record(request, pk: int):
    visit = get_object_or_404(FestivalVisit.objects.visible_to(request.user, "cases.handle_case"), pk=pk)
    upload = request.FILES.get("receipt")
    receipt = (upload.name, upload.read()) if upload else None
    post = request.POST
    return perform(request, lambda: services.festival_record(
        actor=request.user, visit=visit, visited_on=post.get("visited_on"), visitors=post.get("visitors", ""),
        cash=post.get("cash"), goods=post.get("goods", ""), receipt=receipt),
        success="已登记慰问。", then=reverse("assistance:festival_detail", args=[visit.campaign_id]))


@login_required
def festival_receipt(request, pk: int):
    visit = get_object_or_404(FestivalVisit.objects.visible_to(request.user, "cases.view_case"), pk=pk)
    try:
        data, kind = services.receipt_read(actor=request.user, visit=visit)
    except ValidationError as exc:
        raise Http404(exc.messages[0]) from None
    response = HttpResponse(data, content_type=kind or "application/octet-stream")
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    return response


# --- the worker's own pages (/m/) ----------------------------------------------------------------------------

def _mine(request, number: str) -> Case:
    return case_selectors.my_case_get(user=request.user, number=number)


def _m_back(number: str) -> str:
    return reverse("portal_cases:detail", args=[number])


@login_required(login_url=reverse_lazy("portal:login"))
@require_POST
def m_member_add(request, number: str):
    case = _mine(request, number)
    return perform(request, lambda: services.member_add(actor=request.user, case=case, **_member_args(request.POST)),
                   success="已增加家庭成员。", then=_m_back(number))


@login_required(login_url=reverse_lazy("portal:login"))
@require_POST
def m_member_remove(request, number: str, pk: int):
    case = _mine(request, number)
    member = get_object_or_404(HouseholdMember, pk=pk, file__case=case)
    return perform(request, lambda: services.member_remove(actor=request.user, member=member),
                   success="已删除家庭成员。", then=_m_back(number))


@login_required(login_url=reverse_lazy("portal:login"))
@require_POST
def m_payee(request, number: str):
    case = _mine(request, number)
    return perform(request, lambda: services.payee_correct(
        actor=request.user, case=case, bank_card=request.POST.get("bank_card", ""),
        bank_name=request.POST.get("bank_name", "")),
        success="收款账户已更正，将在下一批次重新发放。", then=_m_back(number))

