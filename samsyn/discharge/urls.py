from django.urls import path

from samsyn.discharge.views import receiving, ward

# Included at /discharge/.
app_name = "discharge"
urlpatterns = [
    # The inpatient side (UTS-1, UTS-4).
    path("ward/", ward.ward_list, name="ward"),
    path("ward/new/", ward.admission_new, name="admission_new"),
    path("admissions/<int:admission_id>/", ward.admission_detail, name="admission"),
    path("admissions/<int:admission_id>/notices/", ward.send_notices, name="send_notices"),
    path("admissions/<int:admission_id>/date/", ward.change_date, name="change_date"),
    path("admissions/<int:admission_id>/ready/", ward.ready, name="ready"),
    path(
        "admissions/<int:admission_id>/care-information/",
        ward.care_information,
        name="care_information",
    ),
    path("admissions/<int:admission_id>/discharge/", ward.discharge, name="discharge"),
    # Receiving units
    path("received/", receiving.received, name="received"),
    path("received/<int:admission_id>/", receiving.admission, name="received_admission"),
    path(
        "received/notices/<int:notice_id>/acknowledge/",
        receiving.acknowledge,
        name="received_acknowledge",
    ),
    path(
        "received/<int:admission_id>/tasks/<int:task_id>/",
        receiving.task_done,
        name="received_task",
    ),
    path(
        "received/<int:admission_id>/fixed-care-contact/",
        receiving.appoint,
        name="received_appoint",
    ),
    path("received/<int:admission_id>/sip/", receiving.call_sip, name="received_sip"),
    path("received/<int:admission_id>/summary/", receiving.summary, name="received_summary"),
]
