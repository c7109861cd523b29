"""The SIP meeting pages. Thin: parse, call one selector or service, render. Who may act is
decided in `access` (through `case_for` and the services), never here."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from samsyn.access.http import actor_required, public
from samsyn.children import selectors as children
from samsyn.common import form_tokens
from samsyn.common.forms import add_validation_errors
from samsyn.plans.forms import meetings as forms
from samsyn.plans.selectors.cases import CaseNotFound, case_for
from samsyn.plans.services import meetings
from samsyn.plans.state import TransitionRefused

# One-time form tokens against a double submit: token -> None while unused, then the URL it
# led to (the house pattern of the children pages, with a key of its own).


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


def _expired(form) -> None:
    form.add_error(None, _("The form had expired. Check what you typed and submit it again."))


@actor_required("plans.work")
@require_http_methods(["GET", "POST"])
def meeting_book(request, case_id: int):
    actor = request.actor
    try:
        case, _decision = case_for(actor, case_id=case_id, purpose=meetings.PURPOSE)
    except CaseNotFound:
        raise Http404 from None
    data = request.POST if request.method == "POST" else None
    form = forms.MeetingBookingForm(
        data,
        memberships=meetings.invitable_memberships(case),
        guardians=children.guardians_of(case.child),
    )
    token = request.POST.get("form_token", "")
    if request.method == "POST":
        state = form_tokens.state(request, token)
        if isinstance(state, str):
            return form_tokens.already_saved(request, state)
        if state is form_tokens.UNKNOWN:
            token = form_tokens.issue(request)
            if form.is_valid():
                _expired(form)
        elif form.is_valid():
            data = form.cleaned_data
            try:
                meetings.book_meeting(
                    actor=actor, case_id=case.pk, starts_at=data["starts_at"],
                    ends_at=data["ends_at"], place=data["place"], video_link=data["video_link"],
                    staff_ids=data["staff"], guardian_ids=data["guardians"],
                    invite_child=data["invite_child"], child_email=data["child_email"],
                    others=data["others"], base_url=_base_url(request),
                )  # fmt: skip
            except CaseNotFound:
                raise Http404 from None
            except TransitionRefused as refused:
                # The state machine's own words: what is missing before a meeting (SIP-3).
                form.add_error(None, refused)
            except ValidationError as error:
                add_validation_errors(form, error, MEETING_FIELDS)
            else:
                url = case_url(case)
                form_tokens.spend(request, token, url)
                messages.success(request, _("The meeting is booked and the invitations are sent."))
                return redirect(url)
    else:
        token = form_tokens.issue(request)
    return render(
        request,
        "plans/meetings/meeting_book.html",
        {"form": form, "case": case, "case_url": case_url(case), "form_token": token},
    )


@actor_required("plans.work")
@require_http_methods(["GET", "POST"])
def meeting_edit(request, meeting_id: int):
    actor = request.actor
    try:
        meeting, _decision = meetings.meeting_for(actor, meeting_id=meeting_id)
    except meetings.MeetingNotFound:
        raise Http404 from None
    conflict = None
    if meeting.cancelled_at:
        messages.info(request, _("The meeting is cancelled and cannot be changed."))
        return redirect(case_url(meeting.case))
    if request.method == "POST":
        form = forms.MeetingTimeForm(request.POST)
        version_form = forms.VersionForm(request.POST)
        # A missing or tampered version cannot prove the form is fresh: "" never matches.
        version = version_form.cleaned_data["version"] if version_form.is_valid() else ""
        if form.is_valid():
            data = form.cleaned_data
            try:
                meetings.reschedule_meeting(
                    actor=actor, meeting_id=meeting.pk, version=version,
                    starts_at=data["starts_at"], ends_at=data["ends_at"], place=data["place"],
                    video_link=data["video_link"], base_url=_base_url(request),
                )  # fmt: skip
            except meetings.MeetingNotFound:
                raise Http404 from None
            except meetings.StaleMeeting as stale:
                form.add_error(
                    None,
                    _(
                        "Someone else changed the meeting while you were editing. Their values "
                        "are shown next to yours below. Check, change if needed, and save again."
                    ),
                )
                saved = forms.MeetingTimeForm.initial_for(stale.current)
                conflict = [
                    (form[name].label, saved[name], form.cleaned_data.get(name))
                    for name in ("date", "start_time", "end_time", "place", "video_link")
                ]
                # Saving again now overwrites knowingly: the user has seen the other values.
                version = meetings.time_fingerprint(stale.current)
            except TransitionRefused as refused:
                form.add_error(None, refused)
            except ValidationError as error:
                add_validation_errors(form, error, MEETING_FIELDS)
            else:
                messages.success(request, _("The meeting is changed and the invited are told."))
                return redirect(case_url(meeting.case))
    else:
        form = forms.MeetingTimeForm(initial=forms.MeetingTimeForm.initial_for(meeting))
        version = meetings.time_fingerprint(meeting)
    return render(
        request,
        "plans/meetings/meeting_edit.html",
        {
            "form": form, "version_form": forms.VersionForm(initial={"version": version}),
            "meeting": meeting, "case": meeting.case, "case_url": case_url(meeting.case),
            "conflict": conflict,
        },
    )  # fmt: skip


@actor_required("plans.work")
@require_http_methods(["GET", "POST"])
def meeting_cancel(request, meeting_id: int):
    actor = request.actor
    try:
        meeting, _decision = meetings.meeting_for(actor, meeting_id=meeting_id)
    except meetings.MeetingNotFound:
        raise Http404 from None
    if request.method == "POST":
        try:
            meetings.cancel_meeting(actor=actor, meeting_id=meeting.pk, base_url=_base_url(request))
        except meetings.MeetingNotFound:
            raise Http404 from None
        # Cancelling twice (a double submit) changes nothing and says the same.
        messages.success(request, _("The meeting is cancelled and the invited are told."))
        return redirect(case_url(meeting.case))
    return render(
        request,
        "plans/meetings/meeting_cancel.html",
        {"meeting": meeting, "case": meeting.case, "case_url": case_url(meeting.case)},
    )


@actor_required("plans.work")
@require_http_methods(["GET", "POST"])
def meeting_minutes(request, meeting_id: int):
    actor = request.actor
    try:
        meeting, _decision = meetings.meeting_for(actor, meeting_id=meeting_id)
    except meetings.MeetingNotFound:
        raise Http404 from None
    conflict = None
    if request.method == "POST":
        form = forms.MinutesForm(request.POST)
        version_form = forms.VersionForm(request.POST)
        version = version_form.cleaned_data["version"] if version_form.is_valid() else ""
        if form.is_valid():
            try:
                meetings.record_minutes(
                    actor=actor, meeting_id=meeting.pk, version=version,
                    minutes=form.cleaned_data["minutes"],
                )  # fmt: skip
            except meetings.MeetingNotFound:
                raise Http404 from None
            except meetings.StaleMeeting as stale:
                form.add_error(
                    None,
                    _(
                        "Someone else saved the minutes while you were writing. Their text is "
                        "shown below; yours is kept in the field. Merge them and save again."
                    ),
                )
                conflict = stale.current.minutes
                version = meetings.minutes_fingerprint(stale.current)
            except ValidationError as error:
                add_validation_errors(form, error, MEETING_FIELDS)
            else:
                messages.success(request, _("The minutes are saved."))
                return redirect(case_url(meeting.case))
    else:
        form = forms.MinutesForm(initial={"minutes": meeting.minutes})
        version = meetings.minutes_fingerprint(meeting)
    return render(
        request,
        "plans/meetings/meeting_minutes.html",
        {
            "form": form, "version_form": forms.VersionForm(initial={"version": version}),
            "meeting": meeting, "case": meeting.case, "case_url": case_url(meeting.case),
            "conflict": conflict,
        },
    )  # fmt: skip


@public
@require_http_methods(["GET", "POST"])
def meeting_reply(request, token: UUID):
    """The reply link in the invitation: no sign-in, and nothing about the child — only the
    meeting's time and place and the person's own answer."""
    try:
        invitation = meetings.invitation_by_token(token)
    except meetings.InvitationNotFound:
        raise Http404 from None
    form = forms.ReplyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = meetings.record_reply(token=token, reply=form.cleaned_data["reply"])
        except meetings.InvitationNotFound:
            raise Http404 from None
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you. Your answer is recorded."))
            return redirect(request.path)
    return render(
        request,
        "plans/meetings/reply.html",
        {"invitation": invitation, "meeting": invitation.meeting, "form": form},
    )
