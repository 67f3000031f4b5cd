"""Worker H5 pages. Centres are public information; everything personal needs a signed-in worker."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse_lazy

from gonghui.core import navigation
from gonghui.desk.views import ThrottledLoginMixin
from gonghui.orgs import selectors
from gonghui.orgs.models import CentreKind


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


@login_required(login_url=reverse_lazy("portal:login"))
def me(request):
    return render(request, "m/me.html")
