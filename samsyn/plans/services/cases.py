"""Writes to the SIP case (samverkansärende): proposing or initiating a SIP (initiering),
inviting parties, first contact, the coordinator relay (stafett för huvudansvarig) and closing.

Every state change goes through `services.check_transition`; every change writes its audit row
in the same transaction, naming the child, with the purpose "planning".
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.access.models import Category, Purpose
from samsyn.audit import services as audit
from samsyn.children.models import Child, Involvement
from samsyn.directory.models import HEALTH_CARE_KINDS, Membership, Organisation
from samsyn.plans.models import Case, Handover, Party
from samsyn.plans.selectors.cases import (
    CaseNotFound,
    case_for_change,
    holds_case,
    open_case_of,
    receiving_organisations,
    settings_for,
    takes_part,
)
from samsyn.plans.state import TransitionRefused, check_transition

PURPOSE = Purpose.PLANNING

# SIP-2: the statutory duty rests on the municipality (social services) and the region (health
# care); their staff always initiate. School staff initiate where the region's setting says so.
INITIATING_KINDS = frozenset({Organisation.Kind.SOCIAL_SERVICES, *HEALTH_CARE_KINDS})


class Mode:
    """How the actor may start a SIP for a child (SIP-2)."""

    INITIATE = "initiate"  # the SIP starts with the actor's organisation
    PROPOSE = "propose"  # the actor records a proposal that lands with social services/health


def initiation_mode(actor: Actor, child: Child) -> str:
    """`Mode.INITIATE` for social services and health care, and for school staff where the
    region allows it; `Mode.PROPOSE` for everyone else who works with children (police, school
    where not allowed…): their proposal is taken up by an organisation that may initiate."""
    kind = actor.organisation.kind
    if kind in INITIATING_KINDS:
        return Mode.INITIATE
    if kind == Organisation.Kind.SCHOOL and _school_may_initiate(child):
        return Mode.INITIATE
    return Mode.PROPOSE


def _school_may_initiate(child: Child) -> bool:
    # settings_for reads the region through the case's child; an unsaved case carries it.
    return settings_for(Case(child=child)).school_may_initiate


def proposal_receivers(child: Child):
    """Where a proposal may land: social services and health care of the child's area."""
    return area_organisations(child).filter(kind__in=INITIATING_KINDS)


def area_organisations(child: Child):
    """The organisations of the child's municipality and region: the directory's parties for
    this child's SIP, bounded by the county rather than the country."""
    code = child.municipality.code
    return Organisation.objects.filter(
        principal__code__in=[code, code[:2]] if code else []
    ).order_by("name")


def _require_child(
    actor: Actor, child_id: int, purpose: str | None = None
) -> tuple[Child, rules.Decision]:
    child = Child.objects.select_related("municipality").filter(pk=child_id).first()
    purpose = purpose or rules.default_purpose(actor)
    decision = (
        rules.decide(actor, child, purpose=purpose, category=Category.BASIC)
        if child and actor.role in rules.CHILD_ROLES
        else rules.DENIED
    )
    if not decision.allowed:
        raise rules.AccessDenied("plans.propose")
    return child, decision


def _change(actor: Actor, case: Case, decision: rules.Decision, event: str, **detail) -> None:
    audit.record_change(
        actor=actor, child_id=case.child_id, obj="sip", obj_id=case.pk, event=event,
        purpose=PURPOSE, decision=decision, detail=detail,
    )  # fmt: skip


class SipAlreadyOpen(ValidationError):
    """The child has an open SIP that the actor's organisation already takes part in: the new
    need goes into that SIP, not a second one (SIP-9). Carries the SIP's number for the link."""

    def __init__(self, case: Case, *, invited_only: bool):
        if invited_only:
            message = _(
                "Your organisation is already invited to the child's open SIP (SIP "
                "%(number)s): a unit of yours accepts the invitation, then adds the need there."
            )
        else:
            message = _("The child already has an open SIP (SIP %(number)s): add the need there.")
        super().__init__(message % {"number": case.pk})
        self.case_id = case.pk
        self.invited_only = invited_only


