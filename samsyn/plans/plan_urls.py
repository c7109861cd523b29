from django.urls import path

from samsyn.plans import plan_views

# Included at /sip/ under app_name "plans".
urlpatterns = [
    path("<int:case_id>/plan/", plan_views.plan_versions, name="plan_versions"),
    path("<int:case_id>/plan/start/", plan_views.plan_start, name="plan_start"),
    path("<int:case_id>/plan/edit/", plan_views.plan_edit, name="plan_edit"),
    path("<int:case_id>/plan/finalise/", plan_views.plan_finalise, name="plan_finalise"),
    path("<int:case_id>/plan/diff/", plan_views.plan_diff, name="plan_diff"),
    path("<int:case_id>/plan/v<int:number>/", plan_views.plan_version, name="plan_version"),
    path("<int:case_id>/plan/v<int:number>/print/", plan_views.plan_print, name="plan_print"),
    path("<int:case_id>/plan/v<int:number>/plan.pdf", plan_views.plan_pdf, name="plan_pdf"),
]
