from django.urls import path

from samsyn.concerns.views import intake, reporting

# Included at /concerns/.
app_name = "concerns"
urlpatterns = [
    # Filing a report and the reporter's own reports (the public's form is at /anmalan/).
    path("reports/new/", reporting.report_new, name="report_new"),
    path("reports/mine/", reporting.my_reports, name="my_reports"),
    path("reports/mine/<int:report_id>/", reporting.my_report, name="my_report"),
    path("reports/mine/<int:report_id>/feedback/", reporting.ask_feedback, name="ask_feedback"),
    # Intake in social services: the queue, a report's steps, the investigation.
    path("intake/", intake.queue, name="intake_queue"),
    path("intake/<int:report_id>/", intake.report_detail, name="intake_report"),
    path("intake/<int:report_id>/link/", intake.link, name="intake_link"),
    path("intake/<int:report_id>/protection/", intake.protection, name="intake_protection"),
    path("intake/<int:report_id>/decision/", intake.decision, name="intake_decision"),
    path("intake/<int:report_id>/extend/", intake.extend, name="intake_extend"),
    path("intake/<int:report_id>/feedback/", intake.feedback, name="intake_feedback"),
    path(
        "intake/<int:report_id>/feedback/request/",
        intake.feedback_request,
        name="intake_feedback_request",
    ),
    path("intake/<int:report_id>/meeting/", intake.meeting_offer, name="intake_meeting_offer"),
    path(
        "intake/<int:report_id>/meeting/answer/",
        intake.meeting_answer,
        name="intake_meeting_answer",
    ),
    path(
        "investigations/<int:investigation_id>/",
        intake.investigation_detail,
        name="investigation",
    ),
    path(
        "investigations/<int:investigation_id>/extend/",
        intake.investigation_extend,
        name="investigation_extend",
    ),
    path(
        "investigations/<int:investigation_id>/finish/",
        intake.investigation_finish,
        name="investigation_finish",
    ),
]
