"""The SIP on the child's timeline (issue 11, point 6): the SIP itself, its meetings and its
finalised plan versions, each for exactly the SIPs `access` lets the actor read. Each belongs
to the organisation that initiated the SIP."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.children import timeline
from samsyn.children.models import Child
from samsyn.plans.models import Case, Meeting, PlanVersion


def _cases(actor: Actor, child: Child, purpose: str) -> QuerySet[Case]:
    return rules.restrict(
        actor, Case.objects.filter(child=rules.child_param(child.pk)), purpose=purpose
    )


def sip_rows(actor: Actor, child: Child, purpose: str) -> QuerySet:
    return timeline.rows(_cases(actor, child, purpose), name="sip", at="proposed_at")


def meeting_rows(actor: Actor, child: Child, purpose: str) -> QuerySet:
    meetings = Meeting.objects.filter(case__in=_cases(actor, child, purpose).values("pk"))
    return timeline.rows(meetings, name="sip_meeting", at="starts_at")


def version_rows(actor: Actor, child: Child, purpose: str) -> QuerySet:
    versions = PlanVersion.objects.filter(
        case__in=_cases(actor, child, purpose).values("pk"), finalised_at__isnull=False
    )
    return timeline.rows(versions, name="plan_version", at="finalised_at")


def sip_records() -> QuerySet[Case]:
    return Case.objects.select_related("initiating_organisation")


def describe_sip(actor: Actor, case: Case) -> timeline.Entry:
    return timeline.Entry(
        at=case.proposed_at,
        kind=_("SIP"),
        title=_("SIP %(number)s proposed") % {"number": case.pk},
        organisation=case.initiating_organisation.name,
        url=reverse("plans:detail", args=[case.pk]),
        detail=case.get_status_display(),
    )


def meeting_records() -> QuerySet[Meeting]:
    return Meeting.objects.select_related("case__initiating_organisation")


def describe_meeting(actor: Actor, meeting: Meeting) -> timeline.Entry:
    return timeline.Entry(
        at=meeting.starts_at,
        kind=_("SIP meeting"),
        title=_("Meeting in SIP %(number)s") % {"number": meeting.case_id},
        organisation=meeting.case.initiating_organisation.name,
        url=reverse("plans:detail", args=[meeting.case_id]),
        detail=_("cancelled") if meeting.cancelled_at else meeting.place,
    )


def version_records() -> QuerySet[PlanVersion]:
    return PlanVersion.objects.select_related("case__initiating_organisation")


def describe_version(actor: Actor, version: PlanVersion) -> timeline.Entry:
    return timeline.Entry(
        at=version.finalised_at,
        kind=_("Plan"),
        title=_("Plan version %(version)s of SIP %(number)s finalised")
        % {"version": version.number, "number": version.case_id},
        organisation=version.case.initiating_organisation.name,
        url=reverse("plans:plan_version", args=[version.case_id, version.number]),
    )
