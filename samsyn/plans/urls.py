from django.urls import include, path

app_name = "plans"
urlpatterns = [
    path("", include("samsyn.plans.case_urls")),
    path("", include("samsyn.plans.meeting_urls")),
    path("", include("samsyn.plans.plan_urls")),
    path("", include("samsyn.plans.deadline_urls")),
]
