"""The SIP meeting pages. Thin: parse, call one selector or service, render. Who may act is
decided in `access` (through `case_for` and the services), never here."""

from __future__ import annotations

from uuid import UUID

from django import forms as django_forms
from django.contrib import messages
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from samsyn.access.http import actor_required, public
from samsyn.children import selectors as children
from samsyn.common.pages import Conflict, handle_form, refusals
from samsyn.plans.forms import meetings as forms
from samsyn.plans.selectors import meetings as meeting_selectors
from samsyn.plans.selectors.cases import case_for
from samsyn.plans.services import meetings

# The service speaks of the model's fields; the form asks for a date and an end time.
MEETING_FIELDS = {"starts_at": "date", "ends_at": "end_time"}


def case_url(case) -> str:
    """The SIP's page; the child's page should the SIP page ever lose its URL name."""
    try:
        return reverse("plans:detail", args=[case.pk])
    except NoReverseMatch:
        return reverse("children:detail", args=[case.child_id])


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _version(version_form) -> str:
    # A missing or tampered version cannot prove the form is fresh: "" never matches.
    return version_form.cleaned_data["version"] if version_form.is_valid() else ""


@actor_required("plans.work")
@require_http_methods(["GET", "POST"])
@refusals
def meeting_book(request, case_id: int):
    actor = request.actor
    case, _decision = case_for(actor, case_id=case_id, purpose=meeting_selectors.PURPOSE)
    form = forms.MeetingBookingForm(
        request.POST if request.method == "POST" else None,
        memberships=meeting_selectors.invitable_memberships(case),
        guardians=children.guardian_rows_for(actor, case.child, purpose=meeting_selectors.PURPOSE),
    )

    def save(data: dict) -> str:
        meetings.book_meeting(
            actor=actor, case_id=case.pk, starts_at=data["starts_at"], ends_at=data["ends_at"],
            place=data["place"], video_link=data["video_link"], staff_ids=data["staff"],
            guardian_ids=data["guardians"], invite_child=data["invite_child"],
            child_email=data["child_email"], others=data["others"], base_url=_base_url(request),
        )  # fmt: skip
        return case_url(case)

    # A refusal by the state machine says what is missing before a meeting (SIP-3).
    return handle_form(
        request, form, save, success=_("The meeting is booked and the invitations are sent."),
        template="plans/meetings/meeting_book.html",
        context={"case": case, "case_url": case_url(case)}, renamed=MEETING_FIELDS,
    )  # fmt: skip


@actor_required("plans.work")
@require_http_methods(["GET", "POST"])
@refusals
def meeting_edit(request, meeting_id: int):
    actor = request.actor
    meeting, _decision = meeting_selectors.meeting_for(actor, meeting_id=meeting_id)
    if meeting.cancelled_at:
        messages.info(request, _("The meeting is cancelled and cannot be changed."))
        return redirect(case_url(meeting.case))
    data = request.POST if request.method == "POST" else None
    form = forms.MeetingTimeForm(data, initial=forms.MeetingTimeForm.initial_for(meeting))
    version_form = forms.VersionForm(
        data, initial={"version": meeting_selectors.time_fingerprint(meeting)}
    )

    def save(cleaned: dict) -> str:
        try:
            meetings.reschedule_meeting(
                actor=actor, meeting_id=meeting.pk, version=_version(version_form),
                starts_at=cleaned["starts_at"], ends_at=cleaned["ends_at"],
                place=cleaned["place"], video_link=cleaned["video_link"],
                base_url=_base_url(request),
            )  # fmt: skip
        except meetings.StaleMeeting as stale:
            saved = forms.MeetingTimeForm.initial_for(stale.current)
            # Saving again now overwrites knowingly: the user has seen the other values.
            raise Conflict(
                _(
                    "Someone else changed the meeting while you were editing. Their values "
                    "are shown next to yours below. Check, change if needed, and save again."
                ),
                conflict=[
                    (form[name].label, saved[name], cleaned.get(name))
                    for name in ("date", "start_time", "end_time", "place", "video_link")
                ],
                version_form=forms.VersionForm(
                    initial={"version": meeting_selectors.time_fingerprint(stale.current)}
                ),
            ) from None
        return case_url(meeting.case)

    # The version guards against a double submit: the service takes a repeat as a no-op.
    return handle_form(
        request, form, save, success=_("The meeting is changed and the invited are told."),
        template="plans/meetings/meeting_edit.html",
        context={
            "version_form": version_form, "meeting": meeting, "case": meeting.case,
            "case_url": case_url(meeting.case),
        },
        renamed=MEETING_FIELDS, token=False,
    )  # fmt: skip


