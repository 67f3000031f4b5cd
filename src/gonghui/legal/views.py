"""Pages of legal services on /desk/ (and the case page's sections on both surfaces): legal aid's clients,
stages, conclusion and reward; a consultation's thread and its conversion; a mediation's agreement,
payments and documents in writing; the lawyers' duty roster and rewards; the figures on /dash/. Thin:
parse, call a service, render."""

from __future__ import annotations

import datetime as dt

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

from gonghui.cases import selectors as case_selectors
from gonghui.cases import services as cases
from gonghui.core.numbers import as_id
from gonghui.orgs.selectors import centre_list
from gonghui.web.actions import perform
from gonghui.web.downloads import inline_file
from gonghui.web.periods import chosen_year

from . import figures, mediation, selectors, services
from .handler import AGREED, ANSWERED, ASKED, MEDIATING, PERM_REPRESENT, REPRESENTED
from .models import MediationAgreement, Outcome, RewardLine, StageKind


def case_section(case, user, surface: str) -> dict:
    stages = selectors.stages(case)
    lawyer = surface == "desk" and case.state == REPRESENTED and cases.staff_may(user, case, PERM_REPRESENT)
    return {
        "template": f"legal/_{surface}_section.html", "clients": selectors.clients(case), "stages": stages,
        "notice": mediation.NOTICE_KINDS.get(mediation.notice_kind(case), ""),
        "totals": selectors.totals(case), "assignment": cases.active_assignment(case),
        "can_record": lawyer, "can_conclude": lawyer and bool(stages),
        "can_add_client": surface == "desk" and not case.is_closed and case.state != "draft"
        and cases.staff_may(user, case, "cases.handle_case"),
        "stage_kinds": [(k, v) for k, v in StageKind.choices if k not in {s.kind for s in stages}],
        "outcomes": Outcome.choices,
        "reward": RewardLine.objects.filter(case=case).select_related("partner").first() if surface == "desk" else None,
    }


def _case(request, number: str):
    return case_selectors.case_get(user=request.user, number=number)


def _back(number: str) -> str:
    return reverse("cases:detail", args=[number])


@login_required
@require_POST
def stage_add(request, number: str):
    case = _case(request, number)
    post = request.POST
    return perform(request, lambda: services.stage_add(
        actor=request.user, case=case, kind=post.get("kind", ""), started_on=post.get("started_on"),
        ended_on=post.get("ended_on"), result=post.get("result", "")), success="已记录办案阶段。", then=_back(number))


@login_required
@require_POST
def client_add(request, number: str):
    case = _case(request, number)
    return perform(request, lambda: services.client_add(
        actor=request.user, case=case, id_number=request.POST.get("id_number", ""),
        claimed=request.POST.get("claimed", "")), success="已增加受援人。", then=_back(number))


@login_required
@require_POST
def conclude(request, number: str):
    case = _case(request, number)
    post = request.POST
    amounts = {c.pk: (post.get(f"awarded_{c.pk}"), post.get(f"recovered_{c.pk}")) for c in selectors.clients(case)}
    return perform(request, lambda: services.aid_conclude(
        actor=request.user, case=case, outcome=post.get("outcome", ""), summary=post.get("summary", ""),
        amounts=amounts), success=f"{number}：已结案。", then=_back(number))


