from django.urls import path

from . import views

app_name = "example_library_m"

urlpatterns = [
    path("", views.loans, name="loans"),
]
