from django.urls import path

from . import views

app_name = "mutual_aid"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("contributions/<int:pk>/pay/", views.contribution_pay, name="contribution_pay"),
    path("claims/<str:number>/invoices/", views.desk_invoices, name="invoices"),
    path("claims/<str:number>/form.pdf", views.claim_form_pdf, name="claim_form"),
    path("payments/", views.batches, name="batches"),
    path("payments/<int:pk>/", views.batch, name="batch"),
    path("payments/<int:pk>/approve/", views.batch_approve, name="batch_approve"),
    path("payments/<int:pk>/export/", views.batch_export, name="batch_export"),
    path("payments/<int:pk>/result/", views.batch_result, name="batch_result"),
]
