from django.urls import path

from . import views

app_name = "health_m"

urlpatterns = [
    path("", views.mine, name="mine"),
]
