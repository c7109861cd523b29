from django.urls import path

from samsyn.audit import views

app_name = "audit"
urlpatterns = [
    path("children/<int:child_id>/", views.child_log, name="child"),
    path("unit/", views.unit_log, name="unit"),
    path("follow-up/", views.follow_up, name="follow_up"),
]