@actor_required("plans.work")
@require_http_methods(["GET", "POST"])
@refusals
def meeting_cancel(request, meeting_id: int):
    actor = request.actor
    meeting, _decision = meeting_selectors.meeting_for(actor, meeting_id=meeting_id)

    def save(_data: dict) -> str:
        meetings.cancel_meeting(actor=actor, meeting_id=meeting.pk, base_url=_base_url(request))
        return case_url(meeting.case)

    # Cancelling twice (a double submit) changes nothing and says the same: no token needed.
    return handle_form(
        request, django_forms.Form(request.POST if request.method == "POST" else None), save,
        success=_("The meeting is cancelled and the invited are told."),
        template="plans/meetings/meeting_cancel.html",
        context={"meeting": meeting, "case": meeting.case, "case_url": case_url(meeting.case)},
        token=False,
    )  # fmt: skip


@actor_required("plans.work")
@require_http_methods(["GET", "POST"])
@refusals
def meeting_minutes(request, meeting_id: int):
    actor = request.actor
    meeting, _decision = meeting_selectors.meeting_for(actor, meeting_id=meeting_id)
    data = request.POST if request.method == "POST" else None
    form = forms.MinutesForm(data, initial={"minutes": meeting.minutes})
    version_form = forms.VersionForm(
        data, initial={"version": meeting_selectors.minutes_fingerprint(meeting)}
    )

    def save(cleaned: dict) -> str:
        try:
            meetings.record_minutes(
                actor=actor, meeting_id=meeting.pk, version=_version(version_form),
                minutes=cleaned["minutes"],
            )  # fmt: skip
        except meetings.StaleMeeting as stale:
            raise Conflict(
                _(
                    "Someone else saved the minutes while you were writing. Their text is "
                    "shown below; yours is kept in the field. Merge them and save again."
                ),
                conflict=stale.current.minutes,
                version_form=forms.VersionForm(
                    initial={"version": meeting_selectors.minutes_fingerprint(stale.current)}
                ),
            ) from None
        return case_url(meeting.case)

    # The version guards against a double submit: the service takes a repeat as a no-op.
    return handle_form(
        request, form, save, success=_("The minutes are saved."),
        template="plans/meetings/meeting_minutes.html",
        context={
            "version_form": version_form, "meeting": meeting, "case": meeting.case,
            "case_url": case_url(meeting.case),
        },
        token=False,
    )  # fmt: skip


@public
@require_http_methods(["GET", "POST"])
@refusals
def meeting_reply(request, token: UUID):
    """The reply link in the invitation: no sign-in, and nothing about the child — only the
    meeting's time and place and the person's own answer."""
    invitation = meeting_selectors.invitation_by_token(token)

    def save(data: dict) -> str:
        meetings.record_reply(token=token, reply=data["reply"])
        return request.path

    # Answering twice records the same answer: no one-time token.
    return handle_form(
        request, forms.ReplyForm(request.POST if request.method == "POST" else None), save,
        success=_("Thank you. Your answer is recorded."), template="plans/meetings/reply.html",
        context={"invitation": invitation, "meeting": invitation.meeting}, token=False,
    )  # fmt: skip
