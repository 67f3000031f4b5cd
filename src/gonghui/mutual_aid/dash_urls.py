from django.urls import path

from . import views

app_name = "mutual_aid_dash"

urlpatterns = [
    path("", views.dash, name="figures"),
    path("reconcile/", views.reconcile, name="reconcile"),
]
