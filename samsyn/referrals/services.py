"""Changes to referrals: send, accept, decline, agree a next step after a decline, withdraw. Each
is one transaction with its audit row (referral_sent, referral_accepted, referral_declined,
referral_withdrawn). A step refused by its own rule (the wrong side of the referral) carries its
denial, so the mapping of refusals logs it after the rollback (LOG-3, ADR 0011)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.access.models import Category, Purpose
from samsyn.audit import services as audit
from samsyn.children.models import Involvement
from samsyn.children.selectors import opened_child
from samsyn.common.errors import AccessDenied, Denial
from samsyn.consent import services as consent_services
from samsyn.consent.models import Consent
from samsyn.referrals import selectors
from samsyn.referrals.models import Referral

# A legal ground recorded for a referral holds this long: the receiver's answer and the first
# steps of the effort fall within it.
GROUND_DAYS = 180


def _require_role(actor: Actor) -> None:
    rules.require(actor, "referrals.work")


def _refuse(actor: Actor, referral: Referral, step: str) -> AccessDenied:
    refusal = AccessDenied(f"referrals.{step}")
    refusal.denial = Denial(
        actor=actor, child_id=referral.child_id, obj="referral", obj_id=referral.pk,
        purpose=rules.default_purpose(actor),
    )  # fmt: skip
    return refusal


def _audit(actor: Actor, referral: Referral, decision, event: str, **detail) -> None:
    audit.record_change(
        actor=actor, child_id=referral.child_id, obj="referral", obj_id=referral.pk,
        event=event, purpose=rules.default_purpose(actor), decision=decision, detail=detail,
    )  # fmt: skip


def send_referral(
    *,
    actor: Actor,
    child_id: int,
    to_unit_id: int,
    reason: str,
    effort: str,
    basis_id: int | None,
) -> Referral:
    """A referral from the actor's unit about a child it works with, to a unit of another
    organisation of the county: under a consent in force that covers the receiver for the
    sender's category (`basis_id` None), or under a legal ground recorded now from the chosen
    basis (SEK-1).

    Not one transaction with the child's lookup: a refused look at a child is audited and that
    row must outlive the refusal."""
    _require_role(actor)
    purpose = rules.default_purpose(actor)
    child, decision = opened_child(actor, child_id=child_id, purpose=purpose, obj="child")
    with transaction.atomic():
        unit = selectors.units_to_refer_to(actor).filter(pk=to_unit_id).first()
        errors: dict[str, str] = {}
        if unit is None:
            errors["to_unit"] = _("Choose a unit of another organisation of your county.")
        if not reason.strip():
            errors["reason"] = _("Write why you refer the child.")
        if not effort.strip():
            errors["effort"] = _("Write which effort you ask the receiver to take on.")
        if unit is None or errors:
            raise ValidationError(errors)
        receiver = unit.organisation
        category = selectors.category_of(actor.organisation)
        ground: dict = {}
        if basis_id is None:
            consents = rules.consents_covering(child.pk, receiver).get(category)
            if not consents:
                raise ValidationError(
                    {
                        "ground": _(
                            "No consent in force lets %(organisation)s receive the child's "
                            "%(category)s information. Record the consent first, or choose "
                            "the legal ground the referral is sent under."
                        )
                        % {"organisation": receiver.name, "category": Category(category).label}
                    }
                )
            ground["consent"] = Consent.objects.get(pk=consents[0])
        else:
            if not selectors.bases_for(actor).filter(pk=basis_id).exists():
                raise ValidationError({"ground": _("Choose a legal ground from the list.")})
            try:
                ground["legal_ground"] = consent_services.record_legal_ground(
                    actor=actor, child=child, decision=decision, purpose=purpose,
                    basis_id=basis_id, receiver=receiver, category=category,
                    purposes=list(Purpose.values),
                    reason=_("Referral: %(effort)s") % {"effort": effort.strip()[:200]},
                    valid_until=timezone.localdate() + datetime.timedelta(days=GROUND_DAYS),
                )  # fmt: skip
            except ValidationError as refused:
                raise ValidationError({"ground": refused.messages}) from None
        referral = Referral(
            child=child, from_organisation=actor.organisation, from_unit_id=actor.unit.pk,
            sent_by=actor.staff, to_organisation=receiver, to_unit=unit,
            reason=reason.strip(), effort=effort.strip(), category=category, **ground,
        )  # fmt: skip
        referral.full_clean()
        referral.save()
        _audit(
            actor, referral, decision, "referral_sent", to_unit_id=unit.pk,
            consent_id=referral.consent_id, legal_ground_id=referral.legal_ground_id,
        )  # fmt: skip
    return referral


def _open_unanswered(actor: Actor, referral_id: int, step: str, *, receiver: bool):
    _require_role(actor)
    referral, decision = selectors.referral_for_change(actor, referral_id)
    side = selectors.is_receiver if receiver else selectors.is_sender
    if not side(actor, referral):
        raise _refuse(actor, referral, step)
    if referral.status != Referral.Status.SENT:
        raise ValidationError(
            _("The referral no longer waits for an answer: it is %(status)s.")
            % {"status": Referral.Status(referral.status).label}
        )
    return referral, decision


@transaction.atomic
def accept_referral(*, actor: Actor, referral_id: int) -> Referral:
    """The receiving unit takes the effort on: the child becomes its client or patient (an
    involvement, unless it has one), so it goes on working with the child in its own right."""
    referral, decision = _open_unanswered(actor, referral_id, "accept", receiver=True)
    referral.status = Referral.Status.ACCEPTED
    referral.answered_at = timezone.now()
    referral.answered_by = actor.staff
    referral.full_clean()
    referral.save(update_fields=["status", "answered_at", "answered_by"])
    today = timezone.localdate()
    involved = Involvement.objects.filter(
        child_id=referral.child_id, unit_id=actor.unit.pk, ended_on__isnull=True
    )
    involvement = involved.first() or Involvement.objects.create(
        child_id=referral.child_id, unit_id=actor.unit.pk, started_on=today,
        reason=_("Referral accepted: %(effort)s") % {"effort": referral.effort[:250]},
    )  # fmt: skip
    _audit(actor, referral, decision, "referral_accepted", involvement_id=involvement.pk)
    return referral


@transaction.atomic
def decline_referral(
    *, actor: Actor, referral_id: int, reason: str, next_step: str = ""
) -> Referral:
    """The receiving unit declines, saying why, and the next step agreed with the sender if
    there is one. Without one the referral has bounced (RAD-8)."""
    referral, decision = _open_unanswered(actor, referral_id, "decline", receiver=True)
    if not reason.strip():
        raise ValidationError({"decline_reason": _("Say why the referral is declined.")})
    now = timezone.now()
    referral.status = Referral.Status.DECLINED
    referral.answered_at, referral.answered_by = now, actor.staff
    referral.decline_reason = reason.strip()
    referral.next_step = next_step.strip()
    referral.next_step_at = now if referral.next_step else None
    referral.full_clean()
    referral.save(
        update_fields=["status", "answered_at", "answered_by", "decline_reason", "next_step",
                       "next_step_at"]
    )  # fmt: skip
    _audit(actor, referral, decision, "referral_declined", next_step_agreed=bool(next_step))
    return referral


@transaction.atomic
def agree_next_step(*, actor: Actor, referral_id: int, next_step: str) -> Referral:
    """After a decline with no next step, either side records the next step the two agreed:
    the referral no longer bounces."""
    _require_role(actor)
    referral, decision = selectors.referral_for_change(actor, referral_id)
    if not (selectors.is_sender(actor, referral) or selectors.is_receiver(actor, referral)):
        raise _refuse(actor, referral, "next_step")
    if not referral.bounced:
        raise ValidationError(_("Only a declined referral with no next step takes one."))
    if not next_step.strip():
        raise ValidationError({"next_step": _("Write the next step you agreed.")})
    referral.next_step, referral.next_step_at = next_step.strip(), timezone.now()
    referral.full_clean()
    referral.save(update_fields=["next_step", "next_step_at"])
    _audit(actor, referral, decision, "referral_next_step_agreed")
    return referral


@transaction.atomic
def withdraw_referral(*, actor: Actor, referral_id: int) -> Referral:
    """The sending unit takes back a referral not yet answered; the receiver no longer sees it."""
    referral, decision = _open_unanswered(actor, referral_id, "withdraw", receiver=False)
    referral.status = Referral.Status.WITHDRAWN
    referral.withdrawn_at, referral.withdrawn_by = timezone.now(), actor.staff
    referral.full_clean()
    referral.save(update_fields=["status", "withdrawn_at", "withdrawn_by"])
    _audit(actor, referral, decision, "referral_withdrawn")
    return referral