@login_required
def rewards(request):
    if not request.user.has_perm("cases.view_case"):
        raise PermissionDenied("您没有查看律师补贴的权限。")
    page = Paginator(selectors.rewards(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "legal/rewards.html", {"page": page})


# --- legal consultation ------------------------------------------------------------------------------------

def consult_section(case, user, surface: str) -> dict:
    result = case.result or {}
    may_convert = case.state not in ("draft", "withdrawn") and (
        cases.is_applicant(user, case) if surface == "m" else cases.staff_may(user, case, "cases.file_on_behalf"))
    return {
        "template": f"legal/_{surface}_consult.html", "thread": selectors.thread(case),
        "assignment": cases.active_assignment(case), "aid_number": result.get("aid_case", ""),
        "mediation_number": result.get("mediation_case", ""),
        "can_answer": surface == "desk" and case.state == ASKED and cases.staff_may(user, case, PERM_REPRESENT),
        "can_follow_up": surface == "m" and case.state == ANSWERED and cases.is_applicant(user, case),
        "can_to_aid": may_convert and not result.get("aid_case"),
        "can_to_mediation": may_convert and not result.get("mediation_case"),
    }


@login_required
@require_POST
def consult_answer(request, number: str):
    case = _case(request, number)
    return perform(request, lambda: services.consult_answer(actor=request.user, case=case,
                                                            text=request.POST.get("text", "")),
                   success="已答复，咨询人会收到通知。", then=_back(number))


def convert(request, case, then_for):
    """Turn the consultation into the case the form names (``target``: legal aid or mediation)."""
    target = request.POST.get("target", "legal_aid")
    created = []
    response = perform(request, lambda: created.append(services.consult_convert(actor=request.user, case=case,
                                                                                target=target)),
                       success="", then=then_for(case.number))
    if not created:
        return response
    label = services.TARGETS.get(target, ("", "", "申请"))[2]
    messages.success(request, f"已据此咨询建立{label}{created[0].number}，请补全申请表和材料后提交。")
    return redirect(then_for(created[0].number))


@login_required
@require_POST
def consult_convert(request, number: str):
    return convert(request, _case(request, number), lambda n: reverse("cases:detail", args=[n]))


# --- duty rosters ------------------------------------------------------------------------------------------

@login_required
def duty(request):
    """The lawyers' duty half-days at the centres of the user's subtree: planned ahead (a festival's roster in
    one go), recorded after."""
    if not request.user.has_perm("cases.handle_case"):
        raise PermissionDenied("您没有安排律师值班的权限。")
    today = timezone.localdate()
    if request.method == "POST":
        post = request.POST
        centre = centre_list(user=request.user).filter(pk=as_id(post.get("centre")) or 0).first()
        lawyer = get_user_model().objects.select_related("partner__org").filter(
            pk=as_id(post.get("lawyer")) or 0).first()
        done = []

        def plan():
            if centre is None:
                raise ValidationError({"centre": "请选择值班地点。"})
            done.append(services.duty_plan(actor=request.user, lawyer=lawyer, centre=centre,
                                           start=post.get("start"), end=post.get("end"),
                                           halves=post.getlist("halves"), note=post.get("note", "")))
        response = perform(request, plan, success="", then=reverse("legal:duty"))
        if done:
            planned, skipped = done[0]
            messages.success(request, f"已安排{planned}个半天" + (f"，{skipped}个半天该律师已有值班，已跳过" if skipped
                                                                   else "") + "。")
        return response
    start = _date_param(request, "from") or today - dt.timedelta(days=7)
    end = _date_param(request, "to") or today + dt.timedelta(days=30)
    slots = selectors.duty_slots(user=request.user, start=start, end=end)
    centres = centre_list(user=request.user).order_by("org__path", "name")[:300]
    home = request.user.org.path if request.user.org_id else ""
    return render(request, "legal/duty.html", {
        "slots": slots, "start": start, "end": end, "today": today, "centres": centres,
        "lawyers": cases.partners_serving(home, PERM_REPRESENT) if home else [],
    })


def _date_param(request, key):
    try:
        return dt.date.fromisoformat(request.GET.get(key, ""))
    except ValueError:
        return None


@login_required
@require_POST
def duty_record(request, pk: int):
    slot = selectors.duty_slot_get(user=request.user, pk=pk)
    served = request.POST.get("served") == "1"
    return perform(request, lambda: services.duty_record(actor=request.user, slot=slot, served=served),
                   success="已登记到岗，值班补贴已生成。" if served else "已登记未到岗。",
                   then=request.POST.get("next") or reverse("legal:duty"))


@login_required
@require_POST
def duty_cancel(request, pk: int):
    slot = selectors.duty_slot_get(user=request.user, pk=pk)
    return perform(request, lambda: services.duty_cancel(actor=request.user, slot=slot), success="已取消该值班。",
                   then=reverse("legal:duty"))


# --- mediation --------------------------------------------------------------------------------------------

def mediation_section(case, user, surface: str) -> dict:
    staff = surface == "desk" and cases.staff_may(user, case, mediation.PERM_MEDIATE)
    return {
        "template": f"legal/_{surface}_mediation.html",
        "agreement": MediationAgreement.objects.filter(case=case).select_related("mediator").first(),
        "payments": list(case.agreement_payments.all()), "today": timezone.localdate(),
        "representatives": mediation.representatives(case.form),
        "notice": mediation.NOTICE_KINDS.get(mediation.notice_kind(case), ""),
        "can_agree": staff and case.state == MEDIATING, "can_follow": staff and case.state == AGREED,
        "opponent": case.form.get("opponent", ""),
    }


@login_required
@require_POST
def mediation_agree(request, number: str):
    case = _case(request, number)
    post = request.POST
    return perform(request, lambda: mediation.agree(
        actor=request.user, case=case, other_party=post.get("other_party", ""), agent=post.get("agent", ""),
        terms=post.get("terms", ""), payments=post.get("payments", "")),
        success="已登记调解协议，请打印协议书由双方签字。", then=_back(number))


@login_required
@require_POST
def mediation_paid(request, number: str, pk: int):
    case = _case(request, number)
    payment = case.agreement_payments.filter(pk=pk).first()
    if payment is None:
        raise Http404("履行记录不存在")
    return perform(request, lambda: mediation.payment_paid(actor=request.user, payment=payment,
                                                           paid_on=request.POST.get("paid_on")),
                   success="已登记履行情况。", then=_back(number))


def document(request, case, which: str):
    """The agreement or the notice in writing, as an A4 PDF (shown in the browser to print)."""
    if which not in ("agreement", "notice"):
        raise Http404("没有这种文书")
    make = mediation.agreement_pdf if which == "agreement" else mediation.notice_pdf
    try:
        data = make(actor=request.user, case=case)
    except ValidationError as exc:
        raise Http404(exc.messages[0]) from None
    name = f"{case.number}-{'调解协议书' if which == 'agreement' else '告知书'}.pdf"
    return inline_file(data, "application/pdf", name)


@login_required
def case_document(request, number: str, which: str):
    return document(request, _case(request, number), which)


# --- /dash/ ------------------------------------------------------------------------------------------------

@login_required
def figures_page(request):
    if not request.user.has_perm("cases.view_case"):
        raise PermissionDenied("您没有查看统计的权限。")
    year, years = chosen_year(request)
    return render(request, "legal/dash.html", {"f": figures.legal_figures(user=request.user, year=year),
                                               "years": years,
                                               "items": list(figures.ITEMS.values())})
