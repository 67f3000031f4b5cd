from django.urls import path

from . import views

app_name = "notices_m"

urlpatterns = [
    path("<str:number>/", views.public, name="notice"),
]
