from django.urls import path

from . import m_views

app_name = "legal_m"

urlpatterns = [
    path("duty/", m_views.duty, name="duty"),
    path("documents/<str:number>/<str:which>.pdf", m_views.document, name="document"),
    path("consultations/<str:number>/follow-up/", m_views.follow_up, name="follow_up"),
    path("consultations/<str:number>/convert/", m_views.convert, name="convert"),
]
