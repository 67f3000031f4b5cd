from django.urls import path

from . import views

app_name = "counselling_m"

urlpatterns = [
    path("", views.m_mailbox, name="mailbox"),
]
