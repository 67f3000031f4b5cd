from django.urls import path

from . import m_views

app_name = "scheduling_m"

urlpatterns = [
    path("", m_views.home, name="home"),
    path("mine/", m_views.history, name="history"),
    path("s/<slug:code>/", m_views.service, name="service"),
    path("s/<slug:code>/book/", m_views.book, name="book"),
    path("<str:number>/", m_views.booking, name="booking"),
    path("<str:number>/confirm/", m_views.confirm, name="confirm"),
    path("<str:number>/cancel/", m_views.cancel, name="cancel"),
]
