from django.urls import path

from samsyn.plans.views import cases, consents, deadlines, efforts, meetings, versions

# Included at /sip/.
app_name = "plans"
urlpatterns = [
    path("", cases.case_list, name="list"),
    path("propose/", cases.propose, name="propose"),
    path("overdue/", deadlines.overdue, name="overdue"),
    path("<int:case_id>/", cases.case_detail, name="detail"),
    path("<int:case_id>/first-contact/", cases.first_contact, name="first_contact"),
    path("<int:case_id>/parties/new/", cases.invite_party, name="invite_party"),
    path("<int:case_id>/take-up/", cases.take_up, name="take_up"),
    path("<int:case_id>/accept/", cases.accept_invitation, name="accept_invitation"),
    path("<int:case_id>/coordinator/offer/", cases.offer_handover, name="offer_handover"),
    path(
        "<int:case_id>/coordinator/<int:handover_id>/accept/",
        cases.accept_handover,
        name="accept_handover",
    ),
    path(
        "<int:case_id>/coordinator/<int:handover_id>/decline/",
        cases.decline_handover,
        name="decline_handover",
    ),
    path("<int:case_id>/close/", cases.close, name="close"),
    path("<int:case_id>/consent/new/", consents.record_consent, name="consent_record"),
    path("<int:case_id>/consent/maturity/", consents.record_maturity, name="consent_maturity"),
    path(
        "<int:case_id>/consent/legal-ground/",
        consents.record_legal_ground,
        name="consent_legal_ground",
    ),
    path(
        "<int:case_id>/consent/<int:consent_id>/withdraw/",
        consents.withdraw_consent,
        name="consent_withdraw",
    ),
    path("<int:case_id>/meetings/new/", meetings.meeting_book, name="meeting_book"),
    path("meetings/<int:meeting_id>/edit/", meetings.meeting_edit, name="meeting_edit"),
    path("meetings/<int:meeting_id>/cancel/", meetings.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:meeting_id>/minutes/", meetings.meeting_minutes, name="meeting_minutes"),
    path("reply/<uuid:token>/", meetings.meeting_reply, name="meeting_reply"),
    path("<int:case_id>/plan/", versions.plan_versions, name="plan_versions"),
    path("<int:case_id>/plan/start/", versions.plan_start, name="plan_start"),
    path("<int:case_id>/plan/edit/", versions.plan_edit, name="plan_edit"),
    path("<int:case_id>/plan/edit/row/", versions.plan_row, name="plan_row"),
    path("<int:case_id>/plan/finalise/", versions.plan_finalise, name="plan_finalise"),
    path("<int:case_id>/plan/diff/", versions.plan_diff, name="plan_diff"),
    path(
        "<int:case_id>/plan/efforts/<uuid:key>/started/",
        efforts.effort_started,
        name="effort_started",
    ),
    path("<int:case_id>/plan/v<int:number>/", versions.plan_version, name="plan_version"),
    path("<int:case_id>/plan/v<int:number>/print/", versions.plan_print, name="plan_print"),
    path("<int:case_id>/plan/v<int:number>/plan.pdf", versions.plan_pdf, name="plan_pdf"),
]