@dataclass(frozen=True)
class Opened:
    """What proposing a SIP did: opened `case`, or (`joined`) made the actor's organisation an
    invited party of the child's open SIP, `party`."""

    case: Case
    joined: bool = False
    party: Party | None = None


@transaction.atomic
def open_or_join_case(
    *,
    actor: Actor,
    child_id: int,
    reason: str,
    proposed_by_kind: str = Case.Proposer.STAFF,
    proposer_name: str = "",
    party_ids: list[int] | tuple[int, ...] = (),
    receiving_organisation_id: int | None = None,
    purpose: str | None = None,
) -> Opened:
    """Open a SIP for the child, or join the one that is open (SIP-9, ADR 0009): a child has
    at most one open SIP, and a new need, a report of concern or a discharge that calls for a
    plan goes into it.

    - No open SIP: initiate one (SIP-1, SIP-2), or, for those who may only propose one, record
      the proposal with the social services or health organisation that is to take it up; the
      proposer's own organisation then takes part as a party.
    - An open SIP the actor's organisation takes part in (initiating, coordinating or invited):
      refused with `SipAlreadyOpen`, which names the SIP to add the need to.
    - An open SIP it does not take part in: the organisation becomes an invited party of it, as
      if invited, with the need it brought (`Party.joined_reason`) for the coordinator. A unit
      of it accepts as usual, and a consent or a legal ground still decides what it reads; until
      then it learns the SIP's number, no more (ADR 0007). `party_ids` and the receiving
      organisation are then not used: whom else to invite is the coordinator's to decide.

    The child's row is locked first, so two proposals for one child at once are taken one after
    the other: the second joins the first or is refused. The database's one-open-SIP constraint
    is the last guard behind it.

    `purpose`: what the actor opens the child for, its role's default unless given — a case
    app that knows the child for planning only (a discharge's notice) says so."""
    child, decision = _require_child(actor, child_id, purpose)
    list(Child.objects.select_for_update().filter(pk=child.pk).only("pk"))
    if proposed_by_kind != Case.Proposer.STAFF and not proposer_name.strip():
        raise ValidationError(
            {"proposer_name": _("Enter the name of the person who proposes the SIP.")}
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Say why a SIP is needed.")})
    existing = open_case_of(child.pk)
    if existing is None:
        try:
            with transaction.atomic():
                return Opened(
                    _open_case(
                        actor, child, decision, reason=reason, proposed_by_kind=proposed_by_kind,
                        proposer_name=proposer_name, party_ids=party_ids,
                        receiving_organisation_id=receiving_organisation_id,
                    )
                )  # fmt: skip
        except IntegrityError:
            # Opened meanwhile by a writer that did not lock the child: join that one.
            existing = open_case_of(child.pk)
            if existing is None:
                raise
    return _join_case(actor, existing, decision, reason=reason)


def propose_case(**kwargs: Any) -> Case:
    """`open_or_join_case`, for callers that need only the SIP."""
    return open_or_join_case(**kwargs).case


def _open_case(
    actor: Actor,
    child: Child,
    decision: rules.Decision,
    *,
    reason: str,
    proposed_by_kind: str,
    proposer_name: str,
    party_ids: list[int] | tuple[int, ...],
    receiving_organisation_id: int | None,
) -> Case:
    mode = initiation_mode(actor, child)
    if mode == Mode.INITIATE:
        initiating = actor.organisation
    else:
        initiating = proposal_receivers(child).filter(pk=receiving_organisation_id).first()
        if initiating is None:
            raise ValidationError(
                {
                    "receiving_organisation": _(
                        "Your organisation may propose a SIP but not initiate one. Choose the "
                        "social services or health care organisation that is to take it up."
                    )
                }
            )
    case = Case(
        child=child,
        reason=reason,
        proposed_by_kind=proposed_by_kind,
        proposer_name=proposer_name if proposed_by_kind != Case.Proposer.STAFF else "",
        initiated_by=actor.staff,
        initiating_organisation=initiating,
    )
    # The one-open-SIP constraint is the database's to check (an IntegrityError the caller
    # turns into a join), not a query of full_clean's.
    case.full_clean(validate_constraints=False)
    case.save()
    invited = set(area_organisations(child).filter(pk__in=party_ids).values_list("pk", flat=True))
    if mode == Mode.PROPOSE:
        invited.add(actor.organisation.pk)
    invited.discard(initiating.pk)
    Party.objects.bulk_create(
        [Party(case=case, organisation_id=pk, invited_by=actor.staff) for pk in sorted(invited)]
    )
    _change(
        actor, case, decision, "sip_proposed", mode=mode, proposed_by=proposed_by_kind,
        initiating_organisation_id=initiating.pk, party_ids=sorted(invited),
    )  # fmt: skip
    return case


def _join_case(actor: Actor, case: Case, decision: rules.Decision, *, reason: str) -> Opened:
    party = case.parties.filter(organisation_id=actor.organisation.pk).first()
    if party is not None or takes_part(actor.organisation.pk, case):
        raise SipAlreadyOpen(case, invited_only=party is not None and party.accepted_at is None)
    party = Party(
        case=case, organisation=actor.organisation, invited_by=actor.staff, joined_reason=reason
    )
    party.full_clean()
    party.save()
    # The actor's ground is the one it had to the child; the SIP's content stays closed to it.
    _change(
        actor, case, decision, "sip_joined", party_id=party.pk,
        organisation_id=actor.organisation.pk,
    )  # fmt: skip
    return Opened(case, joined=True, party=party)


@transaction.atomic
def invite_party(*, actor: Actor, case_id: int, organisation_id: int) -> Party:
    case, decision = case_for_change(actor, case_id)
    if case.status == Case.Status.CLOSED:
        raise TransitionRefused(_("The SIP is closed."))
    if not holds_case(actor, case):
        raise rules.AccessDenied("plans.invite")
    organisation = area_organisations(case.child).filter(pk=organisation_id).first()
    if organisation is None:
        raise ValidationError({"organisation": _("Choose an organisation from the directory.")})
    if (
        organisation.pk == case.initiating_organisation_id
        or case.parties.filter(organisation=organisation).exists()
    ):
        raise ValidationError({"organisation": _("This organisation already takes part.")})
    party = Party(case=case, organisation=organisation, invited_by=actor.staff)
    party.full_clean()
    party.save()
    _change(actor, case, decision, "sip_party_invited", organisation_id=organisation.pk)
    return party


@transaction.atomic
def accept_invitation(*, actor: Actor, case_id: int) -> Party:
    """A unit of an invited organisation takes part: it gets a relationship with the child
    (DOMAIN SEK-4), and reads the SIP once a consent or a legal ground covers its organisation.
    Only the unit that accepts does; the organisation's other units still see nothing."""
    party = (
        Party.objects.select_for_update(of=("self",))
        .select_related("case")
        .filter(case_id=case_id, organisation_id=actor.organisation.pk)
        .first()
    )
    # Whoever is not invited learns nothing, not even that the SIP exists.
    if party is None or actor.role not in rules.CHILD_ROLES:
        raise CaseNotFound(case_id)
    if party.accepted_at is not None:
        if party.unit_id == actor.unit.pk:
            return party
        raise TransitionRefused(
            _("%(unit)s has already accepted the invitation for your organisation.")
            % {"unit": party.unit}
        )
    if party.case.status == Case.Status.CLOSED:
        raise TransitionRefused(_("The SIP is closed."))
    party.unit, party.accepted_by, party.accepted_at = actor.unit, actor.staff, timezone.now()
    party.full_clean()
    party.save(update_fields=["unit", "accepted_by", "accepted_at"])
    invitation = rules.Decision(True, "invitation", {"party_id": party.pk})
    _change(actor, party.case, invitation, "sip_invitation_accepted", party_id=party.pk)
    return party


@transaction.atomic
def record_first_contact(*, actor: Actor, case_id: int, contacted_on: datetime.date) -> Case:
    """SIP-5: the date of the first contact with the child or the family."""
    case, decision = case_for_change(actor, case_id)
    if not holds_case(actor, case):
        raise rules.AccessDenied("plans.first_contact")
    if case.status == Case.Status.CLOSED:
        raise TransitionRefused(_("The SIP is closed."))
    if contacted_on > timezone.localdate():
        raise ValidationError({"contacted_on": _("The date cannot be in the future.")})
    if contacted_on < timezone.localdate(case.proposed_at):
        raise ValidationError(
            {"contacted_on": _("The date cannot be before the SIP was proposed.")}
        )
    case.first_contact_at = timezone.make_aware(
        datetime.datetime.combine(contacted_on, datetime.time(12))
    )
    case.version += 1
    case.full_clean()
    case.save(update_fields=["first_contact_at", "version"])
    _change(actor, case, decision, "sip_first_contact", contacted_on=contacted_on.isoformat())
    return case


def advance_after_consent(*, actor: Actor, case: Case, decision: rules.Decision) -> bool:
    """After any consent change: PROPOSED → CONSENTED when the consent is complete (SIP-3), and
    the staff member who initiated becomes the first coordinator (huvudansvarig). Runs inside
    the caller's transaction; True when the SIP moved on."""
    if case.status != Case.Status.PROPOSED:
        return False
    try:
        case.status = check_transition(case, "record_consent")
    except TransitionRefused:
        return False
    fields = ["status", "version"]
    if case.coordinator_id is None and initiator_belongs(case):
        case.coordinator_id = case.initiated_by_id
        case.coordinator_organisation_id = case.initiating_organisation_id
        fields += ["coordinator", "coordinator_organisation"]
        Handover.objects.create(
            case=case, from_staff=None, to_staff_id=case.initiated_by_id,
            to_organisation_id=case.initiating_organisation_id, accepted_at=timezone.now(),
            note=_("First coordinator: initiated the SIP."),
        )  # fmt: skip
    case.version += 1
    case.full_clean()
    case.save(update_fields=fields)
    _change(actor, case, decision, "sip_consented", coordinator_id=case.coordinator_id)
    return True


def initiator_belongs(case: Case) -> bool:
    # A proposal by police or a school lands with another organisation: the proposer is not
    # that organisation's staff and cannot hold the role; someone there takes the proposal up.
    return Membership.objects.filter(
        staff_id=case.initiated_by_id, unit__organisation_id=case.initiating_organisation_id,
        active=True,
    ).exists()  # fmt: skip


@transaction.atomic
def take_up_proposal(*, actor: Actor, case_id: int) -> Case:
    """A staff member of the organisation a proposal landed with takes it up: they become the
    initiator, and the first coordinator once the consent is there."""
    case, decision = case_for_change(actor, case_id)
    if actor.organisation.pk != case.initiating_organisation_id or initiator_belongs(case):
        raise rules.AccessDenied("plans.take_up")
    if case.status == Case.Status.CLOSED:
        raise TransitionRefused(_("The SIP is closed."))
    proposer = case.initiated_by_id
    case.initiated_by = actor.staff
    fields = ["initiated_by", "version"]
    if case.status != Case.Status.PROPOSED and case.coordinator_id is None:
        case.coordinator, case.coordinator_organisation = actor.staff, actor.organisation
        fields += ["coordinator", "coordinator_organisation"]
        Handover.objects.create(
            case=case, from_staff=None, to_staff=actor.staff, to_organisation=actor.organisation,
            accepted_at=timezone.now(), note=_("First coordinator: took up the proposal."),
        )  # fmt: skip
    case.version += 1
    case.full_clean()
    case.save(update_fields=fields)
    _change(actor, case, decision, "sip_taken_up", proposed_by_staff_id=proposer)
    return case


def handover_candidates(case: Case):
    """Staff who could take over the coordinator role: of the initiating organisation, and of
    the parties' units with a relationship with the child (SEK-4): the unit that accepted the
    invitation, or one that has the child as client, patient or pupil."""
    accepted = case.parties.filter(accepted_at__isnull=False).values("unit_id")
    involved = Involvement.objects.filter(
        child_id=case.child_id, ended_on__isnull=True,
        unit__organisation_id__in=receiving_organisations(case).values("pk"),
    ).values("unit_id")  # fmt: skip
    return (
        Membership.objects.filter(
            Q(unit__organisation_id=case.initiating_organisation_id)
            | Q(unit_id__in=accepted) | Q(unit_id__in=involved),
            active=True, role__in=rules.CHILD_ROLES,
        )
        .exclude(staff_id=case.coordinator_id)
        .select_related("staff", "unit__organisation")
        .order_by("unit__organisation__name", "staff__name", "pk")
    )  # fmt: skip


@transaction.atomic
def offer_handover(*, actor: Actor, case_id: int, membership_id: int, note: str = "") -> Handover:
    """The coordinator offers the role to a named staff member of a party organisation. The role
    stays with the coordinator until the other accepts."""
    case, decision = case_for_change(actor, case_id)
    if case.status == Case.Status.CLOSED:
        raise TransitionRefused(_("The SIP is closed."))
    if case.coordinator_id != actor.staff.pk:
        raise TransitionRefused(_("Only the coordinator can hand the role over."))
    if case.handovers.filter(accepted_at__isnull=True, declined_at__isnull=True).exists():
        raise TransitionRefused(
            _("An offer is already waiting for an answer. Wait for it before offering again.")
        )
    membership = handover_candidates(case).filter(pk=membership_id).first()
    if membership is None:
        raise ValidationError(
            {"membership": _("Choose a staff member of an organisation taking part in the SIP.")}
        )
    handover = Handover(
        case=case, from_staff=actor.staff, to_staff=membership.staff,
        to_organisation=membership.unit.organisation, note=note,
    )  # fmt: skip
    handover.full_clean()
    handover.save()
    _change(
        actor, case, decision, "sip_coordinator_offered", handover_id=handover.pk,
        to_staff_id=membership.staff_id,
    )  # fmt: skip
    return handover


def _pending_handover(actor: Actor, case: Case, handover_id: int) -> Handover:
    handover = (
        case.handovers.select_for_update()
        .filter(pk=handover_id, accepted_at__isnull=True, declined_at__isnull=True)
        .first()
    )
    if handover is None:
        raise TransitionRefused(_("This offer has already been answered."))
    if (handover.to_staff_id, handover.to_organisation_id) != (
        actor.staff.pk,
        actor.organisation.pk,
    ):
        raise rules.AccessDenied("plans.handover")
    return handover


@transaction.atomic
def accept_handover(*, actor: Actor, case_id: int, handover_id: int) -> Case:
    """The offered person accepts: only now does the role pass (BTI-2, the relay)."""
    case, decision = case_for_change(actor, case_id)
    handover = _pending_handover(actor, case, handover_id)
    if case.status == Case.Status.CLOSED:
        raise TransitionRefused(_("The SIP is closed."))
    handover.accepted_at = timezone.now()
    handover.save(update_fields=["accepted_at"])
    case.coordinator_id = handover.to_staff_id
    case.coordinator_organisation_id = handover.to_organisation_id
    case.version += 1
    case.full_clean()
    case.save(update_fields=["coordinator", "coordinator_organisation", "version"])
    _change(actor, case, decision, "sip_coordinator_accepted", handover_id=handover.pk)
    return case


@transaction.atomic
def decline_handover(*, actor: Actor, case_id: int, handover_id: int) -> Handover:
    """The offered person declines: the role stays where it was."""
    case, decision = case_for_change(actor, case_id)
    handover = _pending_handover(actor, case, handover_id)
    handover.declined_at = timezone.now()
    handover.save(update_fields=["declined_at"])
    _change(actor, case, decision, "sip_coordinator_declined", handover_id=handover.pk)
    return handover


class StaleCase(Exception):
    """Someone changed the SIP since the form was opened."""

    def __init__(self, current: Case):
        super().__init__(current.pk)
        self.current = current


@transaction.atomic
def close_case(*, actor: Actor, case_id: int, reason: str, version: int) -> Case:
    """Close the SIP with a reason. Closed, never deleted (DESIGN invariant 5): it stays
    readable to those who took part."""
    case, decision = case_for_change(actor, case_id)
    if not holds_case(actor, case):
        raise rules.AccessDenied("plans.close")
    if case.version != version:
        raise StaleCase(case)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the SIP is closed.")})
    case.status = check_transition(case, "close")
    case.closed_at = timezone.now()
    case.close_reason = reason
    case.version += 1
    case.full_clean()
    case.save(update_fields=["status", "closed_at", "close_reason", "version"])
    _change(actor, case, decision, "sip_closed")
    return case
