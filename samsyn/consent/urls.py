from django.urls import path

from samsyn.consent import views

app_name = "consent"
urlpatterns = [
    path("sip/<int:case_id>/new/", views.record_consent, name="record"),
    path("sip/<int:case_id>/maturity/", views.record_maturity, name="maturity"),
    path("sip/<int:case_id>/legal-ground/", views.record_legal_ground, name="legal_ground"),
    path(
        "sip/<int:case_id>/<int:consent_id>/withdraw/",
        views.withdraw_consent,
        name="withdraw",
    ),
]
