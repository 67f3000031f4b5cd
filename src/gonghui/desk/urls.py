from django.urls import path

from gonghui.accounts import views as account_views

from . import views

app_name = "desk"

urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.start, name="start"),
    path("login/", views.DeskLoginView.as_view(), name="login"),
    path("logout/", views.DeskLogoutView.as_view(), name="logout"),
    path("password/", views.DeskPasswordChangeView.as_view(), name="password_change"),
    path("2fa/setup/", account_views.setup, name="2fa_setup"),
    path("2fa/verify/", account_views.verify, name="2fa_verify"),
    path("orgs/<int:pk>/", views.org_detail, name="org_detail"),
    path("centres/", views.centre_list, name="centre_list"),
    path("centres/<int:pk>/", views.centre_detail, name="centre_detail"),
]
