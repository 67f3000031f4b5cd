from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("export.xlsx", views.queue_export, name="queue_export"),
    path("new/", views.intake, name="intake"),
    path("follow-ups/", views.follow_ups, name="follow_ups"),
    path("follow-ups/<int:pk>/close/", views.follow_up_close, name="follow_up_close"),
    path("inbox/", views.inbox, name="inbox"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/edit/", views.edit, name="edit"),
    path("<str:number>/step/<str:name>/", views.step, name="step"),
    path("<str:number>/attach/", views.attach, name="attach"),
    path("<str:number>/note/", views.note, name="note"),
    path("<str:number>/assign/", views.assign, name="assign"),
    path("<str:number>/extend/", views.extend, name="extend"),
    path("<str:number>/files/<int:pk>/", views.file, name="file"),
    path("<str:number>/documents/<str:doc>.pdf", views.document, name="document"),
    path("<str:number>/reveal/<str:key>/", views.reveal, name="reveal"),
]
