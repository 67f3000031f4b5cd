from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from gonghui.api.v1 import api
from gonghui.core import views as core_views
from gonghui.core.health import healthz

admin.site.site_header = "工会服务数据平台 · 系统管理"
admin.site.site_title = "工会服务数据平台"
admin.site.index_title = "系统管理"

urlpatterns = [
    path("", RedirectView.as_view(url="/m/", permanent=False)),
    path("healthz", healthz, name="healthz"),
    path("desk/", include("gonghui.desk.urls")),
    path("desk/", include("gonghui.registry.urls")),
    path("desk/cases/", include("gonghui.cases.urls")),
    path("desk/mutual-aid/", include("gonghui.mutual_aid.urls")),
    path("dash/", include("gonghui.mutual_aid.dash_urls")),
    path("desk/audit/", core_views.audit_list, name="audit_list"),
    path("desk/audit/export.xlsx", core_views.audit_export, name="audit_export"),
    path("api/v1/", api.urls),
    path("m/", include("gonghui.portal.urls")),
    path("m/", include("gonghui.cases.portal_urls")),
    path("m/mutual-aid/", include("gonghui.mutual_aid.m_urls")),
    path("admin/", admin.site.urls),
]

handler404 = "gonghui.core.errors.page_not_found"
handler500 = "gonghui.core.errors.server_error"
handler403 = "gonghui.core.errors.permission_denied"
