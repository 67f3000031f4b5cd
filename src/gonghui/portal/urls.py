from django.urls import path

from . import app_shell, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("manifest.webmanifest", app_shell.manifest, name="manifest"),
    path("sw.js", app_shell.service_worker, name="service_worker"),
    path("offline/", app_shell.offline, name="offline"),
    path("centres/", views.centre_list, name="centre_list"),
    path("centres/<int:pk>/", views.centre_detail, name="centre_detail"),
    path("login/", views.PortalLoginView.as_view(), name="login"),
    path("logout/", views.PortalLogoutView.as_view(), name="logout"),
    path("me/", views.me, name="me"),
    path("register/", views.register, name="register"),
    path("bind/", views.bind, name="bind"),
    path("privacy/", views.privacy, name="privacy"),
    path("privacy/my-data.json", views.my_data, name="my_data"),
    path("password/reset/", views.password_reset, name="password_reset"),
]
