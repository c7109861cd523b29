"""Reads of SIPs. Each takes the actor and returns only what the actor may see; reading one SIP
writes an audit row in the same transaction, and a refused attempt is audited too."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Q, QuerySet
from django.db.models.expressions import BaseExpression
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.access.models import Purpose
from samsyn.audit import services as audit
from samsyn.children.models import Child
from samsyn.children.selectors import Built, Section
from samsyn.common.errors import NotFound
from samsyn.common.json_rows import from_json, rows_as_json
from samsyn.directory.models import Organisation, Principal
from samsyn.plans.models import Case, Handover, Party, PlanVersion, SipSettings


def settings_for(case: Case) -> SipSettings:
    """The SIP rules of the child's region; the defaults, unsaved, until the region records its
    own (a read never writes)."""
    region = Principal.objects.filter(
        kind=Principal.Kind.REGION, code=case.child.municipality.code[:2]
    ).first()
    settings = SipSettings.objects.filter(region=region).first() if region else None
    return settings or SipSettings()


class CaseNotFound(NotFound):
    """The same for "no such SIP" and "not yours": ids cannot be probed."""


def cases_visible_to(actor: Actor, *, purpose: str) -> QuerySet[Case]:
    """The SIPs the actor may read for `purpose`. The query is composed once per request (the
    start page reads four lists of SIPs) and each caller gets a copy of its own, never read
    before: what it returns is read when the caller's query runs."""
    visible = rules.per_request(
        actor,
        ("cases_visible_to", purpose),
        lambda: rules.restrict(
            actor,
            Case.objects.select_related(
                "child", "initiating_organisation", "coordinator", "coordinator_organisation"
            ),
            purpose=purpose,
        ).order_by("-proposed_at", "pk"),
    )
    return visible.all()


def case_for(
    actor: Actor, *, case_id: int, purpose: str, obj: str = "sip"
) -> tuple[Case, rules.Decision]:
    """The SIP and the ground the actor reads it on; audited. Call outside a transaction: a
    denial's audit row must outlive the 404 that follows."""
    case = (
        Case.objects.select_related(
            "child__municipality", "initiating_organisation", "coordinator",
            "coordinator_organisation",
        )
        .filter(pk=case_id)
        .first()
    )  # fmt: skip
    decision = rules.decide(actor, case, purpose=purpose) if case else rules.DENIED
    if not decision.allowed:
        audit.record_denied(
            actor=actor, child_id=case.child_id if case else None, obj=obj, obj_id=case_id,
            purpose=purpose,
        )  # fmt: skip
        raise CaseNotFound(case_id)
    with transaction.atomic():
        audit.record_read(
            actor=actor, child_id=case.child_id, obj=obj, obj_id=case.pk, purpose=purpose,
            decision=decision,
        )  # fmt: skip
    return case, decision


def case_for_change(actor: Actor, case_id: int) -> tuple[Case, rules.Decision]:
    """The one door to change a SIP: the row locked, and why the actor may act on it; otherwise
    CaseNotFound, the same for missing and forbidden. Call inside the change's transaction: the
    lock serialises the SIP's changes, so two finalises or two bookings cannot both pass."""
    return rules.open_for_change(
        actor,
        Case.objects.select_related("child__municipality", "initiating_organisation"),
        pk=case_id,
        purpose=Purpose.PLANNING,
    )


def open_case_of(child_id: int) -> Case | None:
    """The child's one open SIP, or None (SIP-9). Internal: no access decision and no audit row,
    for services deciding whether to open a SIP or join this one. Never show it as such: what
    an actor may learn of it is the service's answer (ADR 0009)."""
    return (
        Case.objects.filter(child_id=child_id)
        .exclude(status=Case.Status.CLOSED)
        .select_related("initiating_organisation")
        .first()
    )


def takes_part(organisation_id: int, case: Case) -> bool:
    """The organisation runs the SIP (initiating or coordinating) or is invited to it."""
    return (
        organisation_id
        in {
            case.initiating_organisation_id,
            case.coordinator_organisation_id,
        }
        or case.parties.filter(organisation_id=organisation_id).exists()
    )


def holds_case(actor: Actor, case: Case) -> bool:
    """The initiating organisation and the coordinator's organisation run the SIP."""
    running = {case.initiating_organisation_id, case.coordinator_organisation_id}
    return actor.organisation.pk in running


def organisations_taking_part(case: Case) -> QuerySet[Organisation]:
    """The initiating organisation and every invited party, by name."""
    return (
        Organisation.objects.filter(
            Q(pk=case.initiating_organisation_id) | Q(pk__in=case.parties.values("organisation_id"))
        )
        .select_related("principal")
        .order_by("name")
    )


