from django.urls import include, path

from samsyn.concerns.views import reporting as public_reporting

urlpatterns = [
    path("", include("samsyn.core.urls")),
    path("accounts/", include("samsyn.accounts.urls")),
    path("accounts/tokens/", include("samsyn.accounts.token_urls")),
    path("accounts/notifications/", include("samsyn.notifications.urls")),
    path("directory/", include("samsyn.directory.urls")),
    path("children/", include("samsyn.children.urls")),
    path("audit/", include("samsyn.audit.urls")),
    path("sip/", include("samsyn.plans.urls")),
    path("concerns/", include("samsyn.concerns.urls")),
    path("discharge/", include("samsyn.discharge.urls")),
    path("consultations/", include("samsyn.consultations.urls")),
    path("referrals/", include("samsyn.referrals.urls")),
    path("assessment/", include("samsyn.assessment.urls")),
    path("radar/", include("samsyn.radar.urls")),
    path("retention/", include("samsyn.retention.urls")),
    path("family/", include("samsyn.portal.urls")),
    path("api/", include("samsyn.api.urls")),
    # A report of concern from anyone, at a short Swedish address to give out (issue 9).
    path("anmalan/", public_reporting.public_report, name="public_report"),
    path("anmalan/kvitto/", public_reporting.public_receipt, name="public_report_receipt"),
]
