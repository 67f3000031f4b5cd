from django.urls import path

from . import views

app_name = "petitions"

urlpatterns = [
    path("register/", views.register, name="register"),
    path("supervise/", views.supervise_page, name="supervise"),
    path("supervise/export.xlsx", views.supervise_export, name="supervise_export"),
    path("calls/", views.calls, name="calls"),
    path("cases/<str:number>/route/", views.route, name="route"),
    path("cases/<str:number>/answer/", views.answer, name="answer"),
    path("cases/<str:number>/call-back/", views.call_back, name="call_back"),
    path("cases/<str:number>/accused/", views.accused, name="accused"),
    path("cases/<str:number>/repeat/", views.repeat, name="repeat"),
    path("cases/<str:number>/supervise/", views.supervise, name="supervise_case"),
    path("supervisions/<int:pk>/answer/", views.supervision_answer, name="supervision_answer"),
]
