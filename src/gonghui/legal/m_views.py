"""The worker's actions on a legal consultation on /m/: ask again, turn it into a legal-aid application or
a mediation request; and the lawyers' duty, the agreements and notices in writing."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.urls import reverse
from django.views.decorators.http import require_POST

from gonghui.cases import selectors as case_selectors
from gonghui.web.actions import perform

from . import services, views

LOGIN = "/m/login/"


def _mine(request, number: str):
    return case_selectors.my_case_get(user=request.user, number=number)


def _back(number: str) -> str:
    return reverse("portal_cases:detail", args=[number])


@login_required(login_url=LOGIN)
@require_POST
def follow_up(request, number: str):
    case = _mine(request, number)
    return perform(request, lambda: services.consult_follow_up(actor=request.user, case=case,
                                                               text=request.POST.get("text", "")),
                   success="已追问，律师会按承诺时限答复。", then=_back(number))


@login_required(login_url=LOGIN)
@require_POST
def convert(request, number: str):
    return views.convert(request, _mine(request, number), lambda n: reverse("portal_cases:edit", args=[n]))


def duty(request):
    """Public: when a lawyer of the union's legal service sits at a centre in the coming two weeks (a signed-in
    worker sees their own town's centres first)."""
    from django.shortcuts import render
    from django.utils import timezone

    from gonghui.cases.services import worker_of

    from . import selectors

    slots = selectors.upcoming_duty(worker=worker_of(request.user), start=timezone.localdate())
    return render(request, "legal/m_duty.html", {"days": selectors.duty_by_day(slots)})


@login_required(login_url=LOGIN)
def document(request, number: str, which: str):
    """The worker's own agreement or notice in writing."""
    return views.document(request, _mine(request, number), which)
