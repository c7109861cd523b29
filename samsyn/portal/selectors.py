"""Reads for the family portal. Each takes the signed-in citizen and returns only what belongs to
that citizen's own children; anything else is "not found", the same as missing, so ids cannot
be probed. Every read of a child's data is audited (actor None, event "family_read"), in the
transaction that reads it.

What a guardian sees of a SIP is the plan itself: its finalised versions without the items hidden
from guardians (DOMAIN SEK-2), the meetings they are invited to, and who took part. Never drafts,
never the organisations' own records about the child.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.access.models import Purpose
from samsyn.audit import selectors as audit_selectors
from samsyn.audit import services as audit
from samsyn.audit.selectors import PURPOSES, Cursor, StaffAccess
from samsyn.children.models import Child
from samsyn.directory.models import Organisation
from samsyn.plans.models import Case, Invitation, Meeting, PlanItem, PlanVersion
from samsyn.plans.selectors.cases import organisations_taking_part
from samsyn.portal.models import Citizen

EXTRACT_PAGE_SIZE = 25
MAX_CASES = 20  # a child has a handful of SIPs over a childhood; the page stays bounded anyway
MAX_VERSIONS = 50
MAX_MEETINGS = 20
MAX_CHILDREN = 20


class NotFound(Exception):
    """The same for "missing" and "not your child's": ids cannot be probed."""


def _audit_family_read(citizen: Citizen, *, child_id: int, obj: str, obj_id: object) -> None:
    audit.record_change(
        actor=None, child_id=child_id, obj=obj, obj_id=obj_id, event="family_read",
        purpose=Purpose.PLANNING,
        detail={"citizen_id": citizen.pk, "guardian_id": citizen.guardian_id},
    )  # fmt: skip


# Children -----------------------------------------------------------------------------------


def children_of(citizen: Citizen) -> list[Child]:
    """The citizen's own children, through a guardianship in force and nothing else: an ended
    one gives no right to the child's data."""
    return list(
        Child.objects.filter(
            guardianships__guardian_id=citizen.guardian_id, guardianships__ended_on__isnull=True
        ).order_by("birth_date", "pk")[:MAX_CHILDREN]
    )


def child_for(citizen: Citizen, *, child_id: int, obj: str = "child") -> Child:
    child = Child.objects.filter(
        pk=child_id,
        guardianships__guardian_id=citizen.guardian_id,
        guardianships__ended_on__isnull=True,
    ).first()
    if child is None:
        raise NotFound(child_id)
    _audit_family_read(citizen, child_id=child.pk, obj=obj, obj_id=child.pk)
    return child


# The child's SIPs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingInvite:
    meeting: Meeting
    invitation: Invitation


@dataclass(frozen=True)
class ChildOverview:
    child: Child
    cases: list[Case]
    meetings: list[MeetingInvite]


def _cases_of(child: Child) -> QuerySet[Case]:
    return Case.objects.filter(child=child).select_related(
        "coordinator", "coordinator_organisation__principal"
    )


def upcoming_invitations(citizen: Citizen, *, child: Child) -> list[MeetingInvite]:
    """Meetings of the child's SIPs still ahead, to which this guardian is invited."""
    invitations = (
        Invitation.objects.filter(
            guardian_id=citizen.guardian_id,
            meeting__case__child=child,
            meeting__cancelled_at__isnull=True,
            meeting__ends_at__gte=timezone.now(),
        )
        .select_related("meeting")
        .order_by("meeting__starts_at", "pk")[:MAX_MEETINGS]
    )
    return [MeetingInvite(invitation.meeting, invitation) for invitation in invitations]


@transaction.atomic
def child_overview(citizen: Citizen, *, child_id: int) -> ChildOverview:
    child = child_for(citizen, child_id=child_id)
    cases = list(
        _cases_of(child)
        .prefetch_related("parties__organisation")
        .order_by("-proposed_at", "pk")[:MAX_CASES]
    )
    return ChildOverview(child, cases, upcoming_invitations(citizen, child=child))


def invitation_of(citizen: Citizen, *, child_id: int, invitation_id: int) -> Invitation:
    """One of the guardian's own invitations to a meeting of this child's SIP, still ahead."""
    invitation = (
        Invitation.objects.filter(
            pk=invitation_id,
            guardian_id=citizen.guardian_id,
            meeting__case__child_id=child_id,
            meeting__case__child__guardianships__guardian_id=citizen.guardian_id,
            meeting__case__child__guardianships__ended_on__isnull=True,
            meeting__cancelled_at__isnull=True,
            meeting__ends_at__gte=timezone.now(),
        )
        .select_related("meeting__case")
        .first()
    )
    if invitation is None:
        raise NotFound(invitation_id)
    return invitation


# The plan -----------------------------------------------------------------------------------

ITEM_SECTIONS = (
    (PlanItem.Kind.NEED, _("Needs")),
    (PlanItem.Kind.GOAL, _("Goals")),
    (PlanItem.Kind.EFFORT, _("Efforts")),
    (PlanItem.Kind.MEASURE_BY_OTHERS, _("Measures by others")),
)


