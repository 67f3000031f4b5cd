from django.urls import path

from . import views

app_name = "legal_dash"

urlpatterns = [
    path("", views.figures_page, name="figures"),
]
