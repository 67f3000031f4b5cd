"""Pages of petitions on /desk/ (register, the case page's section, supervision, the hotline's calls) and
/dash/ (figures). Thin: parse, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from gonghui.cases import selectors as case_selectors
from gonghui.cases import services as cases
from gonghui.cases.models import Case, DeliveryWay
from gonghui.cases.states import PERM_HANDLE, PERM_ON_BEHALF
from gonghui.core.numbers import as_id
from gonghui.orgs.models import Org
from gonghui.web import downloads
from gonghui.web.actions import field_errors, perform
from gonghui.web.periods import chosen_year

from . import figures, selectors, services
from .handler import ANSWERED
from .models import Channel, Difficulty, Kind, Petition, Satisfaction, Supervision

ROUTE_STEPS = ("transfer", "assign_down", "refer", "dispatch")
ANSWER_STEPS = ("reply", "answer_review", "answer_rereview")


def _org(raw) -> Org | None:
    pk = as_id(raw)
    return Org.objects.filter(pk=pk).first() if pk else None


def _case(request, number: str) -> Case:
    return case_selectors.case_get(user=request.user, number=number)


def _back(number: str) -> str:
    return reverse("cases:detail", args=[number])


def case_section(case: Case, user, surface: str) -> dict | None:
    petition = Petition.objects.filter(case=case).select_related(
        "accused_org", "registered_org", "routed_from", "subject_org", "repeat_of").first()
    if surface == "m":
        return {"template": "petitions/_m_section.html", "petition": petition}
    steps = {t.name for t in cases.allowed_transitions(user, case)}
    shown = cases.identity_shown(case, user)
    handling = cases.staff_may(user, case, PERM_HANDLE)
    earlier = services.repeats(case.applicant, user=user, exclude=case.pk) if handling and shown else []
    elsewhere = services.repeats_elsewhere(case.applicant, user=user, exclude=case.pk) if handling and shown else 0
    supervisions = list(case.supervisions.select_related("by_org", "to_org", "sent_by", "answered_by"))
    return {
        "template": "petitions/_desk_section.html", "petition": petition, "identity_shown": shown,
        "steps": steps, "route_steps": [s for s in ROUTE_STEPS if s in steps],
        "answer_step": next((s for s in ANSWER_STEPS if s in steps), ""),
        "can_call_back": "call_back" in steps and case.state == ANSWERED,
        "targets": selectors.route_targets(case) if "transfer" in steps else [],
        "below": selectors.below(case) if "assign_down" in steps else [],
        "dispatch_to": selectors.dispatch_targets(user) if "dispatch" in steps else [],
        "earlier": earlier, "elsewhere": elsewhere, "satisfactions": Satisfaction.choices,
        "can_set_accused": handling and petition is not None and petition.is_accusation and not case.is_closed,
        "accused_choices": Org.objects.filter(depth__lte=3).exclude(pk=case.org_id).order_by("path")[:300]
        if handling and petition is not None and petition.is_accusation and petition.accused_org_id is None else [],
        "supervisions": supervisions,
        "can_supervise": (not case.is_closed and case.org_id != getattr(user, "org_id", None)
                          and user.has_perm(services.PERM_SUPERVISE)),
        "can_answer_supervision": handling,
    }


# --- register ---------------------------------------------------------------------------------------------

REGISTER_FIELDS = ("item", "channel", "id_number", "name", "phone", "people", "representatives", "caller_phone",
                   "recording_ref", "kind", "subject", "subject_org", "accused_org", "accused_person", "facts",
                   "request", "delivery", "difficulty", "repeat_of", "repeat_note")


@login_required
def register(request):
    """登记: a visit, a letter, a call or a group visit, whatever the channel, on one form; the petitioner's
    earlier petitions are shown before it is registered."""
    if not request.user.has_perm(PERM_ON_BEHALF) or request.user.org is None:
        raise PermissionDenied("您没有登记信访事项的权限。")
    chosen = request.GET.get("item", "")
    post = request.POST if request.method == "POST" else {"item": chosen,
                                                          "channel": "hotline" if chosen == "hotline" else ""}
    errors: dict = {}
    earlier: list = []
    elsewhere = 0
    if request.method == "POST":
        form = {k: post.get(k, "") for k in ("kind", "subject", "facts", "request", "delivery", "difficulty")}
        letter = request.FILES.get("letter")
        repeat = post.get("repeat_of", "")
        repeat_case = Case.objects.filter(pk=as_id(repeat)).first() if repeat not in ("", "new") else None
        try:
            if repeat == "new" and not post.get("repeat_note", "").strip():
                raise ValidationError({"repeat_note": "选择“不重复”的，请写明与以前事项的不同。"})
            case = services.register(
                actor=request.user, item_code=post.get("item", "petition"), channel=post.get("channel", ""),
                id_number=post.get("id_number", ""), name=post.get("name", ""), phone=post.get("phone", ""),
                form={k: v for k, v in form.items() if v}, people=post.get("people", "1"),
                representatives=post.get("representatives", ""), caller_phone=post.get("caller_phone", ""),
                recording_ref=post.get("recording_ref", ""), subject_org=_org(post.get("subject_org")),
                accused_org=_org(post.get("accused_org")), accused_person=post.get("accused_person", ""),
                repeat_of=repeat_case, repeat_note=post.get("repeat_note", ""),
                letter=(letter.name, letter.read()) if letter else None)
        except services.RepeatCheck as exc:
            earlier, elsewhere, errors = exc.earlier, exc.elsewhere, field_errors(exc)
        except ValidationError as exc:
            errors = field_errors(exc)
            if post.get("repeat_of") or post.get("repeat_note"):
                earlier, elsewhere = _earlier_for(request, post.get("id_number", ""))
        else:
            messages.success(request, f"已登记{case.item.name}（{case.number}）。")
            return redirect("cases:detail", number=case.number)
    return render(request, "petitions/register.html", {
        "post": post, "errors": errors, "earlier": earlier, "elsewhere": elsewhere,
        "general_errors": errors.get("__all__", []),
        "channels": [c for c in Channel.choices if c[0] != "online"],
        "kinds": Kind.choices, "difficulties": Difficulty.choices, "deliveries": DeliveryWay.choices,
        "orgs": Org.objects.filter(depth__lte=2).order_by("path"),
        "accused_orgs": Org.objects.filter(depth__lte=3).order_by("path")[:300],
    })


def _earlier_for(request, id_number: str) -> tuple[list, int]:
    from gonghui.core import idnumber, pii
    from gonghui.registry.models import Worker

    try:
        value = idnumber.parse(id_number).value
    except idnumber.IdNumberError:
        return [], 0
    worker = Worker.objects.filter(id_bidx=pii.blind_index(value, purpose="id_number")).first()
    if worker is None:
        return [], 0
    return (services.repeats(worker, user=request.user),
            services.repeats_elsewhere(worker, user=request.user))


# --- the case page's forms ---------------------------------------------------------------------------------

@login_required
@require_POST
def route(request, number: str):
    case = _case(request, number)
    post = request.POST
    step = post.get("step", "")
    actions = {
        "transfer": lambda: services.transfer(actor=request.user, case=case, org=_required_org(post),
                                              note=post.get("note", "")),
        "assign_down": lambda: services.assign_down(actor=request.user, case=case, org=_required_org(post),
                                                    due_on=post.get("due_on", ""), note=post.get("note", "")),
        "refer": lambda: services.refer(actor=request.user, case=case, authority=post.get("authority", ""),
                                        note=post.get("note", "")),
        "dispatch": lambda: services.dispatch(actor=request.user, case=case, org=_required_org(post),
                                              note=post.get("note", "")),
    }
    if step not in actions:
        raise Http404("未知的办理方式")
    return perform(request, actions[step], success="已办理。", then=_back(number))


def _required_org(post) -> Org:
    org = _org(post.get("org"))
    if org is None:
        raise ValidationError({"org": "请选择工会。"})
    return org


@login_required
@require_POST
def answer(request, number: str):
    case = _case(request, number)
    return perform(request, lambda: services.answer(actor=request.user, case=case, step=request.POST.get("step", ""),
                                                    text=request.POST.get("text", "")),
                   success="已出具书面意见，信访人已收到通知。", then=_back(number))


@login_required
@require_POST
def call_back(request, number: str):
    case = _case(request, number)
    return perform(request, lambda: services.call_back(
        actor=request.user, case=case, satisfaction=request.POST.get("satisfaction", ""),
        note=request.POST.get("note", "")), success="已记录回访结果。", then=_back(number))


@login_required
@require_POST
def accused(request, number: str):
    case = _case(request, number)
    return perform(request, lambda: services.accused_set(actor=request.user, case=case, org=_required_org(request.POST),
                                                         person=request.POST.get("person", "")),
                   success="已登记被检举控告的单位。", then=_back(number))


@login_required
@require_POST
def repeat(request, number: str):
    case = _case(request, number)
    earlier = Case.objects.filter(pk=as_id(request.POST.get("repeat_of"))).first()

    def mark():
        if earlier is None:
            raise ValidationError({"repeat_of": "请选择重复的信访事项。"})
        services.repeat_mark(actor=request.user, case=case, earlier=earlier, note=request.POST.get("note", ""))

    return perform(request, mark, success="已标记为重复信访。", then=_back(number))


@login_required
@require_POST
def supervise(request, number: str):
    case = _case(request, number)
    days = request.POST.get("days", "")
    return perform(request, lambda: services.supervise(
        actor=request.user, case=case, text=request.POST.get("text", ""),
        days=int(days) if days.isdigit() else services.SUPERVISION_DAYS), success="已发出督办通知。",
        then=request.POST.get("next") if request.POST.get("next") == reverse("petitions:supervise") else _back(number))


@login_required
@require_POST
def supervision_answer(request, pk: int):
    found = Supervision.objects.filter(pk=as_id(pk)).select_related("case").first()
    if found is None:
        raise Http404("没有这条督办")
    case = _case(request, found.case.number)  # scoped: 404 outside the user's subtree
    return perform(request, lambda: services.supervision_answer(actor=request.user, supervision=found,
                                                                 text=request.POST.get("text", "")),
                   success="已回复督办。", then=_back(case.number))


# --- supervision and calls ---------------------------------------------------------------------------------

def _require_supervise(request) -> None:
    if not request.user.has_perm(services.PERM_SUPERVISE):
        raise PermissionDenied("您没有督办的权限。")


@login_required
def supervise_page(request):
    _require_supervise(request)
    only = request.GET.get("only", "")[:5]
    found = cases.applicant_labels(selectors.supervised(user=request.user, only=only)[:200], request.user)
    return render(request, "petitions/supervise.html", {"cases": found, "only": only})


@login_required
def supervise_export(request):
    """The supervision list as an Excel file: petitioners masked (audited)."""
    _require_supervise(request)
    data = figures.supervision_export(actor=request.user, cases=selectors.supervised(user=request.user)[:5000])
    return downloads.xlsx(data, f"信访督办-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
def calls(request):
    if not request.user.has_perm(PERM_ON_BEHALF):
        raise PermissionDenied("您没有登记热线来电的权限。")
    post = request.POST if request.method == "POST" else {}
    errors: dict = {}
    if request.method == "POST":
        try:
            services.call_log(actor=request.user, caller_phone=post.get("caller_phone", ""), kind=post.get("kind", ""),
                              topic=post.get("topic", ""), answer=post.get("answer", ""),
                              caller_name=post.get("caller_name", ""), recording_ref=post.get("recording_ref", ""))
        except ValidationError as exc:
            errors = field_errors(exc)
        else:
            messages.success(request, "已登记来电。")
            return redirect("petitions:calls")
    return render(request, "petitions/calls.html", {"post": post, "errors": errors, "kinds": Kind.choices,
                                                    "calls": selectors.recent_calls(user=request.user)})


# --- /dash/ ------------------------------------------------------------------------------------------------

@login_required
def figures_page(request):
    if not request.user.has_perm("cases.view_case"):
        raise PermissionDenied("您没有查看统计的权限。")
    year, years = chosen_year(request)
    return render(request, "petitions/dash.html", {"f": figures.petition_figures(user=request.user, year=year),
                                                   "years": years, "year": year})
