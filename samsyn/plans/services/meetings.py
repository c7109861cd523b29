"""SIP meetings: booking, rescheduling, cancelling, minutes, and the invited people's replies.

Every change goes through the SIP's state machine (`services.check_transition`, consent first:
DOMAIN SIP-3) and writes its audit row in the same transaction. Mail goes out after commit, so a
rolled-back booking sends nothing. Mail is not a secure channel: the invitations name neither
the child nor the identity number, only the time, the place and a reply link.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlsplit
from uuid import UUID
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.audit import services as audit
from samsyn.children.selectors import guardians_of
from samsyn.plans.models import Case, Invitation, Meeting
from samsyn.plans.selectors.cases import (
    CaseNotFound,
    case_for_change,
)
from samsyn.plans.selectors.meetings import (
    PURPOSE,
    InvitationNotFound,
    MeetingNotFound,
    invitable_memberships,
    minutes_fingerprint,
    time_fingerprint,
)
from samsyn.plans.services import ics
from samsyn.plans.state import check_transition

logger = logging.getLogger(__name__)

# Invitations are written in Swedish unless told otherwise: the invited are Swedish families
# and professionals, and most have no account whose language we could know.
MAIL_LANGUAGE = "sv"
STOCKHOLM = ZoneInfo("Europe/Stockholm")


class StaleMeeting(Exception):
    """Someone saved the meeting since the form was opened; `current` is what is saved now."""

    def __init__(self, current: Meeting):
        super().__init__(current.pk)
        self.current = current


@dataclass(frozen=True)
class OtherInvitee:
    name: str
    email: str


# --- writes -------------------------------------------------------------------------------


def _validate_time_and_place(meeting: Meeting) -> None:
    errors: dict[str, list[str]] = {}
    if meeting.ends_at <= meeting.starts_at:
        errors["ends_at"] = [_("The meeting must end after it starts.")]
    if not meeting.place.strip() and not meeting.video_link.strip():
        errors["place"] = [_("Give a place, a video link, or both.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def book_meeting(
    *,
    actor: Actor,
    case_id: int,
    starts_at,
    ends_at,
    place: str,
    video_link: str,
    staff_ids: list[int],
    guardian_ids: list[int],
    invite_child: bool,
    child_email: str,
    others: list[OtherInvitee],
    base_url: str,
) -> Meeting:
    """Book a SIP meeting and invite people. The first meeting moves the SIP from "consent
    recorded" to "meeting booked"; a later one leaves the status as it is."""
    case, decision = case_for_change(actor, case_id)
    check_transition(case, "book_meeting")
    meeting = Meeting(
        case=case, starts_at=starts_at, ends_at=ends_at, place=place.strip(),
        video_link=video_link.strip(), booked_by=actor.staff,
    )  # fmt: skip
    _validate_time_and_place(meeting)
    meeting.full_clean()

    invitations = _invitations(
        case, staff_ids=staff_ids, guardian_ids=guardian_ids, invite_child=invite_child,
        child_email=child_email, others=others,
    )  # fmt: skip
    if not invitations:
        raise ValidationError(_("Invite at least one person."))
    meeting.save()
    for invitation in invitations:
        invitation.meeting = meeting
        invitation.full_clean()
    Invitation.objects.bulk_create(invitations)

    previous = case.status
    if case.status == Case.Status.CONSENTED:
        case.status = Case.Status.MEETING_BOOKED
        case.version = F("version") + 1
        case.save(update_fields=["status", "version"])
    audit.record_change(
        actor=actor, child_id=case.child_id, obj="sip_meeting", obj_id=meeting.pk,
        event="meeting_booked", purpose=PURPOSE, decision=decision,
        detail={
            "case_id": case.pk, "invitations": len(invitations), "status_before": previous,
            "status_after": Case.Status.MEETING_BOOKED
            if previous == Case.Status.CONSENTED else previous,
        },
    )  # fmt: skip
    # After commit: a rolled-back booking must not send mail.
    transaction.on_commit(
        partial(send_meeting_mail, meeting_id=meeting.pk, notice="invitation", base_url=base_url)
    )
    return meeting


