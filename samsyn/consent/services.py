"""Writes to consent (samtycke) for a SIP: consent per person, per receiving organisation, per
category; withdrawal (återkallelse), which takes effect at once; the maturity assessment
(mognadsbedömning); and a legal ground (rättslig grund) recorded with its reference where the law
allows disclosure without consent (DOMAIN SIP-3, SIP-4, SEK-1, SEK-3).

After each change the SIP moves from "proposed" to "consent recorded" when, and only when,
`sip_consent_status` says the consent is complete.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.access.models import Category, LegalBasis, LegalGround, Purpose
from samsyn.audit import services as audit
from samsyn.consent.models import Consent, MaturityAssessment
from samsyn.consent.selectors import child_is_mature
from samsyn.plans.models import Case
from samsyn.plans.services import cases

# A SIP's consent is for planning and following the plan up.
SIP_PURPOSES = [Purpose.PLANNING, Purpose.FOLLOW_UP]
# What a SIP consent may cover beyond the plan itself.
OPTIONAL_CATEGORIES = [
    Category.BASIC, Category.CONTACT, Category.HEALTH, Category.SOCIAL, Category.SCHOOL,
]  # fmt: skip


def _case_for_consent(actor: Actor, case_id: int) -> tuple[Case, rules.Decision]:
    case, decision = cases._case_for_change(actor, case_id)
    # The organisations that run the SIP record its consent: they met the family.
    if not cases._holds_case(actor, case):
        raise rules.AccessDenied("consent.record")
    if case.status == Case.Status.CLOSED:
        raise cases.TransitionRefused(_("The SIP is closed."))
    return case, decision


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _receivers(case: Case, organisation_ids) -> list[int]:
    parties = set(case.parties.values_list("organisation_id", flat=True))
    chosen = set(organisation_ids)
    if not chosen:
        raise ValidationError(
            {"receiving_organisations": _("Choose at least one receiving organisation.")}
        )
    if not chosen <= parties:
        raise ValidationError(
            {
                "receiving_organisations": _(
                    "Consent can be recorded only for organisations taking part in the SIP."
                )
            }
        )
    return sorted(chosen)


def _audit(actor, case, decision, event, **detail) -> None:
    audit.record_change(
        actor=actor, child_id=case.child_id, obj="consent", obj_id=case.pk, event=event,
        purpose=Purpose.PLANNING, decision=decision, detail=detail,
    )  # fmt: skip


@transaction.atomic
def record_consent(
    *,
    actor: Actor,
    case_id: int,
    given_by: str,
    guardian_id: int | None,
    receiving_organisation_ids: list[int],
    categories: list[str],
    form: str,
    given_on: datetime.date,
    valid_until: datetime.date,
) -> list[Consent]:
    """One consent row per receiving organisation (SIP-3). The child consents only when a
    maturity assessment says mature (SIP-4); a guardian only for their own child."""
    case, decision = _case_for_consent(actor, case_id)
    if given_by == Consent.GivenBy.CHILD:
        guardian_id = None
        if not child_is_mature(case):
            raise ValidationError(
                {
                    "person": _(
                        "Record a maturity assessment saying the child is mature enough "
                        "before recording the child's own consent."
                    )
                }
            )
    elif not case.child.guardianships.filter(guardian_id=guardian_id).exists():
        raise ValidationError({"person": _("Choose one of the child's guardians.")})
    today = timezone.localdate()
    if given_on > today:
        raise ValidationError({"given_on": _("The date cannot be in the future.")})
    if valid_until <= given_on or valid_until < today:
        raise ValidationError(
            {"valid_until": _("The consent must be valid after the day it was given and today.")}
        )
    receivers = _receivers(case, receiving_organisation_ids)
    covered = [Category.PLAN, *[c for c in OPTIONAL_CATEGORIES if c in set(categories)]]
    consents = []
    for organisation_id in receivers:
        consent = Consent(
            child_id=case.child_id, given_by=given_by, guardian_id=guardian_id,
            receiving_organisation_id=organisation_id, categories=covered,
            purposes=SIP_PURPOSES, form=form, given_at=_start_of(given_on),
            valid_until=_start_of(valid_until + datetime.timedelta(days=1)),
            recorded_by=actor.staff, recorded_for=actor.organisation, case=case,
        )  # fmt: skip
        consent.full_clean()
        consents.append(consent)
    Consent.objects.bulk_create(consents)
    _audit(
        actor, case, decision, "consent_recorded", consent_ids=[c.pk for c in consents],
        given_by=given_by, guardian_id=guardian_id, categories=covered,
    )  # fmt: skip
    cases.advance_after_consent(actor=actor, case=case, decision=decision)
    return consents


@transaction.atomic
def withdraw_consent(*, actor: Actor, case_id: int, consent_id: int) -> Consent:
    """Withdrawal takes effect at once (SIP-3): every access check reads the row in its own
    query, so the receiving organisation's next request no longer finds the SIP or the child."""
    case, decision = cases._case_for_change(actor, case_id)
    consent = (
        Consent.objects.select_for_update()
        .filter(pk=consent_id, case=case, withdrawn_at__isnull=True)
        .first()
    )
    if consent is None:
        raise ValidationError(_("This consent is already withdrawn."))
    # The organisations running the SIP, or the receiving organisation itself, hear the
    # withdrawal from the family and record it.
    if not (
        cases._holds_case(actor, case) or consent.receiving_organisation_id == actor.organisation.pk
    ):
        raise rules.AccessDenied("consent.withdraw")
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_recorded_by = actor.staff
    consent.full_clean()
    consent.save(update_fields=["withdrawn_at", "withdrawn_recorded_by"])
    _audit(actor, case, decision, "consent_withdrawn", consent_id=consent.pk)
    return consent


