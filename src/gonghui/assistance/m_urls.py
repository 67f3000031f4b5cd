from django.urls import path

from . import views

app_name = "assistance_m"

urlpatterns = [
    path("cases/<str:number>/members/", views.m_member_add, name="member_add"),
    path("cases/<str:number>/members/<int:pk>/remove/", views.m_member_remove, name="member_remove"),
    path("cases/<str:number>/payee/", views.m_payee, name="payee"),
]
