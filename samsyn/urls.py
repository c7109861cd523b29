from django.urls import include, path

urlpatterns = [
    path("", include("samsyn.core.urls")),
    path("accounts/", include("samsyn.accounts.urls")),
    path("accounts/tokens/", include("samsyn.accounts.token_urls")),
    path("directory/", include("samsyn.directory.urls")),
    path("children/", include("samsyn.children.urls")),
    path("audit/", include("samsyn.audit.urls")),
    path("sip/", include("samsyn.plans.urls")),
    path("concerns/", include("samsyn.concerns.urls")),
    path("assessment/", include("samsyn.assessment.urls")),
    path("family/", include("samsyn.portal.urls")),
    path("api/", include("samsyn.api.urls")),
]