@dataclass(frozen=True)
class Section:
    kind: str
    title: str
    items: list[PlanItem]


@dataclass(frozen=True)
class FamilyPlan:
    child: Child
    case: Case
    version: PlanVersion | None  # None until a version is finalised
    sections: list[Section] = field(default_factory=list)
    versions: list[PlanVersion] = field(default_factory=list)  # every final version, newest first
    parties: list[Organisation] = field(default_factory=list)  # taking part, with how to reach them

    @property
    def is_latest(self) -> bool:
        return bool(self.version and self.versions and self.versions[0].pk == self.version.pk)


def _final_versions(case: Case) -> QuerySet[PlanVersion]:
    # Drafts are work in progress between the organisations: never shown to the family.
    return PlanVersion.objects.filter(case=case, status=PlanVersion.Status.FINAL)


def _visible_items(version: PlanVersion) -> list[Section]:
    # Hidden items are left out in the query itself (SEK-2): nothing on the page can count,
    # number or hint at them.
    items = (
        PlanItem.objects.filter(version=version, hidden_from_guardians=False)
        .select_related("responsible_principal", "responsible_organisation")
        .order_by("kind", "position", "pk")
    )
    by_kind: dict[str, list[PlanItem]] = {}
    for item in items:
        by_kind.setdefault(item.kind, []).append(item)
    return [
        Section(kind, str(title), by_kind[kind]) for kind, title in ITEM_SECTIONS if kind in by_kind
    ]


@transaction.atomic
def plan_for(
    citizen: Citizen, *, child_id: int, case_id: int, number: int | None = None
) -> FamilyPlan:
    """A SIP's finalised plan: version `number`, or the latest final one (SIP-8)."""
    child = Child.objects.filter(
        pk=child_id,
        guardianships__guardian_id=citizen.guardian_id,
        guardianships__ended_on__isnull=True,
    ).first()
    case = _cases_of(child).filter(pk=case_id).first() if child else None
    if case is None:
        raise NotFound(case_id)
    versions = list(
        _final_versions(case).select_related("finalised_by").order_by("-number")[:MAX_VERSIONS]
    )
    if number is None:
        version = versions[0] if versions else None
    else:
        version = next((v for v in versions if v.number == number), None)
        if version is None:
            raise NotFound(number)
    if version is None:
        _audit_family_read(citizen, child_id=child.pk, obj="sip", obj_id=case.pk)
    else:
        _audit_family_read(citizen, child_id=child.pk, obj="plan_version", obj_id=version.pk)
    sections = _visible_items(version) if version else []
    parties = list(organisations_taking_part(case)) if version else []
    return FamilyPlan(child, case, version, sections, versions, parties)


# Who read my child's data (LOG-1) -----------------------------------------------------------

# What was done, in plain words for a family. Events not named here are changes.
READ_OBJECTS = {
    "child": _("read the child's details"),
    "child_list": _("saw the child in a list"),
    "audit_log": _("looked at the log of the child"),
    "sip": _("read the child's SIP"),
    "plan_version": _("read the child's plan"),
    "protected_identity_need": _("read the child's protected details"),
}
CHANGE = _("wrote or changed the child's details")


@dataclass(frozen=True)
class ExtractRow:
    entry: StaffAccess

    @property
    def at(self) -> dt.datetime:
        return self.entry.at

    @property
    def organisation(self) -> str:
        return self.entry.organisation_name

    @property
    def unit(self) -> str:
        return self.entry.unit_name

    @property
    def staff_name(self) -> str:
        return self.entry.staff_name

    @property
    def what(self) -> str:
        if self.entry.action == "read":
            return str(READ_OBJECTS.get(self.entry.object_type, READ_OBJECTS["child"]))
        return str(CHANGE)

    @property
    def purpose(self) -> str:
        return str(PURPOSES.get(self.entry.purpose, ""))


@dataclass(frozen=True)
class Extract:
    child: Child
    rows: list[ExtractRow]
    next_cursor: str | None
    is_first: bool
    show_names: bool


def show_staff_names() -> bool:
    return settings.SAMSYN_FAMILY_EXTRACT_NAMES


def family_extract(
    citizen: Citizen, *, child_id: int, cursor: Cursor | None = None,
    size: int = EXTRACT_PAGE_SIZE,
) -> Extract:  # fmt: skip
    """Which organisations and units read or changed the child's data, and when, newest first
    (audit.selectors.staff_accesses_to_child); the guardian's look is itself audited."""
    with transaction.atomic():
        child = child_for(citizen, child_id=child_id, obj="family_extract")
        page = audit_selectors.staff_accesses_to_child(child_id=child.pk, cursor=cursor, size=size)
    rows = [ExtractRow(access) for access in page.rows]
    return Extract(child, rows, page.next_cursor, cursor is None, show_staff_names())
