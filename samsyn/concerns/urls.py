from django.urls import path

from samsyn.concerns.views import reporting

# Included at /concerns/.
app_name = "concerns"
urlpatterns = [
    # Filing a report and the reporter's own reports (the public's form is at /anmalan/).
    path("reports/new/", reporting.report_new, name="report_new"),
    path("reports/mine/", reporting.my_reports, name="my_reports"),
    path("reports/mine/<int:report_id>/", reporting.my_report, name="my_report"),
    path("reports/mine/<int:report_id>/feedback/", reporting.ask_feedback, name="ask_feedback"),
]
