from django.urls import path

from samsyn.accounts import oidc_views, provider_units, sessions, step_up, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("code/", views.code, name="code"),
    path("acting-for/", views.acting_for, name="acting_for"),
    path("logout/", views.logout, name="logout"),
    path("oidc/start/", oidc_views.start, name="oidc_start"),
    path("oidc/callback/", oidc_views.callback, name="oidc_callback"),
    path("provider-units/", provider_units.unit_list, name="provider_units"),
    path("provider-units/new/", provider_units.unit_new, name="provider_unit_new"),
    path(
        "provider-units/<int:connection_id>/", provider_units.unit_edit, name="provider_unit_edit"
    ),
    path(
        "provider-units/<int:connection_id>/remove/",
        provider_units.unit_remove,
        name="provider_unit_remove",
    ),
    path("step-up/", step_up.step_up, name="step_up"),
    path("sessions/", sessions.session_list, name="sessions"),
    path("sessions/<int:session_id>/end/", sessions.session_end, name="session_end"),
    path("sessions/end-others/", sessions.session_end_others, name="session_end_others"),
]
