from django.urls import path

from . import views

app_name = "legal"

urlpatterns = [
    path("cases/<str:number>/stages/", views.stage_add, name="stage_add"),
    path("cases/<str:number>/clients/", views.client_add, name="client_add"),
    path("cases/<str:number>/conclude/", views.conclude, name="conclude"),
    path("rewards/", views.rewards, name="rewards"),
    path("mediations/<str:number>/agreement/", views.mediation_agree, name="mediation_agree"),
    path("mediations/<str:number>/payments/<int:pk>/paid/", views.mediation_paid, name="mediation_paid"),
    path("documents/<str:number>/<str:which>.pdf", views.case_document, name="document"),
    path("duty/", views.duty, name="duty"),
    path("duty/<int:pk>/record/", views.duty_record, name="duty_record"),
    path("duty/<int:pk>/cancel/", views.duty_cancel, name="duty_cancel"),
    path("consultations/<str:number>/answer/", views.consult_answer, name="consult_answer"),
    path("consultations/<str:number>/convert/", views.consult_convert, name="consult_convert"),
]
