"""Workbench pages. Thin: parse the request, call a selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse_lazy

from gonghui.accounts import services as accounts_services
from gonghui.core import navigation
from gonghui.orgs import selectors
from gonghui.orgs.models import CentreKind, OrgKind
from gonghui.web.login import ThrottledLoginMixin

PAGE_SIZE = 30


class DeskLoginView(ThrottledLoginMixin, auth_views.LoginView):
    template_name = "desk/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["expired"] = self.request.GET.get("expired") == "1"
        return context

    def get_redirect_url(self):
        """After signing in, staff land on their work: the workbench's own address (/desk/, what a user
        types or bookmarks) leads to the start page (their queue); a deeper link is followed as it is."""
        target = super().get_redirect_url()
        return "" if target in ("/desk/", "/desk") else target


class DeskLogoutView(auth_views.LogoutView):
    pass


class DeskPasswordChangeView(auth_views.PasswordChangeView):
    template_name = "desk/password_change.html"
    success_url = reverse_lazy("desk:home")

    def form_valid(self, form):
        response = super().form_valid(form)  # saves, keeps this session (update_session_auth_hash)
        accounts_services.password_changed(user=self.request.user, request=self.request)
        messages.success(self.request, "密码已修改，其他设备上的登录已退出。")
        return response


def _org_page(request, org):
    centre_counts = selectors.centre_counts_by_kind(user=request.user, org=org)
    children = Paginator(selectors.org_children(user=request.user, org=org), PAGE_SIZE)
    return render(request, "desk/org_detail.html", {
        "org": org,
        "breadcrumbs": selectors.org_breadcrumbs(user=request.user, org=org),
        "counts": selectors.org_subtree_counts(org=org),
        "centre_counts": centre_counts,
        "centre_total": sum(n for _kind, _label, n in centre_counts),
        "children": children.get_page(request.GET.get("page")),
        "own_centres": selectors.centre_list(user=request.user).filter(org=org),
    })


@login_required
def start(request):
    """Where staff land after signing in: their work — the case queue — if they handle cases; else the
    organisation tree (the administrators); a partner with no cases (a clinic's doctor, a counsellor) on the
    first page the navigation offers them (their own sessions)."""
    if request.user.has_perm("cases.view_case"):
        return redirect("cases:queue")
    if selectors.home_org(user=request.user) is None:
        entries = navigation.entries("desk", request.user)
        if entries:
            return redirect(entries[0].url_name)
    return redirect("desk:home")


@login_required
def home(request):
    org = selectors.home_org(user=request.user)
    if org is None:
        return render(request, "desk/no_org.html", status=403)
    return _org_page(request, org)


@login_required
def org_detail(request, pk: int):
    return _org_page(request, selectors.org_get(user=request.user, pk=pk))


@login_required
def centre_list(request):
    org = None
    org_param = request.GET.get("org", "")
    if org_param.isdigit():
        org = selectors.org_get(user=request.user, pk=int(org_param))
    kind = request.GET.get("kind", "")
    kind = kind if kind in CentreKind.values else ""
    q = request.GET.get("q", "").strip()[:50]
    centres = selectors.centre_list(user=request.user, org=org, kind=kind or None, q=q or None)
    page = Paginator(centres, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "desk/centre_list.html", {
        "page": page, "org": org, "kind": kind, "q": q, "kinds": CentreKind.choices,
        "towns": _town_choices(request.user),
    })


def _town_choices(user):
    home = selectors.home_org(user=user)
    if home is None or home.kind != OrgKind.FEDERATION:
        return []
    return selectors.org_children(user=user, org=home)


@login_required
def centre_detail(request, pk: int):
    centre = selectors.centre_get(user=request.user, pk=pk)
    return render(request, "desk/centre_detail.html", {
        "centre": centre,
        "breadcrumbs": selectors.org_breadcrumbs(user=request.user, org=centre.org),
    })
