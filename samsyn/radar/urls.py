from django.urls import path

from samsyn.radar.views import queue

# Included at /radar/.
app_name = "radar"
urlpatterns = [
    path("", queue.queue, name="queue"),
    path("signals/<int:signal_id>/dismiss/", queue.dismiss, name="dismiss"),
]
