"""Pages of counselling: the counsellor's contacts, notes and mailbox on /desk/; the crisis lead's list of
contacts flagged at risk and the emergency disclosure; group courses; the worker's mailbox on /m/; the panel.
A note is rendered only on the contact page of the counsellor who wrote it, and on the disclosure's answer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_POST

from gonghui.cases.services import worker_of
from gonghui.core.numbers import count, parse_day
from gonghui.orgs.models import ServiceCentre
from gonghui.scheduling import services as scheduling
from gonghui.scheduling.models import PERM_MANAGE, Booking
from gonghui.web.actions import form_result, perform

from . import services
from .models import PERM_DISCLOSE, Channel, Contact, GroupCourse, Letter

LOGIN = reverse_lazy("portal:login")


def _counsellor(request) -> None:
    if not services.is_counsellor(request.user):
        raise PermissionDenied("该页面仅供签约的心理咨询师使用。")


@login_required
def contacts(request):
    _counsellor(request)
    errors, values = {}, {}
    if request.method == "POST":
        values = request.POST
        done, errors = form_result(request, lambda: services.contact_log(
            actor=request.user, channel=request.POST.get("channel", ""),
            occurred_on=parse_day(request.POST.get("occurred_on", ""), "咨询日期", "occurred_on"),
            minutes=request.POST.get("minutes"), client_label=request.POST.get("client_label", ""),
            note=request.POST.get("note", ""), risk=request.POST.get("risk") == "1"),
            success="已登记。", then=reverse("counselling:contacts"))
        if done:
            return done
    rows = Contact.objects.filter(counsellor=request.user).select_related("worker")
    at_risk = request.GET.get("risk") == "1"
    if at_risk:  # the follow-up list: contacts flagged at risk (unflag one on its page once followed up)
        rows = rows.filter(risk=True)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    unanswered = services.letters_for(request.user).filter(answered_at__isnull=True).count()
    return render(request, "counselling/contacts.html", {
        "page": page, "errors": errors, "values": values, "today": timezone.localdate(),
        "channels": [(Channel.HOTLINE, "心理热线"), (Channel.WALK_IN, "现场咨询")], "unanswered": unanswered,
        "at_risk": at_risk, "risks": Contact.objects.filter(counsellor=request.user, risk=True).count()})


@login_required
def booking_note(request, pk: int):
    booking = Booking.objects.filter(pk=pk).select_related("service", "session", "worker", "org").first()
    if booking is None or booking.service.code != "counselling" or not services.is_counsellor(request.user) \
            or not scheduling.is_provider(request.user, booking.session):
        raise Http404
    try:
        contact = services.contact_for_booking(actor=request.user, booking=booking)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(reverse("scheduling:session", args=[booking.session_id]))
    return redirect(reverse("counselling:contact", args=[contact.pk]))


@login_required
def contact(request, pk: int):
    c = Contact.objects.filter(pk=pk, counsellor=request.user).select_related("worker").first()
    if c is None:  # another's contact is not found, whoever asks
        raise Http404
    if request.method == "POST":
        return perform(request, lambda: services.note_write(actor=request.user, contact=c,
                                                            note=request.POST.get("note", ""),
                                                            risk=request.POST.get("risk") == "1"),
                       success="咨询记录已保存。", then=reverse("counselling:contact", args=[pk]))
    note = services.note_read(actor=request.user, contact=c)
    return render(request, "counselling/contact.html", {"c": c, "note": note})


@login_required
def mailbox(request):
    _counsellor(request)
    rows = services.letters_for(request.user).order_by("answered_at", "-written_at")
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(request, "counselling/mailbox.html", {"page": page})


@login_required
def letter(request, pk: int):
    item = services.letters_for(request.user).filter(pk=pk).first()
    if item is None:
        raise Http404
    if request.method == "POST":
        return perform(request, lambda: services.letter_answer(actor=request.user, letter=item,
                                                               answer=request.POST.get("answer", "")),
                       success="已回信，来信人会收到通知。", then=reverse("counselling:letter", args=[pk]))
    return render(request, "counselling/letter.html", {"item": item})


@login_required
def risks(request):
    """The crisis lead's list: contacts flagged at risk in their subtree — who, when, which counsellor;
    never the note."""
    if not request.user.has_perm(PERM_DISCLOSE):
        raise PermissionDenied("该页面仅供心理危机干预负责人使用。")
    rows = Contact.objects.visible_to(request.user, PERM_DISCLOSE).filter(risk=True).select_related(
        "worker", "counsellor").prefetch_related("disclosures")
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(request, "counselling/risks.html", {"page": page})


@login_required
@require_POST
def disclose(request, pk: int):
    c = Contact.objects.visible_to(request.user, PERM_DISCLOSE).filter(pk=pk).select_related("worker",
                                                                                         "counsellor").first()
    if c is None:
        raise Http404
    try:
        note = services.disclose(actor=request.user, contact=c, reason=request.POST.get("reason", ""))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("counselling:risks")
    return render(request, "counselling/disclosed.html", {"c": c, "note": note})


@login_required
def groups(request):
    may_add = request.user.has_perm(PERM_MANAGE) or services.is_counsellor(request.user)
    if not (may_add or request.user.has_perm("cases.view_case")):
        raise PermissionDenied("您没有查看团体心理课程的权限。")
    errors, values = {}, {}
    if request.method == "POST" and may_add:
        values = request.POST
        done, errors = form_result(request, lambda: services.group_course_add(
            actor=request.user, enterprise_name=request.POST.get("enterprise_name", ""),
            held_on=parse_day(request.POST.get("held_on", ""), "授课日期", "held_on"),
            title=request.POST.get("title", ""), participants=request.POST.get("participants"),
            women=request.POST.get("women") == "1"), success="团体课程已登记。", then=reverse("counselling:groups"))
        if done:
            return done
    rows = GroupCourse.objects.visible_to(request.user, "cases.view_case") if not services.is_counsellor(
        request.user) else GroupCourse.objects.filter(recorded_by=request.user)
    if request.user.has_perm(PERM_MANAGE):
        rows = rows | GroupCourse.objects.visible_to(request.user, PERM_MANAGE)
    year = timezone.localdate().year
    totals = rows.filter(held_on__year=year).aggregate(n=Count("pk"), p=Sum("participants"),
                                                       w=Sum("participants", filter=Q(women=True)))
    page = Paginator(rows.distinct().order_by("-held_on"), 30).get_page(request.GET.get("page"))
    return render(request, "counselling/groups.html", {"page": page, "errors": errors, "values": values,
                                                       "may_add": may_add, "totals": totals, "year": year})


# --- /m/ ---------------------------------------------------------------------------------------------------

@login_required(login_url=LOGIN)
def m_mailbox(request):
    worker = worker_of(request.user)
    errors, values = {}, {}
    if request.method == "POST":
        values = request.POST
        done, errors = form_result(request, lambda: services.letter_write(
            actor=request.user, subject=request.POST.get("subject", ""), body=request.POST.get("body", "")),
            success="来信已送达心理信箱，咨询师回复后会通知您。", then=reverse("counselling_m:mailbox"))
        if done:
            return done
    letters = Letter.objects.filter(worker=worker) if worker else Letter.objects.none()
    centre = ServiceCentre.objects.filter(org__depth=1, is_active=True).exclude(phone="").order_by("pk").first()
    return render(request, "counselling/m_mailbox.html", {"letters": letters, "errors": errors, "values": values,
                                                          "worker": worker, "centre": centre})


def panel(user, period=None) -> dict:
    year = timezone.localdate().year
    by = dict(Contact.objects.visible_to(user, "cases.view_case").filter(occurred_on__year=year)
              .values_list("channel").annotate(n=Count("pk")).order_by())
    groups = GroupCourse.objects.visible_to(user, "cases.view_case").filter(held_on__year=year).aggregate(
        n=Count("pk"), p=Sum("participants"))
    url = reverse("counselling:groups")
    return {"figures": [*[(label, count(by.get(code, 0)), "") for code, label in Channel.choices],
                        ("团体课程", count(groups["n"] or 0), url), ("课程参加人数", count(groups["p"] or 0), url)],
            "note": f"{year}年咨询人次（按渠道，不含任何咨询内容）"}
