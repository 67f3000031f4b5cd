from django.urls import path

from . import views

app_name = "scheduling"

urlpatterns = [
    path("", views.sessions, name="sessions"),
    path("mine/", views.mine, name="mine"),
    path("checkin/", views.checkin, name="checkin"),
    path("sessions/new/", views.session_new, name="session_new"),
    path("sessions/<int:pk>/", views.session, name="session"),
    path("sessions/<int:pk>/book/", views.book_for, name="book_for"),
    path("sessions/<int:pk>/cancel/", views.session_cancel, name="session_cancel"),
    path("sessions/<int:pk>/close/", views.session_close, name="session_close"),
    path("bookings/<int:pk>/check-in/", views.booking_check_in, name="check_in"),
    path("bookings/<int:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("schedules/new/", views.schedule_new, name="schedule_new"),
    path("courses/", views.courses, name="courses"),
    path("courses/new/", views.course_new, name="course_new"),
    path("courses/<int:pk>/", views.course, name="course"),
    path("courses/<int:pk>/complete/", views.course_complete, name="course_complete"),
    path("suspensions/", views.suspensions, name="suspensions"),
    path("suspensions/<int:pk>/lift/", views.suspension_lift, name="suspension_lift"),
]
