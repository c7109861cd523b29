from django.urls import include, path

urlpatterns = [
    path("", include("samsyn.core.urls")),
    path("accounts/", include("samsyn.accounts.urls")),
    path("children/", include("samsyn.children.urls")),
]
