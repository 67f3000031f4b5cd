from django.urls import path

from . import views

app_name = "aid"

urlpatterns = [
    path("cases/<str:number>/invoices/", views.invoice_add, name="invoice_add"),
]
