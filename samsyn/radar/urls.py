from django.urls import path

from samsyn.radar.views import escalation, queue

# Included at /radar/.
app_name = "radar"
urlpatterns = [
    path("", queue.queue, name="queue"),
    path("signals/<int:signal_id>/dismiss/", queue.dismiss, name="dismiss"),
    path("bodies/", escalation.bodies, name="bodies"),
    path("bodies/<int:body_id>/", escalation.body, name="body"),
]
