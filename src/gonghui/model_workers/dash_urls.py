from django.urls import path

from . import figures

app_name = "model_workers_dash"

urlpatterns = [
    path("", figures.page, name="figures"),
]