@transaction.atomic
def record_maturity(
    *, actor: Actor, case_id: int, mature: bool, reasoning: str
) -> MaturityAssessment:
    """SIP-4, SEK-3: whether the child is mature enough to consent, with the reasoning."""
    case, decision = _case_for_consent(actor, case_id)
    if not reasoning.strip():
        raise ValidationError({"reasoning": _("Write the reasoning behind the assessment.")})
    assessment = MaturityAssessment(
        child_id=case.child_id, case=case, mature=mature, reasoning=reasoning,
        assessed_by=actor.staff, assessed_for=actor.organisation,
    )  # fmt: skip
    assessment.full_clean()
    assessment.save()
    _audit(actor, case, decision, "maturity_assessed", mature=mature, assessment_id=assessment.pk)
    cases.advance_after_consent(actor=actor, case=case, decision=decision)
    return assessment


def basis_applies(basis: LegalBasis, *, case: Case, sender, receiver) -> str | None:
    """None when the basis covers disclosing this SIP from `sender` to `receiver`; otherwise
    the reason it does not, in words (SEK-1: each ground is data with its scope)."""
    if Category.PLAN not in basis.categories:
        return _("This legal basis does not cover the plan.")
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
    if basis.max_age is not None and case.child.age >= basis.max_age:
        return _("This legal basis applies only to children under %(age)s.") % {
            "age": basis.max_age
        }
    return None


@transaction.atomic
def record_legal_ground(
    *,
    actor: Actor,
    case_id: int,
    basis_id: int,
    receiving_organisation_id: int,
    reason: str,
    valid_until: datetime.date,
) -> LegalGround:
    """Where the law allows disclosure without consent (SEK-1), the ground with its reference
    instead of a consent, within the basis's scope."""
    case, decision = _case_for_consent(actor, case_id)
    basis = LegalBasis.objects.filter(pk=basis_id).first()
    if basis is None:
        raise ValidationError({"basis": _("Choose a legal basis.")})
    [receiver_id] = _receivers(case, [receiving_organisation_id])
    receiver = (
        case.parties.select_related("organisation__principal")
        .get(organisation_id=receiver_id)
        .organisation
    )
    refused = basis_applies(basis, case=case, sender=actor.organisation, receiver=receiver)
    if refused:
        raise ValidationError({"basis": refused})
    if valid_until <= timezone.localdate():
        raise ValidationError({"valid_until": _("The date must be after today.")})
    ground = LegalGround(
        child_id=case.child_id, basis=basis, receiving_organisation=receiver,
        categories=[Category.PLAN], purposes=[p for p in basis.purposes if p in SIP_PURPOSES]
        or list(basis.purposes), reason=reason,
        valid_until=_start_of(valid_until + datetime.timedelta(days=1)), recorded_by=actor.staff,
    )  # fmt: skip
    ground.full_clean()
    ground.save()
    _audit(
        actor, case, decision, "legal_ground_recorded", legal_ground_id=ground.pk,
        reference=basis.reference, receiving_organisation_id=receiver.pk,
    )  # fmt: skip
    cases.advance_after_consent(actor=actor, case=case, decision=decision)
    return ground
