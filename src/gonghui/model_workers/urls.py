from django.urls import path

from . import views

app_name = "model_workers"

urlpatterns = [
    path("", views.register, name="register"),
    path("add/", views.add, name="add"),
    path("import/", views.import_upload, name="import"),
    path("import/template/", views.import_template, name="import_template"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/bank/", views.bank, name="bank"),
    path("<int:pk>/certificate/", views.certificate, name="certificate"),
    path("<int:pk>/visits/", views.visit, name="visit"),
    path("<int:pk>/checks/", views.check, name="check"),
    path("checks/", views.checks, name="checks"),
    path("checks/<int:pk>/", views.check_result, name="check_result"),
    path("allowances/", views.allowances, name="allowances"),
    path("allowances/<int:pk>/", views.run, name="run"),
    path("recuperation/", views.recuperation, name="recuperation"),
    path("recuperation/<int:pk>/", views.group, name="group"),
    path("recuperation/members/<int:pk>/remove/", views.recuperant_remove, name="recuperant_remove"),
]
