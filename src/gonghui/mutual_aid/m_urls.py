from django.urls import path

from . import views

app_name = "mutual_aid_m"

urlpatterns = [
    path("", views.coverage, name="coverage"),
    path("claims/<str:number>/invoices/", views.m_invoices, name="invoices"),
    path("claims/<str:number>/payee/", views.m_payee, name="payee"),
]
