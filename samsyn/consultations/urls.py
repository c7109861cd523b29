from django.urls import path

from samsyn.consultations import views

# Included at /consultations/.
app_name = "consultations"
urlpatterns = [
    path("", views.consultation_list, name="list"),
    path("new/", views.ask, name="ask"),
    path("<int:consultation_id>/", views.consultation_detail, name="detail"),
    path("<int:consultation_id>/answer/", views.answer, name="answer"),
    path("<int:consultation_id>/link/", views.link, name="link"),
]