def invited_parties(case: Case) -> list[Party]:
    """The invited organisations, each with the unit that accepted, by name (the initiating
    organisation is shown as such, not a second time as an invited party)."""
    return list(
        case.parties.exclude(organisation_id=case.initiating_organisation_id)
        .select_related("organisation", "unit", "invited_by")
        .order_by("organisation__name")
    )


def receiving_organisations(case: Case) -> QuerySet[Organisation]:
    """The parties other than the initiating organisation: those the plan is shared with, each
    needing a consent or a legal ground (SIP-3)."""
    return organisations_taking_part(case).exclude(pk=case.initiating_organisation_id)


# --- The SIP list, the relay and who takes part (added for the case pages). ---

PAGE_SIZE = 25


def case_page_for(actor: Actor, *, status: str = "", mine: bool = False, page: object = 1) -> Page:
    """One page of the SIPs the actor may see, optionally of one status or coordinated by the
    actor. The page is a read of each child on it: one audit row names them all."""
    cases = cases_visible_to(actor, purpose=Purpose.PLANNING)
    if status in Case.Status.values:
        cases = cases.filter(status=status)
    if mine:
        cases = cases.filter(coordinator_id=actor.staff.pk)
    with transaction.atomic():
        result = Paginator(cases, PAGE_SIZE).get_page(page)
        child_ids = [case.child_id for case in result]
        if child_ids:
            audit.record_read(
                actor=actor, child_id=None, obj="sip_list", obj_id=result.number,
                purpose=Purpose.PLANNING, decision=rules.Decision(True, "list"),
                detail={"child_ids": child_ids, "case_ids": [case.pk for case in result]},
            )  # fmt: skip
    return result


def invitations_for(actor: Actor) -> list[Party]:
    """SIP invitations to the actor's organisation that no unit has accepted yet. They name no
    child: the inviting organisation, who invited and when, and the SIP's number are all a unit
    learns before it accepts and a ground covers its organisation (SEK-4)."""
    if actor.role not in rules.CHILD_ROLES:
        return []
    return list(
        Party.objects.filter(organisation_id=actor.organisation.pk, accepted_at__isnull=True)
        .exclude(case__status=Case.Status.CLOSED)
        # Joined by the organisation's own proposal (SIP-9): said as such, the need not read.
        .annotate(joined=ExpressionWrapper(~Q(joined_reason=""), output_field=BooleanField()))
        .select_related("case__initiating_organisation", "invited_by")
        .only(
            "case__id", "case__status", "case__initiating_organisation__name",
            "invited_by__name", "invited_at", "organisation_id",
        )
        .order_by("-invited_at", "pk")[:50]
    )  # fmt: skip


def joins_for(actor: Actor) -> list[Party]:
    """Organisations that joined a SIP the actor coordinates (or initiated, while it has no
    coordinator) by proposing one for the same child (SIP-9), until a unit of theirs accepts.
    Named by SIP number and organisation only: the need they brought is on the SIP's page."""
    if actor.role not in rules.CHILD_ROLES:
        return []
    return list(
        Party.objects.filter(
            Q(
                case__coordinator_id=actor.staff.pk,
                case__coordinator_organisation_id=actor.organisation.pk,
            )
            | Q(
                case__coordinator__isnull=True,
                case__initiated_by_id=actor.staff.pk,
                case__initiating_organisation_id=actor.organisation.pk,
            ),
            accepted_at__isnull=True,
        )
        .exclude(joined_reason="")
        .exclude(case__status=Case.Status.CLOSED)
        .select_related("organisation", "invited_by")
        .only("case_id", "organisation__name", "invited_by__name", "invited_at")
        .order_by("-invited_at", "pk")[:50]
    )


def pending_offers_for(actor: Actor) -> list[Handover]:
    """Coordinator offers waiting for the actor's answer, on SIPs the actor may see."""
    visible = cases_visible_to(actor, purpose=Purpose.PLANNING).values("pk")
    offers = list(
        Handover.objects.filter(
            to_staff_id=actor.staff.pk, to_organisation_id=actor.organisation.pk,
            accepted_at__isnull=True, declined_at__isnull=True, case_id__in=visible,
        )
        .select_related("case__child", "from_staff")
        .order_by("offered_at")[:50]
    )  # fmt: skip
    record_list_read(actor, "sip_offers", [offer.case for offer in offers])
    return offers


def record_list_read(actor: Actor, obj: str, cases: list[Case]) -> None:
    """A list naming the children of these SIPs is a read of each (LOG-1): one audit row."""
    if not cases:
        return
    with transaction.atomic():
        audit.record_read(
            actor=actor, child_id=None, obj=obj, obj_id=actor.staff.pk,
            purpose=Purpose.PLANNING, decision=rules.Decision(True, "list"),
            detail={"child_ids": sorted({c.child_id for c in cases}),
                    "case_ids": sorted({c.pk for c in cases})},
        )  # fmt: skip


