from django.urls import path

from . import portal_views as views

app_name = "portal_cases"

urlpatterns = [
    path("services/", views.catalogue_page, name="catalogue"),
    path("services/<slug:code>/", views.guide, name="guide"),
    path("services/<slug:code>/apply/", views.apply, name="apply"),
    path("cases/", views.my_cases, name="my_cases"),
    path("cases/<str:number>/", views.detail, name="detail"),
    path("cases/<str:number>/edit/", views.edit, name="edit"),
    path("cases/<str:number>/attach/", views.attach, name="attach"),
    path("cases/<str:number>/step/<str:name>/", views.step, name="step"),
    path("cases/<str:number>/rate/", views.rate, name="rate"),
    path("cases/<str:number>/files/<int:pk>/", views.file, name="file"),
    path("cases/<str:number>/documents/<str:doc>.pdf", views.document, name="document"),
    path("messages/", views.inbox, name="messages"),
]
