from django.urls import path

from samsyn.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("children/<int:child_id>/", views.child, name="child"),
    path("children/<int:child_id>/log/", views.extract, name="extract"),
    path(
        "children/<int:child_id>/invitations/<int:invitation_id>/reply/",
        views.reply,
        name="reply",
    ),
    path("children/<int:child_id>/sip/<int:case_id>/", views.plan, name="plan"),
    path(
        "children/<int:child_id>/sip/<int:case_id>/versions/<int:number>/",
        views.version,
        name="version",
    ),
    path(
        "children/<int:child_id>/sip/<int:case_id>/versions/<int:number>/print/",
        views.print_version,
        name="print",
    ),
]
