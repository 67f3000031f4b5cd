from django.urls import path

from . import figures

app_name = "scheduling_dash"

urlpatterns = [
    path("", figures.page, name="figures"),
]
