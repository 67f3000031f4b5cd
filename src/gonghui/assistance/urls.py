from django.urls import path

from . import views

app_name = "assistance"

urlpatterns = [
    path("", views.files, name="files"),
    path("publicise/", views.publicise, name="publicise"),
    path("golden-autumn/", views.campaigns, name="campaigns"),
    path("festival/", views.festival, name="festival"),
    path("festival/<int:pk>/", views.festival_detail, name="festival_detail"),
    path("festival/visits/<int:pk>/", views.festival_record, name="festival_record"),
    path("festival/visits/<int:pk>/receipt/", views.festival_receipt, name="festival_receipt"),
    path("cases/<str:number>/members/", views.member_add, name="member_add"),
    path("cases/<str:number>/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("cases/<str:number>/visit/", views.visit, name="visit"),
    path("cases/<str:number>/review/", views.review, name="review"),
    path("cases/<str:number>/close/", views.close, name="close"),
]
