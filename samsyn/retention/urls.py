from django.urls import path

from samsyn.retention import views

# Included at /retention/.
app_name = "retention"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("due/<slug:record_type>/", views.due, name="due"),
    path("rules/<int:rule_id>/", views.rule, name="rule"),
    path("rules/<int:rule_id>/enforce/", views.enforce, name="enforce"),
    path("holds/new/", views.new_hold, name="new_hold"),
    path("holds/<int:hold_id>/lift/", views.lift_hold, name="lift_hold"),
    path("children/<int:child_id>/hold/", views.new_child_hold, name="new_child_hold"),
    path(
        "children/<int:child_id>/holds/<int:hold_id>/lift/",
        views.lift_child_hold,
        name="lift_child_hold",
    ),  # fmt: skip
]