# The latest steps of the coordinator relay a SIP's page and the API show.
RELAY_SHOWN = 20


def relay_of(case: Case, *, latest: int | None = None) -> list[Handover]:
    """The coordinator relay, oldest first, or its `latest` steps (read after `case_for`
    audited the SIP)."""
    steps = case.handovers.select_related("from_staff", "to_staff", "to_organisation")
    if latest is None:
        return list(steps.order_by("offered_at", "pk"))
    return list(reversed(steps.order_by("-offered_at", "-pk")[:latest]))


def pending_handovers(case: Case) -> list[Handover]:
    """Offers of the coordinator role not answered yet, however far back the relay goes."""
    return list(
        case.handovers.filter(accepted_at__isnull=True, declined_at__isnull=True)
        .select_related("from_staff", "to_staff", "to_organisation")
        .order_by("offered_at", "pk")
    )


@dataclass(frozen=True)
class ChildSip:
    """One SIP of a child as the child's page shows it: who has a part in it."""

    case: Case
    organisations: list
    pending: list


# The SIPs the child's page shows, and what it shows of each.
CHILD_SIPS = 20
_CASE_SHOWN = ("initiating_organisation", "coordinator", "coordinator_organisation")


def sips_section(actor: Actor) -> Section[list[ChildSip]]:
    """Who has a part in the child's SIPs (issue 4, item 7), as a section of the child's page:
    the organisations taking part, the coordinator and anyone offered the role, for the SIPs
    the actor may see (`ChildSip`s); one audit row names them."""

    def expression(child: Child) -> BaseExpression:
        parties = Party.objects.filter(case=OuterRef("pk")).order_by("pk")
        pending = Handover.objects.filter(
            case=OuterRef("pk"), accepted_at__isnull=True, declined_at__isnull=True
        ).order_by("offered_at", "pk")
        cases = (
            cases_visible_to(actor, purpose=Purpose.PLANNING)
            .filter(child=rules.child_param(child.pk))
            .annotate(
                party_rows=rows_as_json(parties, "organisation"),
                pending_rows=rows_as_json(pending, "to_staff", "to_organisation"),
            )
        )
        return rows_as_json(cases[:CHILD_SIPS], *_CASE_SHOWN)

    def build(child: Child, rows: list | None) -> Built[list[ChildSip]]:
        cases = [from_json(Case, row, *_CASE_SHOWN) for row in rows or ()]
        if not cases:
            return [], []
        read = audit.Read(
            child_id=child.pk, obj="sip_parties", obj_id=child.pk, purpose=Purpose.PLANNING,
            decision=rules.Decision(True, "list"), detail={"case_ids": [c.pk for c in cases]},
        )  # fmt: skip
        return [_child_sip(case) for case in cases], [read]

    return Section(expression, build)


def _child_sip(case: Case) -> ChildSip:
    parties = [from_json(Party, row, "organisation") for row in case.party_rows]
    pending = [from_json(Handover, row, "to_staff", "to_organisation") for row in case.pending_rows]
    return ChildSip(
        case, [case.initiating_organisation, *(party.organisation for party in parties)], pending
    )


# The stages a SIP passes through as people see them: the stored statuses, with "follow-up due"
# and "followed up" told apart from "finalised" by the latest final plan version.
FOLLOW_UP_DUE = "follow_up_due"
FOLLOWED_UP = "followed_up"
STAGES = [
    (Case.Status.PROPOSED, Case.Status.PROPOSED.label),
    (Case.Status.CONSENTED, Case.Status.CONSENTED.label),
    (Case.Status.MEETING_BOOKED, Case.Status.MEETING_BOOKED.label),
    (Case.Status.DRAFTED, Case.Status.DRAFTED.label),
    (Case.Status.FINALISED, Case.Status.FINALISED.label),
    (FOLLOW_UP_DUE, _("follow-up due")),
    (FOLLOWED_UP, _("followed up (new version)")),
    (Case.Status.CLOSED, Case.Status.CLOSED.label),
]


def stage_of(case: Case) -> str:
    """Where the SIP stands: a finalised plan whose follow-up date has come is "follow-up due";
    one finalised again after a follow-up is "followed up"."""
    if case.status != Case.Status.FINALISED:
        return case.status
    latest = (
        PlanVersion.objects.filter(case=case, status=PlanVersion.Status.FINAL)
        .order_by("-number")
        .values("number", "follow_up_on")
        .first()
    )
    if latest and latest["follow_up_on"] and latest["follow_up_on"] <= timezone.localdate():
        return FOLLOW_UP_DUE
    if latest and latest["number"] > 1:
        return FOLLOWED_UP
    return Case.Status.FINALISED
