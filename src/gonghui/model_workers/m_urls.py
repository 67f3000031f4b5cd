from django.urls import path

from . import views

app_name = "model_workers_m"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("cases/<str:number>/payee/", views.m_payee, name="payee"),
]
