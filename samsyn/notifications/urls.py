from django.urls import path

from samsyn.notifications import views

# Included at /accounts/notifications/: the person's own.
app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read/", views.mark_read, name="read"),
    path("settings/", views.preferences, name="preferences"),
]
