"""Reads of SIP meetings: the meetings of a SIP, one meeting, whom they can invite, and a reply
link's invitation. Each takes the actor and opens the SIP through `case_for` (access, audit)."""

from __future__ import annotations

import datetime
import hashlib
from uuid import UUID

from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q, QuerySet
from django.utils import timezone

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.access.models import Purpose
from samsyn.children.models import Involvement
from samsyn.common.errors import NotFound
from samsyn.directory.models import Membership
from samsyn.plans.models import Case, Invitation, Meeting
from samsyn.plans.selectors.cases import (
    CaseNotFound,
    case_for,
    cases_visible_to,
    organisations_taking_part,
    record_list_read,
)

PURPOSE = Purpose.PLANNING


class MeetingNotFound(NotFound):
    """The same for "no such meeting" and "not yours"."""


class InvitationNotFound(NotFound):
    """No invitation has this reply token."""


def invitable_memberships(case: Case) -> QuerySet[Membership]:
    """Staff who may be invited: active members of the units of the organisations taking part
    (directory data), the units that work with the child first — those that accepted the SIP's
    invitation or are involved with the child — then by organisation, unit and name."""
    working = Q(unit__in=case.parties.filter(accepted_at__isnull=False).values("unit_id")) | Q(
        unit__in=Involvement.objects.filter(child_id=case.child_id, ended_on__isnull=True).values(
            "unit_id"
        )
    )
    return (
        Membership.objects.filter(
            unit__organisation_id__in=organisations_taking_part(case).values("pk"), active=True
        )
        .annotate(works_with_child=ExpressionWrapper(working, output_field=BooleanField()))
        .select_related("staff", "unit__organisation")
        .order_by(
            "-works_with_child", "unit__organisation__name", "unit__name", "staff__name", "pk"
        )
    )


def meeting_for(
    actor: Actor, *, meeting_id: int, purpose: str = PURPOSE
) -> tuple[Meeting, rules.Decision]:
    """The meeting, if the actor may read its SIP (audited through `case_for`). Call outside a
    transaction, as `case_for`: a denial's audit row must outlive the 404."""
    case_id = Meeting.objects.filter(pk=meeting_id).values_list("case_id", flat=True).first()
    if case_id is None:
        raise MeetingNotFound(meeting_id)
    try:
        case, decision = case_for(actor, case_id=case_id, purpose=purpose, obj="sip_meeting")
    except CaseNotFound:
        raise MeetingNotFound(meeting_id) from None
    meeting = Meeting.objects.get(pk=meeting_id)
    meeting.case = case
    return meeting, decision


def meetings_of_case(actor: Actor, case: Case, *, limit: int = 20) -> list[Meeting]:
    """The SIP's latest meetings with their invitations, in a fixed number of queries. The
    case page has audited its read of the SIP; this only re-checks that the actor may read it."""
    visible = rules.restrict(actor, Case.objects.filter(pk=case.pk), purpose=PURPOSE)
    if not visible.exists():
        return []
    # Prefetch, not a join: one query for all invitations of the page's meetings.
    invitations = Invitation.objects.order_by("kind", "name", "pk")
    return list(
        Meeting.objects.filter(case_id=case.pk)
        .prefetch_related(Prefetch("invitations", queryset=invitations))
        .order_by("-starts_at", "-pk")[:limit]
    )


def meeting_held(case: Case) -> bool:
    """Whether a SIP meeting of this case has been held: begun, not cancelled, its minutes
    recorded (SIP-10). The caller has opened the SIP."""
    return (
        Meeting.objects.filter(case=case, cancelled_at__isnull=True, starts_at__lte=timezone.now())
        .exclude(minutes="")
        .exists()
    )


def invitation_by_token(token: UUID) -> Invitation:
    """For the public reply page. Reads no child data: the page shows the meeting's time and
    place only, so there is nothing to audit until the person answers."""
    invitation = (
        Invitation.objects.select_related("meeting").filter(token=token).first()
    )  # fmt: skip
    if invitation is None:
        raise InvitationNotFound(token)
    return invitation


def fingerprint(*values: object) -> str:
    """A version for optimistic locking of what has no version column: the hash of the values
    the form was opened with. Any save by someone else changes it."""
    body = "\x1f".join("" if v is None else str(v) for v in values)
    return hashlib.sha256(body.encode()).hexdigest()[:32]


def time_fingerprint(meeting: Meeting) -> str:
    return fingerprint(
        meeting.starts_at.isoformat(), meeting.ends_at.isoformat(), meeting.place,
        meeting.video_link, meeting.cancelled_at,
    )  # fmt: skip


def minutes_fingerprint(meeting: Meeting) -> str:
    return fingerprint(meeting.minutes)


def upcoming_meetings_for(actor: Actor, *, days: int = 7, limit: int = 10) -> list[Meeting]:
    """The meetings of the coming `days` the actor is invited to or booked, on SIPs the actor may
    see, soonest first (the start page's "this week"); one audit row names their children."""
    now = timezone.now()
    visible = cases_visible_to(actor, purpose=PURPOSE).values("pk")
    meetings = list(
        Meeting.objects.filter(
            Q(booked_by_id=actor.staff.pk) | Q(invitations__staff_id=actor.staff.pk),
            case_id__in=visible, cancelled_at__isnull=True,
            starts_at__gte=now, starts_at__lt=now + datetime.timedelta(days=days),
        )
        .select_related("case__child")
        .distinct()
        .order_by("starts_at", "pk")[:limit]
    )  # fmt: skip
    record_list_read(actor, "sip_meetings_soon", [m.case for m in meetings])
    return meetings
