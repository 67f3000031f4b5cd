from django.urls import path

from . import figures

app_name = "assistance_dash"

urlpatterns = [
    path("", figures.page, name="figures"),
]
