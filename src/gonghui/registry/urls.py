from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("workers/", views.worker_list, name="worker_list"),
    path("workers/export.xlsx", views.worker_export, name="worker_export"),
    path("workers/<int:pk>/", views.worker_detail, name="worker_detail"),
    path("workers/<int:pk>/reveal/<str:what>/", views.worker_reveal, name="worker_reveal"),
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("corrections/", views.correction_list, name="correction_list"),
    path("corrections/<int:pk>/handle/", views.correction_handle, name="correction_handle"),
    path("bindings/", views.binding_list, name="binding_list"),
    path("bindings/<int:pk>/decide/", views.binding_decide, name="binding_decide"),
    path("imports/", views.import_list, name="import_list"),
    path("imports/template/<str:kind>.xlsx", views.import_template, name="import_template"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/errors.xlsx", views.import_errors, name="import_errors"),
]
