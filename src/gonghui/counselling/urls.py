from django.urls import path

from . import views

app_name = "counselling"

urlpatterns = [
    path("", views.contacts, name="contacts"),
    path("bookings/<int:pk>/", views.booking_note, name="booking_note"),
    path("contacts/<int:pk>/", views.contact, name="contact"),
    path("mailbox/", views.mailbox, name="mailbox"),
    path("mailbox/<int:pk>/", views.letter, name="letter"),
    path("risks/", views.risks, name="risks"),
    path("risks/<int:pk>/disclose/", views.disclose, name="disclose"),
    path("groups/", views.groups, name="groups"),
]