def _invitations(
    case: Case, *, staff_ids, guardian_ids, invite_child, child_email, others
) -> list[Invitation]:
    """Invitation rows for the chosen people, refusing anyone not on offer (a tampered form)."""
    invitations: list[Invitation] = []
    if staff_ids:
        chosen = {
            m.staff_id: m.staff for m in invitable_memberships(case).filter(staff_id__in=staff_ids)
        }
        if set(staff_ids) - set(chosen):
            raise ValidationError(
                {"staff": [_("Choose staff of the organisations taking part in the SIP.")]}
            )
        invitations += [
            Invitation(kind=Invitation.Kind.STAFF, staff=staff, name=staff.name, email=staff.email)
            for staff in sorted(chosen.values(), key=lambda s: s.name)
        ]
    if guardian_ids:
        guardians = list(guardians_of(case.child).filter(pk__in=guardian_ids).order_by("pk"))
        if len(guardians) != len(set(guardian_ids)):
            raise ValidationError({"guardians": [_("Choose among the child's guardians.")]})
        invitations += [
            Invitation(kind=Invitation.Kind.GUARDIAN, guardian=g, name=g.name, email=g.email)
            for g in guardians
        ]
    if invite_child:
        invitations.append(
            Invitation(kind=Invitation.Kind.CHILD, name=case.child.name, email=child_email)
        )
    invitations += [
        Invitation(kind=Invitation.Kind.OTHER, name=other.name, email=other.email)
        for other in others
    ]
    return invitations


def _locked_meeting(actor: Actor, meeting_id: int) -> tuple[Meeting, Case, rules.Decision]:
    case_id = Meeting.objects.filter(pk=meeting_id).values_list("case_id", flat=True).first()
    if case_id is None:
        raise MeetingNotFound(meeting_id)
    try:
        case, decision = case_for_change(actor, case_id)
    except CaseNotFound:
        raise MeetingNotFound(meeting_id) from None
    meeting = Meeting.objects.select_for_update().get(pk=meeting_id)
    meeting.case = case
    return meeting, case, decision


@transaction.atomic
def reschedule_meeting(
    *,
    actor: Actor,
    meeting_id: int,
    version: str,
    starts_at,
    ends_at,
    place: str,
    video_link: str,
    base_url: str,
) -> Meeting:
    """Move the meeting or change its place; every invited person gets an updated invitation.
    `version` is the `time_fingerprint` the form was opened with: a stale save raises
    StaleMeeting rather than overwrite someone else's change."""
    meeting, case, decision = _locked_meeting(actor, meeting_id)
    if meeting.cancelled_at:
        raise ValidationError(_("The meeting is cancelled and cannot be changed."))
    # New invitations go out: the same consent rule as a booking.
    check_transition(case, "book_meeting")
    values = {
        "starts_at": starts_at, "ends_at": ends_at, "place": place.strip(),
        "video_link": video_link.strip(),
    }  # fmt: skip
    if version != time_fingerprint(meeting):
        if all(getattr(meeting, name) == value for name, value in values.items()):
            return meeting  # the other save wrote exactly this: a double submit
        raise StaleMeeting(meeting)
    before = {"starts_at": meeting.starts_at.isoformat(), "ends_at": meeting.ends_at.isoformat()}
    for name, value in values.items():
        setattr(meeting, name, value)
    _validate_time_and_place(meeting)
    meeting.full_clean()
    meeting.save(update_fields=list(values))
    # Everyone answers again: the old reply was to another time or place.
    meeting.invitations.update(reply=Invitation.Reply.PENDING, replied_at=None)
    audit.record_change(
        actor=actor, child_id=case.child_id, obj="sip_meeting", obj_id=meeting.pk,
        event="meeting_rescheduled", purpose=PURPOSE, decision=decision,
        detail={"before": before, "starts_at": meeting.starts_at.isoformat(),
                "ends_at": meeting.ends_at.isoformat()},
    )  # fmt: skip
    transaction.on_commit(
        partial(send_meeting_mail, meeting_id=meeting.pk, notice="update", base_url=base_url)
    )
    return meeting


