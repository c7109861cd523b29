from django.urls import path

from samsyn.plans import deadline_views

urlpatterns = [
    path("overdue/", deadline_views.overdue, name="overdue"),
]
