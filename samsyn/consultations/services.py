"""Changes to consultations: ask, answer, link to a child (DOMAIN KON-1). Each is one
transaction with its audit row (consultation_asked, consultation_answered, consultation_linked).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.access.models import Category
from samsyn.audit import services as audit
from samsyn.children.identity import parse_identity_number
from samsyn.children.models import Child
from samsyn.common.errors import AccessDenied
from samsyn.consultations import selectors
from samsyn.consultations.models import Consultation
from samsyn.directory.models import Unit


def _identity_number_refused() -> str:
    return _(
        "Remove what looks like an identity number: a consultation must not identify the "
        "child. Describe the situation with the age band and non-identifying facts only."
    )


def _refuse_identity_numbers(**texts: str) -> None:
    errors = {
        name: _identity_number_refused()
        for name, text in texts.items()
        if selectors.contains_identity_number(text)
    }
    if errors:
        raise ValidationError(errors)


def _require_role(actor: Actor) -> None:
    if actor.role not in rules.CHILD_ROLES:
        raise AccessDenied("consultations")


@transaction.atomic
def ask_consultation(
    *,
    actor: Actor,
    consulted_organisation_id: int,
    consulted_unit_id: int | None,
    age_band: str,
    question: str,
    situation: str,
) -> Consultation:
    """A consultation from the actor's unit to another organisation (or one of its units),
    naming no child."""
    _require_role(actor)
    organisation = (
        selectors.organisations_to_ask(actor).filter(pk=consulted_organisation_id).first()
    )
    if organisation is None:
        raise ValidationError(
            {"consulted": _("Choose another organisation of your county from the directory.")}
        )
    unit = None
    if consulted_unit_id is not None:
        unit = Unit.objects.filter(pk=consulted_unit_id, organisation=organisation).first()
        if unit is None:
            raise ValidationError({"consulted": _("Choose a unit of the organisation asked.")})
    _refuse_identity_numbers(question=question, situation=situation)
    consultation = Consultation(
        asked_by=actor.staff, asking_organisation=actor.organisation, asking_unit=actor.unit,
        consulted_organisation=organisation, consulted_unit=unit, age_band=age_band,
        question=question, situation=situation,
        category=selectors.category_of(actor.organisation),
    )  # fmt: skip
    consultation.full_clean()
    consultation.save()
    audit.record_change(
        actor=actor, child_id=None, obj="consultation", obj_id=consultation.pk,
        event="consultation_asked", purpose=rules.default_purpose(actor),
        detail={
            "consulted_organisation_id": organisation.pk,
            "consulted_unit_id": unit.pk if unit else None,
        },
    )  # fmt: skip
    return consultation


@transaction.atomic
def answer_consultation(*, actor: Actor, consultation_id: int, answer: str) -> Consultation:
    """The consulted side's answer, once: who answered, for which unit, and when."""
    _require_role(actor)
    consultation, decision = selectors.consultation_for_change(actor, consultation_id)
    if not selectors.is_consulted(actor, consultation):
        raise AccessDenied("consultations.answer")
    if consultation.answered:
        raise ValidationError(
            {"answer": _("The consultation is already answered; an answer is not changed.")}
        )
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": _("Write the answer.")})
    _refuse_identity_numbers(answer=answer)
    consultation.answer = answer
    consultation.answered_by = actor.staff
    consultation.answered_by_unit = actor.unit
    consultation.answered_at = timezone.now()
    consultation.full_clean()
    consultation.save(update_fields=["answer", "answered_by", "answered_by_unit", "answered_at"])
    audit.record_change(
        actor=actor, child_id=consultation.child_id, obj="consultation",
        obj_id=consultation.pk, event="consultation_answered",
        purpose=rules.default_purpose(actor), decision=decision,
    )  # fmt: skip
    return consultation


def _child_for_link(actor: Actor, identity_number: str) -> tuple[Child, rules.Decision]:
    """The child with this number, if the actor has a relationship with it (access decides on
    the child). A number Samsyn does not know and a child the actor may not see get the same
    answer; the refused read is audited."""
    try:
        digits = parse_identity_number(identity_number).digits
    except ValidationError as invalid:
        raise ValidationError({"identity_number": invalid.messages}) from None
    purpose = rules.default_purpose(actor)
    child = Child.objects.filter(identity_number=digits).first()
    decision = (
        rules.decide(actor, child, purpose=purpose, category=Category.BASIC)
        if child
        else rules.DENIED
    )
    if not decision.allowed:
        if child is not None:
            audit.record_denied(
                actor=actor, child_id=child.pk, obj="child", obj_id=child.pk, purpose=purpose
            )
        raise ValidationError(
            {"identity_number": _("No child you work with has this identity number.")}
        )
    return child, decision


def link_consultation(*, actor: Actor, consultation_id: int, identity_number: str) -> Consultation:
    """The asking unit links its consultation to a child it works with, and only when a consent
    in force covers the consulted organisation for the asker's information category (KON-1).
    From then on the consultation is the child's data, read through `access`.

    Not one transaction with the child's lookup: a refused look at a child is audited and that
    row must outlive the refusal."""
    _require_role(actor)
    child, child_decision = _child_for_link(actor, identity_number)
    with transaction.atomic():
        consultation, _decision = selectors.consultation_for_change(actor, consultation_id)
        if not selectors.is_asker(actor, consultation):
            raise AccessDenied("consultations.link")
        if consultation.linked:
            raise ValidationError(_("The consultation is already linked to a child."))
        if consultation.consulted_unit_id is None and consultation.answered_by_unit_id is None:
            raise ValidationError(
                _(
                    "The consultation was sent to the whole organisation and no unit has "
                    "answered yet. Link it once a unit has answered: only that unit may then "
                    "see the child."
                )
            )
        consents = selectors.covering_consents(
            child, consultation.consulted_organisation, consultation.category
        )
        if consents is None:
            raise ValidationError(
                _(
                    "No consent covers %(organisation)s: the child's own, or the guardians', "
                    "to sharing %(category)s information with %(organisation)s. Record the "
                    "consent first; until then the consultation stays anonymous."
                )
                % {
                    "organisation": consultation.consulted_organisation.name,
                    "category": Category(consultation.category).label,
                }
            )
        consultation.child = child
        consultation.linked_at = timezone.now()
        consultation.linked_by = actor.staff
        consultation.full_clean()
        consultation.save(update_fields=["child", "linked_at", "linked_by"])
        audit.record_change(
            actor=actor, child_id=child.pk, obj="consultation", obj_id=consultation.pk,
            event="consultation_linked", purpose=rules.default_purpose(actor),
            decision=child_decision,
            detail={
                "consent_ids": consents,
                "consulted_organisation_id": consultation.consulted_organisation_id,
            },
        )  # fmt: skip
    return consultation
