from django.urls import path

from samsyn.discharge.views import receiving

# Included at /discharge/.
app_name = "discharge"
urlpatterns = [
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
    path("received/<int:admission_id>/summary/", receiving.summary, name="received_summary"),
]
