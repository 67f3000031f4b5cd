from django.urls import path

from . import views

app_name = "dash"

urlpatterns = [
    path("mutual-aid/", views.dash, name="mutual_aid"),
]
