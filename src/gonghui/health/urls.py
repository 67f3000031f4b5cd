from django.urls import path

from . import views

app_name = "health"

urlpatterns = [
    path("records/<int:pk>/", views.record, name="record"),
]
