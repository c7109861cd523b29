from django.urls import path

from samsyn.referrals import views

# Included at /referrals/.
app_name = "referrals"
urlpatterns = [
    path("", views.incoming, name="incoming"),
    path("sent/", views.outgoing, name="outgoing"),
    path("new/<int:child_id>/", views.send, name="send"),
    path("<int:referral_id>/", views.referral_detail, name="detail"),
    path("<int:referral_id>/accept/", views.accept, name="accept"),
    path("<int:referral_id>/decline/", views.decline, name="decline"),
    path("<int:referral_id>/next-step/", views.next_step, name="next_step"),
    path("<int:referral_id>/withdraw/", views.withdraw, name="withdraw"),
]
