"""The URL configuration: the surfaces' pages as the apps register them (core.surfaces), the open
platform, the system administrator's admin and the health probe. No module is named here."""

from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

from gonghui.api.v1 import api
from gonghui.core import surfaces
from gonghui.core import views as core_views
from gonghui.core.health import healthz

admin.site.site_header = "工会服务数据平台 · 系统管理"
admin.site.site_title = "工会服务数据平台"
admin.site.index_title = "系统管理"

urlpatterns = [
    path("", RedirectView.as_view(url="/m/", permanent=False)),
    path("healthz", healthz, name="healthz"),
    # browsers ask for /favicon.ico on their own: answered here, never sent to a sign-in or set-up page
    path("favicon.ico", RedirectView.as_view(url="/static/gonghui/favicon.ico", permanent=True)),
    path("desk/audit/", core_views.audit_list, name="audit_list"),
    path("desk/audit/export.xlsx", core_views.audit_export, name="audit_export"),
    *surfaces.urlpatterns(),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler404 = "gonghui.core.errors.page_not_found"
handler500 = "gonghui.core.errors.server_error"
handler403 = "gonghui.core.errors.permission_denied"
