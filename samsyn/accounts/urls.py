from django.urls import path

from samsyn.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("code/", views.code, name="code"),
    path("acting-for/", views.acting_for, name="acting_for"),
    path("logout/", views.logout, name="logout"),
]
