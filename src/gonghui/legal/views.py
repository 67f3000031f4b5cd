"""Pages of legal services: the legal-aid case's section of the case page (clients, the lawyer's stages,
the conclusion, the reward), its posted actions, and the rewards list. Thin: parse, call a service,
render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gonghui.cases import selectors as case_selectors
from gonghui.cases import services as cases
from gonghui.web.actions import perform

from . import selectors, services
from .handler import ANSWERED, ASKED, PERM_REPRESENT, REPRESENTED
from .models import Outcome, RewardLine, StageKind


def case_section(case, user, surface: str) -> dict:
    stages = selectors.stages(case)
    lawyer = surface == "desk" and case.state == REPRESENTED and cases.staff_may(user, case, PERM_REPRESENT)
    return {
        "template": f"legal/_{surface}_section.html", "clients": selectors.clients(case), "stages": stages,
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
    aid_number = (case.result or {}).get("aid_case", "")
    converting = case.state not in ("draft", "withdrawn") and not aid_number
    return {
        "template": f"legal/_{surface}_consult.html", "thread": selectors.thread(case),
        "assignment": cases.active_assignment(case), "aid_number": aid_number,
        "can_answer": surface == "desk" and case.state == ASKED and cases.staff_may(user, case, PERM_REPRESENT),
        "can_follow_up": surface == "m" and case.state == ANSWERED and cases.is_applicant(user, case),
        "can_to_aid": converting and (cases.is_applicant(user, case) if surface == "m" else
                                      cases.staff_may(user, case, "cases.file_on_behalf")),
    }


@login_required
@require_POST
def consult_answer(request, number: str):
    case = _case(request, number)
    return perform(request, lambda: services.consult_answer(actor=request.user, case=case,
                                                            text=request.POST.get("text", "")),
                   success="已答复，咨询人会收到通知。", then=_back(number))


def _to_aid(request, case, then_for):
    created = []
    response = perform(request, lambda: created.append(services.consult_to_aid(actor=request.user, case=case)),
                       success="", then=then_for(case.number))
    if not created:
        return response
    from django.contrib import messages

    messages.success(request, f"已据此咨询建立法律援助申请{created[0].number}，请补全申请表和材料后提交。")
    return redirect(then_for(created[0].number))


@login_required
@require_POST
def consult_to_aid(request, number: str):
    return _to_aid(request, _case(request, number), lambda n: reverse("cases:detail", args=[n]))
