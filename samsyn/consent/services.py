"""Writes to consent (samtycke) about a child: consent per person, per receiving organisation,
per category and purpose; withdrawal (återkallelse), which takes effect at once; the maturity
assessment (mognadsbedömning); and a legal ground (rättslig grund) recorded with its reference
where the law allows disclosure without consent (DOMAIN SIP-3, SIP-4, SEK-1, SEK-3).

These work on the child, not on a case. The caller has opened, through `access`, the record the
consent is recorded on (a SIP, later a report or an admission) and passes the decision that let
it, so the audit row says on which ground the actor recorded it; the caller also says which
organisations may receive (a SIP's parties). Each service runs in the caller's transaction.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.access.actor import Actor
from samsyn.access.models import Category, LegalBasis, LegalGround
from samsyn.access.rules import Decision
from samsyn.audit import services as audit
from samsyn.children.models import Child, Guardianship
from samsyn.common.dates import end_of, start_of
from samsyn.consent.models import Consent, MaturityAssessment
from samsyn.consent.selectors import child_is_mature
from samsyn.directory.models import Organisation

# What a consent may cover beyond the record it is given for.
OPTIONAL_CATEGORIES = [
    Category.BASIC, Category.CONTACT, Category.HEALTH, Category.SOCIAL, Category.SCHOOL,
]  # fmt: skip


def _audit(actor: Actor, child: Child, decision: Decision, event: str, purpose: str, **detail):
    audit.record_change(
        actor=actor, child_id=child.pk, obj="consent", obj_id=child.pk, event=event,
        purpose=purpose, decision=decision, detail=detail,
    )  # fmt: skip


@transaction.atomic
def record_consent(
    *,
    actor: Actor,
    child: Child,
    decision: Decision,
    purpose: str,
    given_by: str,
    guardian_id: int | None,
    receiving_organisation_ids: list[int],
    categories: list[str],
    purposes: list[str],
    form: str,
    given_on: datetime.date,
    valid_until: datetime.date,
) -> list[Consent]:
    """One consent row per receiving organisation (SIP-3). The child consents only when a
    maturity assessment says mature (SIP-4); a guardian only for their own child."""
    if given_by == Consent.GivenBy.CHILD:
        guardian_id = None
        if not child_is_mature(child.pk):
            raise ValidationError(
                {
                    "person": _(
                        "Record a maturity assessment saying the child is mature enough "
                        "before recording the child's own consent."
                    )
                }
            )
    elif (
        guardian_id is None
        or not Guardianship.objects.current().filter(child=child, guardian_id=guardian_id).exists()
    ):
        raise ValidationError({"person": _("Choose one of the child's guardians.")})
    if not receiving_organisation_ids:
        raise ValidationError(
            {"receiving_organisations": _("Choose at least one receiving organisation.")}
        )
    today = timezone.localdate()
    if given_on > today:
        raise ValidationError({"given_on": _("The date cannot be in the future.")})
    if valid_until <= given_on or valid_until < today:
        raise ValidationError(
            {"valid_until": _("The consent must be valid after the day it was given and today.")}
        )
    consents = []
    for organisation_id in sorted(set(receiving_organisation_ids)):
        consent = Consent(
            child=child, given_by=given_by, guardian_id=guardian_id,
            receiving_organisation_id=organisation_id, categories=categories,
            purposes=purposes, form=form, given_at=start_of(given_on),
            valid_until=end_of(valid_until), recorded_by=actor.staff,
            recorded_for=actor.organisation,
        )  # fmt: skip
        consent.full_clean()
        consents.append(consent)
    Consent.objects.bulk_create(consents)
    _audit(
        actor, child, decision, "consent_recorded", purpose,
        consent_ids=[c.pk for c in consents], given_by=given_by, guardian_id=guardian_id,
        categories=categories,
    )  # fmt: skip
    return consents


@transaction.atomic
def withdraw_consent(
    *, actor: Actor, consent: Consent, decision: Decision, purpose: str
) -> Consent:
    """Withdrawal takes effect at once (SIP-3): every access check reads the row in its own
    query, so the receiving organisation's next request no longer finds what it covered. The
    caller passes the consent locked (`select_for_update`) and still in force."""
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_recorded_by = actor.staff
    consent.full_clean()
    consent.save(update_fields=["withdrawn_at", "withdrawn_recorded_by"])
    _audit(actor, consent.child, decision, "consent_withdrawn", purpose, consent_id=consent.pk)
    return consent


@transaction.atomic
def record_maturity(
    *, actor: Actor, child: Child, decision: Decision, purpose: str, mature: bool, reasoning: str
) -> MaturityAssessment:
    """SIP-4, SEK-3: whether the child is mature enough to consent, with the reasoning."""
    if not reasoning.strip():
        raise ValidationError({"reasoning": _("Write the reasoning behind the assessment.")})
    assessment = MaturityAssessment(
        child=child, mature=mature, reasoning=reasoning, assessed_by=actor.staff,
        assessed_for=actor.organisation,
    )  # fmt: skip
    assessment.full_clean()
    assessment.save()
    _audit(
        actor, child, decision, "maturity_assessed", purpose, mature=mature,
        assessment_id=assessment.pk,
    )  # fmt: skip
    return assessment


def basis_applies(
    basis: LegalBasis, *, child: Child, category: str, sender: Organisation, receiver: Organisation
) -> str | None:
    """None when the basis covers disclosing `category` of the child from `sender` to
    `receiver`; otherwise the reason it does not, in words (SEK-1: each ground is data with
    its scope)."""
    if category not in basis.categories:
        return _("This legal basis does not cover the %(category)s.") % {
            "category": Category(category).label
        }
    if basis.to_kinds and receiver.kind not in basis.to_kinds:
        return _("This legal basis does not allow disclosure to %(organisation)s.") % {
            "organisation": receiver
        }
    if basis.from_kinds and sender.kind not in basis.from_kinds:
        return _("This legal basis does not allow disclosure from %(organisation)s.") % {
            "organisation": sender
        }
    if basis.authorities_only and not (
        sender.principal.is_public_authority and receiver.principal.is_public_authority
    ):
        return _("This legal basis holds between public authorities only.")
    if basis.max_age is not None and child.age >= basis.max_age:
        return _("This legal basis applies only to children under %(age)s.") % {
            "age": basis.max_age
        }
    return None


@transaction.atomic
def record_legal_ground(
    *,
    actor: Actor,
    child: Child,
    decision: Decision,
    purpose: str,
    basis_id: int,
    receiver: Organisation,
    category: str,
    purposes: list[str],
    reason: str,
    valid_until: datetime.date,
) -> LegalGround:
    """Where the law allows disclosure without consent (SEK-1), the ground with its reference
    instead of a consent, within the basis's scope; for the purposes the basis allows among
    those asked for."""
    basis = LegalBasis.objects.filter(pk=basis_id).first()
    if basis is None:
        raise ValidationError({"basis": _("Choose a legal basis.")})
    refused = basis_applies(
        basis, child=child, category=category, sender=actor.organisation, receiver=receiver
    )
    if refused:
        raise ValidationError({"basis": refused})
    if valid_until <= timezone.localdate():
        raise ValidationError({"valid_until": _("The date must be after today.")})
    ground = LegalGround(
        child=child, basis=basis, receiving_organisation=receiver, categories=[category],
        purposes=[p for p in basis.purposes if p in purposes] or list(basis.purposes),
        reason=reason, valid_until=end_of(valid_until), recorded_by=actor.staff,
    )  # fmt: skip
    ground.full_clean()
    ground.save()
    _audit(
        actor, child, decision, "legal_ground_recorded", purpose, legal_ground_id=ground.pk,
        reference=basis.reference, receiving_organisation_id=receiver.pk,
    )  # fmt: skip
    return ground
