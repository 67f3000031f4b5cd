from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("", views.batches, name="batches"),
    path("<int:pk>/", views.batch, name="batch"),
    path("<int:pk>/approve/", views.batch_approve, name="batch_approve"),
    path("<int:pk>/export/", views.batch_export, name="batch_export"),
    path("<int:pk>/result/", views.batch_result, name="batch_result"),
]