@transaction.atomic
def cancel_meeting(*, actor: Actor, meeting_id: int, base_url: str) -> Meeting:
    """Cancel the meeting and tell everyone invited. Cancelling twice changes nothing. If it was
    the SIP's only meeting, the SIP is back to "consent recorded", so the meeting deadline
    (SIP-5) shows again."""
    meeting, case, decision = _locked_meeting(actor, meeting_id)
    if meeting.cancelled_at:
        return meeting
    meeting.cancelled_at = timezone.now()
    meeting.full_clean()
    meeting.save(update_fields=["cancelled_at"])
    previous = case.status
    others = Meeting.objects.filter(case=case, cancelled_at__isnull=True).exclude(pk=meeting.pk)
    if case.status == Case.Status.MEETING_BOOKED and not others.exists():
        case.status = Case.Status.CONSENTED
        case.version = F("version") + 1
        case.save(update_fields=["status", "version"])
    audit.record_change(
        actor=actor, child_id=case.child_id, obj="sip_meeting", obj_id=meeting.pk,
        event="meeting_cancelled", purpose=PURPOSE, decision=decision,
        detail={"status_before": previous},
    )  # fmt: skip
    transaction.on_commit(
        partial(send_meeting_mail, meeting_id=meeting.pk, notice="cancel", base_url=base_url)
    )
    return meeting


@transaction.atomic
def record_minutes(*, actor: Actor, meeting_id: int, version: str, minutes: str) -> Meeting:
    """Save the minutes if nobody saved them since `version` (the `minutes_fingerprint` the
    form was opened with); else StaleMeeting with the saved text."""
    meeting, case, decision = _locked_meeting(actor, meeting_id)
    if meeting.cancelled_at:
        raise ValidationError(_("The meeting is cancelled: there are no minutes to record."))
    minutes = minutes.strip()
    if version != minutes_fingerprint(meeting):
        if meeting.minutes == minutes:
            return meeting  # the same text was saved already: a double submit
        raise StaleMeeting(meeting)
    if not minutes:
        raise ValidationError({"minutes": [_("Write the minutes.")]})
    first = not meeting.minutes
    meeting.minutes, meeting.minutes_by = minutes, actor.staff
    meeting.full_clean()
    meeting.save(update_fields=["minutes", "minutes_by"])
    audit.record_change(
        actor=actor, child_id=case.child_id, obj="sip_meeting", obj_id=meeting.pk,
        event="meeting_minutes_recorded" if first else "meeting_minutes_changed",
        purpose=PURPOSE, decision=decision, detail={"characters": len(minutes)},
    )  # fmt: skip
    return meeting


@transaction.atomic
def record_reply(*, token: UUID, reply: str) -> Invitation:
    """The invited person's answer, given through the link in the e-mail without signing in.
    Audited with no actor: the log shows "the invited person", not a member of staff."""
    if reply not in (Invitation.Reply.ACCEPTED, Invitation.Reply.DECLINED):
        raise ValidationError(_("Answer coming or not coming."))
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("meeting__case")
        .filter(token=token)
        .first()
    )
    if invitation is None:
        raise InvitationNotFound(token)
    meeting = invitation.meeting
    if meeting.cancelled_at:
        raise ValidationError(_("The meeting is cancelled."))
    if meeting.ends_at <= timezone.now():
        raise ValidationError(_("The meeting has already taken place."))
    invitation.reply, invitation.replied_at = reply, timezone.now()
    invitation.full_clean()
    invitation.save(update_fields=["reply", "replied_at"])
    audit.record_change(
        actor=None, child_id=meeting.case.child_id, obj="sip_invitation", obj_id=invitation.pk,
        event="invitation_replied", purpose=PURPOSE,
        detail={"meeting_id": meeting.pk, "reply": reply, "kind": invitation.kind},
    )  # fmt: skip
    return invitation


