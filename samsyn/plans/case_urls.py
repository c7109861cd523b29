from django.urls import path

from samsyn.plans import case_views as views

urlpatterns = [
    path("", views.case_list, name="list"),
    path("propose/", views.propose, name="propose"),
    path("<int:case_id>/", views.case_detail, name="detail"),
    path("<int:case_id>/first-contact/", views.first_contact, name="first_contact"),
    path("<int:case_id>/parties/new/", views.invite_party, name="invite_party"),
    path("<int:case_id>/take-up/", views.take_up, name="take_up"),
    path("<int:case_id>/coordinator/offer/", views.offer_handover, name="offer_handover"),
    path(
        "<int:case_id>/coordinator/<int:handover_id>/accept/",
        views.accept_handover,
        name="accept_handover",
    ),
    path(
        "<int:case_id>/coordinator/<int:handover_id>/decline/",
        views.decline_handover,
        name="decline_handover",
    ),
    path("<int:case_id>/close/", views.close, name="close"),
]
