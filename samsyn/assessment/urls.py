from django.urls import path

from samsyn.assessment.views import assessments as views

app_name = "assessment"

urlpatterns = [
    path("start/", views.start, name="start"),
    path("<int:assessment_id>/", views.detail, name="detail"),
    path("<int:assessment_id>/versions/<int:number>/", views.version, name="version"),
    path("<int:assessment_id>/draft/", views.edit, name="edit"),
    path("<int:assessment_id>/draft/finalise/", views.finalise, name="finalise"),
]
