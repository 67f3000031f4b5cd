from django.urls import path

from . import views, views_years

app_name = "mutual_aid"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("years/", views_years.years, name="years"),
    path("years/<int:year>/", views_years.year, name="year"),
    path("years/<int:year>/window/", views_years.year_window, name="year_window"),
    path("years/<int:year>/close/", views_years.year_close, name="year_close"),
    path("years/<int:year>/late/", views_years.late_exception, name="late_exception"),
    path("years/<int:year>/history/", views_years.history_upload, name="history_upload"),
    path("years/<int:year>/products/new/", views_years.product, name="product_new"),
    path("years/<int:year>/products/<int:pk>/", views_years.product, name="product"),
    path("years/<int:year>/products/<int:pk>/rules/", views_years.rule_change, name="rule_change"),
    path("contributions/<int:pk>/pay/", views.contribution_pay, name="contribution_pay"),
    path("claims/<str:number>/invoices/", views.desk_invoices, name="invoices"),
    path("claims/<str:number>/form.pdf", views.claim_form_pdf, name="claim_form"),
]
