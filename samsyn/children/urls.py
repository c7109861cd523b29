from django.urls import path

from samsyn.children import views

app_name = "children"
urlpatterns = [
    path("", views.child_list, name="list"),
    path("new/", views.register_child, name="register"),
    path("emergency/", views.emergency_access, name="emergency"),
    path("<int:child_id>/", views.child_detail, name="detail"),
    path("<int:child_id>/contact/", views.edit_contact, name="edit_contact"),
    path("<int:child_id>/address-need/", views.record_address_need, name="address_need"),
    path("<int:child_id>/guardians/new/", views.add_guardian, name="add_guardian"),
    path(
        "<int:child_id>/guardians/<int:guardian_id>/contact/",
        views.edit_guardian_contact,
        name="edit_guardian_contact",
    ),
    path(
        "<int:child_id>/guardians/<int:guardian_id>/end/",
        views.end_guardianship,
        name="end_guardianship",
    ),
]
