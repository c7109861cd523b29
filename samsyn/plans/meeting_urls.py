from django.urls import path

from samsyn.plans import meeting_views as views

urlpatterns = [
    path("<int:case_id>/meetings/new/", views.meeting_book, name="meeting_book"),
    path("meetings/<int:meeting_id>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:meeting_id>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:meeting_id>/minutes/", views.meeting_minutes, name="meeting_minutes"),
    path("reply/<uuid:token>/", views.meeting_reply, name="meeting_reply"),
]