# --- mail ---------------------------------------------------------------------------------


def _sequence(notice: str) -> int:
    # RFC 5545 wants each update's SEQUENCE above the last; without a counter column the
    # time of the change in seconds is one that only grows.
    return 0 if notice == "invitation" else int(timezone.now().timestamp())


def meeting_event(
    meeting: Meeting, *, invitation: Invitation, notice: str, base_url: str
) -> ics.Event:
    """The calendar event for one invited person: the time, the place, a generic summary and
    the person's own reply link. Nothing names the child."""
    host = urlsplit(base_url).hostname or "samsyn"
    reply_url = base_url.rstrip("/") + reverse("plans:meeting_reply", args=[invitation.token])
    local_start = timezone.localtime(meeting.starts_at, STOCKHOLM)
    with translation.override(MAIL_LANGUAGE):
        summary = _("SIP meeting %(date)s") % {"date": local_start.date().isoformat()}
        description = _(
            "Meeting about a coordinated individual plan (SIP). Answer whether you are coming: "
            "%(url)s"
        ) % {"url": reply_url}
    organizer = meeting.booked_by
    return ics.Event(
        uid=f"sip-meeting-{meeting.pk}@{host}",
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        stamp=timezone.now(),
        summary=summary,
        location=meeting.place or meeting.video_link,
        description=description,
        url=meeting.video_link,
        organizer_name=organizer.name,
        organizer_email=organizer.email or settings.DEFAULT_FROM_EMAIL,
        attendee_emails=[invitation.email] if invitation.email else [],
        sequence=_sequence(notice),
        cancelled=notice == "cancel",
    )


def meeting_message(
    meeting: Meeting, *, invitation: Invitation, notice: str, base_url: str
) -> EmailMessage:
    reply_url = base_url.rstrip("/") + reverse("plans:meeting_reply", args=[invitation.token])
    context = {
        "meeting": meeting,
        "starts_at": timezone.localtime(meeting.starts_at, STOCKHOLM),
        "ends_at": timezone.localtime(meeting.ends_at, STOCKHOLM),
        "notice": notice,
        "reply_url": reply_url,
        "organizer": meeting.booked_by,
    }
    with translation.override(MAIL_LANGUAGE):
        subject = " ".join(
            render_to_string("plans/email/meeting_subject.txt", context).split()
        )  # one line: a header cannot hold a newline
        body = render_to_string("plans/email/meeting_body.txt", context)
    message = EmailMessage(subject=subject, body=body, to=[invitation.email])
    event = meeting_event(meeting, invitation=invitation, notice=notice, base_url=base_url)
    method = "CANCEL" if notice == "cancel" else "REQUEST"
    message.attach("sip-mote.ics", ics.calendar(event), f"text/calendar; method={method}")
    return message


def send_meeting_mail(*, meeting_id: int, notice: str, base_url: str) -> int:
    """Mail each invited person who has an address; returns how many were sent. One failing
    address does not stop the others; it is logged and its `sent_at` stays empty."""
    meeting = Meeting.objects.select_related("booked_by").get(pk=meeting_id)
    sent = 0
    for invitation in meeting.invitations.exclude(email="").order_by("pk"):
        try:
            meeting_message(meeting, invitation=invitation, notice=notice, base_url=base_url).send()
        except Exception:  # noqa: BLE001 - any mail failure: log it, go on with the next
            logger.exception("SIP meeting mail failed: invitation %s", invitation.pk)
            continue
        Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())
        sent += 1
    return sent
