from django.urls import path

from . import views

app_name = "aid_m"

urlpatterns = [
    path("cases/<str:number>/invoices/", views.m_invoice_add, name="invoice_add"),
    path("cases/<str:number>/invoices/<int:pk>/remove/", views.m_invoice_remove, name="invoice_remove"),
]
