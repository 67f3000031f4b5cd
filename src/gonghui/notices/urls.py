from django.urls import path

from . import views

app_name = "notices"

urlpatterns = [
    path("", views.notice_list, name="list"),
    path("<str:number>/", views.notice_detail, name="detail"),
    path("<str:number>/publish/", views.notice_publish, name="publish"),
    path("<str:number>/objections/<int:pk>/answer/", views.objection_answer, name="objection_answer"),
    path("<str:number>/notice.pdf", views.notice_pdf, name="pdf"),
]
