from django.urls import path

from . import views

app_name = "petitions_dash"

urlpatterns = [
    path("", views.figures_page, name="figures"),
]
