from django.urls import path

from samsyn.accounts import oidc_views, sessions, step_up, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("code/", views.code, name="code"),
    path("acting-for/", views.acting_for, name="acting_for"),
    path("logout/", views.logout, name="logout"),
    path("oidc/start/", oidc_views.start, name="oidc_start"),
    path("oidc/callback/", oidc_views.callback, name="oidc_callback"),
    path("step-up/", step_up.step_up, name="step_up"),
    path("sessions/", sessions.session_list, name="sessions"),
    path("sessions/<int:session_id>/end/", sessions.session_end, name="session_end"),
    path("sessions/end-others/", sessions.session_end_others, name="session_end_others"),
]
