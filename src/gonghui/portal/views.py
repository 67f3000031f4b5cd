"""Worker H5 pages. Centres are public information; everything personal needs a signed-in worker."""

from __future__ import annotations

from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy

from gonghui.core import navigation
from gonghui.core.pii import mask_phone
from gonghui.orgs import selectors
from gonghui.orgs.models import CentreKind, ServiceCentre
from gonghui.registry import accounts as worker_accounts
from gonghui.registry import consents
from gonghui.registry.models import (
    BindingStatus,
    ConsentCategory,
    CorrectionField,
    CorrectionRequest,
    Worker,
)
from gonghui.web.login import ThrottledLoginMixin


def home(request):
    return render(request, "m/home.html", {
        "services": [e for e in navigation.entries("m") if e.description],
        "towns": selectors.public_towns(),
    })


def centre_list(request):
    town = request.GET.get("town", "")
    kind = request.GET.get("kind", "")
    kind = kind if kind in CentreKind.values else ""
    centres = selectors.public_centre_list(town_code=town or None)
    if kind:
        centres = centres.filter(kind=kind)
    page = Paginator(centres, 20).get_page(request.GET.get("page"))
    return render(request, "m/centre_list.html", {
        "page": page, "towns": selectors.public_towns(), "town": town, "kind": kind,
        "kinds": CentreKind.choices,
    })


def centre_detail(request, pk: int):
    centre = selectors.public_centre_list().filter(pk=pk).first()
    if centre is None:
        raise Http404("服务站点不存在")
    return render(request, "m/centre_detail.html", {"centre": centre})


class PortalLoginView(ThrottledLoginMixin, auth_views.LoginView):
    template_name = "m/login.html"
    redirect_authenticated_user = True
    next_page = reverse_lazy("portal:me")

    def get_default_redirect_url(self):
        return str(self.next_page)


class PortalLogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("portal:home")


def _errors(exc: ValidationError) -> list[str]:
    return [m for ms in (exc.message_dict.values() if hasattr(exc, "error_dict") else [exc.messages]) for m in ms]


@login_required(login_url=reverse_lazy("portal:login"))
def me(request):
    account = getattr(request.user, "worker_account", None)
    worker = None
    if account is not None and account.worker_id:
        worker = (Worker.objects.select_related("enterprise").filter(pk=account.worker_id).first())
    from gonghui.cases.selectors import unread_count

    centre = (ServiceCentre.objects.filter(org=account.town, kind=CentreKind.TOWN).first()
              if account is not None and account.status == BindingStatus.PENDING else None)
    login_phone = mask_phone(request.user.username) if request.user.username.isdigit() else ""
    archive_phone = worker.phone_masked if worker is not None and worker.phone else ""
    return render(request, "m/me.html", {"account": account, "worker": worker, "centre": centre,
                                         "login_phone": login_phone, "archive_phone": archive_phone,
                                         "review_days": worker_accounts.BINDING_REVIEW_DAYS,
                                         "unread": unread_count(user=request.user) if worker else 0})


def _sms_two_steps(request, *, send, finish, template: str, **extra):
    """A page in two steps: "send" texts a code to the phone; the next post brings the code and a new
    password (typed twice) to ``finish``, whose response (if any) ends the flow."""
    context = {"phone": "", "errors": [], "sent": False, **extra}
    if request.method == "POST":
        phone = request.POST.get("phone", "")
        context["phone"] = phone
        try:
            if request.POST.get("step") == "send":
                context["phone"] = send(phone=phone, request=request)
                context["sent"] = True
            else:
                context["sent"] = True
                if request.POST.get("password") != request.POST.get("password2"):
                    raise ValidationError("两次输入的密码不一致。")
                response = finish(phone=phone, code=request.POST.get("code", ""),
                                  password=request.POST.get("password", ""), context=context)
                if response is not None:
                    return response
        except ValidationError as exc:
            context["errors"] = _errors(exc)
    return render(request, template, context)


def register(request):
    """The phone gets a code; the code and a password make the account, then the worker binds."""

    def finish(*, phone, code, password, context):
        user = worker_accounts.register(phone=phone, code=code, password=password, request=request)
        login(request, user, backend="gonghui.accounts.backends.RoleBackend")
        return redirect("portal:bind")

    return _sms_two_steps(request, send=worker_accounts.send_register_code, finish=finish,
                          template="m/register.html")


@login_required(login_url=reverse_lazy("portal:login"))
def bind(request):
    account = getattr(request.user, "worker_account", None)
    if account is not None and account.status != BindingStatus.REFUSED:
        return redirect("portal:me")
    context = {"errors": [], "towns": selectors.public_towns(), "values": request.POST, "need_town": False,
               "refused": account, "review_days": worker_accounts.BINDING_REVIEW_DAYS}
    if request.method == "POST":
        try:
            worker_accounts.bind(user=request.user, name=request.POST.get("name", ""),
                                 id_number=request.POST.get("id_number", ""),
                                 town_code=request.POST.get("town", ""), request=request)
            return redirect("portal:me")
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {}
            # not in the registry yet (a new employee): the ordinary next step, not an error — unless the
            # worker already had the town selector and chose nothing
            context["need_town"] = "town" in errors or "town" in request.POST
            first_ask = set(errors) == {"town"} and "town" not in request.POST
            context["errors"] = [] if first_ask else _errors(exc)
    return render(request, "m/bind.html", context)


def password_reset(request):
    def finish(*, phone, code, password, context):
        worker_accounts.reset_password(phone=phone, code=code, password=password, request=request)
        context["done"] = True

    return _sms_two_steps(request, send=worker_accounts.send_reset_code, finish=finish,
                          template="m/password_reset.html", done=False)


@login_required(login_url=reverse_lazy("portal:login"))
def privacy(request):
    if request.method == "POST":
        if request.POST.get("action") == "correct":
            try:
                consents.correction_ask(user=request.user, field=request.POST.get("field", ""),
                                        value=request.POST.get("value", ""), note=request.POST.get("note", ""),
                                        request=request)
            except ValidationError as exc:
                request.session["privacy_errors"] = _errors(exc)
            return redirect("portal:privacy")
        category = request.POST.get("category", "")
        if category in ConsentCategory.values:
            if request.POST.get("action") == "withdraw":
                consents.consent_withdraw(user=request.user, category=category, request=request)
            else:
                consents.consent_give(user=request.user, category=category, request=request)
        return redirect("portal:privacy")
    current = consents.current(request.user)
    rows = [(value, label, consents.NOTICES[value], current[value]) for value, label in ConsentCategory.choices]
    account = getattr(request.user, "worker_account", None)
    corrections = (CorrectionRequest.objects.filter(worker_id=account.worker_id)
                   if account is not None and account.worker_id else CorrectionRequest.objects.none())
    return render(request, "m/privacy.html", {
        "rows": rows, "version": consents.NOTICE_VERSION, "fields": CorrectionField.choices,
        "corrections": corrections[:10], "bound": bool(account and account.worker_id),
        "errors": request.session.pop("privacy_errors", [])})


@login_required(login_url=reverse_lazy("portal:login"))
def my_data(request):
    response = HttpResponse(consents.my_data(user=request.user, request=request),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = "attachment; filename=my-data.json"
    return response
