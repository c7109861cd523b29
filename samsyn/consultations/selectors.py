"""Reads of consultations. Each takes the actor and returns only what the actor may see, and
each read writes an audit row (obj "consultation").

Not yet linked, a consultation names no child: the asking unit and the consulted side (the unit
asked, or every unit of an organisation asked as a whole, and the unit that answered) read it,
and the audit row has no child. Linked, it is the child's data: `access` decides, for the
asker's information category, and the row names the child and the ground (LOG-1).
"""

from __future__ import annotations

import re

from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.access.models import Category
from samsyn.audit import services as audit
from samsyn.children import timeline
from samsyn.children.models import Child
from samsyn.common.errors import NotFound
from samsyn.consultations.models import Consultation
from samsyn.directory.models import Organisation, Unit

PAGE_SIZE = 25
ASKED, RECEIVED = "asked", "received"
# The bases of a read of a consultation that names no child (audit.selectors.BASES).
AS_ASKER, AS_CONSULTED = "consultation_asker", "consultation_consulted"

# Something shaped like a Swedish identity number: six or eight digits of a date (a
# samordningsnummer adds 60 to the day), an optional - or +, and four digits. Shape, not a valid
# check digit: a number mistyped by one digit still points at one child.
_IDENTITY_NUMBER = re.compile(
    r"(?<!\d)(?:(?:19|20)\d{2}|\d{2})(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]|[6-8]\d|9[01])"
    r"\s?[-+]?\s?\d{4}(?!\d)"
)


class ConsultationNotFound(NotFound):
    """The same for "no such consultation" and "not yours": ids cannot be probed."""


def contains_identity_number(text: str) -> bool:
    return bool(_IDENTITY_NUMBER.search(text or ""))


def category_of(organisation: Organisation) -> str:
    """The information category of what an organisation writes (the asker's consultation)."""
    return rules.CATEGORY_OF_KIND.get(organisation.kind, Category.BASIC)  # type: ignore[arg-type]


def _asked_by(actor: Actor) -> Q:
    return Q(asking_unit_id=actor.unit.pk)


def _received_by(actor: Actor) -> Q:
    """Addressed to the actor's unit, or to its organisation as a whole, or answered by it."""
    return (
        Q(consulted_unit_id=actor.unit.pk)
        | Q(consulted_unit__isnull=True, consulted_organisation_id=actor.organisation.pk)
        | Q(answered_by_unit_id=actor.unit.pk)
    )


def _readable(
    actor: Actor, consultations: QuerySet[Consultation], purpose: str | None = None
) -> QuerySet[Consultation]:
    """The unlinked ones as they are; the linked ones only as `access` allows, each for its own
    category (one restrict per category, all in one query), for `purpose` (the role's own
    unless named)."""
    purpose = purpose or rules.default_purpose(actor)
    linked = consultations.filter(child__isnull=False)
    allowed = Q(child__isnull=True)
    for category in sorted(set(rules.CATEGORY_OF_KIND.values())):
        readable = rules.restrict(
            actor, linked.filter(category=category), purpose=purpose, category=category
        )
        allowed |= Q(pk__in=readable.values("pk"))
    return consultations.filter(allowed)


def consultations_of(actor: Actor, box: str) -> QuerySet[Consultation]:
    """The consultations the actor's unit asked (`ASKED`) or was asked (`RECEIVED`), newest
    first, as far as the actor may read them."""
    if actor.role not in rules.CHILD_ROLES:
        return Consultation.objects.none()
    mine = _asked_by(actor) if box == ASKED else _received_by(actor) & ~_asked_by(actor)
    consultations = Consultation.objects.filter(mine)
    return (
        _readable(actor, consultations)
        .select_related(
            "asking_organisation", "asking_unit", "consulted_organisation", "consulted_unit",
            "child",
        )
        .order_by("-asked_at", "-pk")
    )  # fmt: skip


def consultation_page_for(actor: Actor, *, box: str, page: object = 1) -> Page:
    """One page of the unit's consultations. Showing it is reading each: one audit row names
    the consultations, and the children of those linked."""
    box = box if box in (ASKED, RECEIVED) else RECEIVED
    purpose = rules.default_purpose(actor)
    with transaction.atomic():
        result = Paginator(consultations_of(actor, box), PAGE_SIZE).get_page(page)
        shown = list(result)
        if shown:
            audit.record_read(
                actor=actor, child_id=None, obj="consultation_list", obj_id=result.number,
                purpose=purpose, decision=rules.Decision(True, "list"),
                detail={
                    "box": box,
                    "consultation_ids": [c.pk for c in shown],
                    "child_ids": sorted({c.child_id for c in shown if c.child_id}),
                },
            )  # fmt: skip
    return result


def _decide(actor: Actor, consultation: Consultation, purpose: str) -> rules.Decision:
    if actor.role not in rules.CHILD_ROLES:
        return rules.DENIED
    if consultation.child_id is not None:
        return rules.decide(actor, consultation, purpose=purpose, category=consultation.category)
    if consultation.asking_unit_id == actor.unit.pk:
        return rules.Decision(True, AS_ASKER, {"consultation_id": consultation.pk})
    received = Consultation.objects.filter(pk=consultation.pk).filter(_received_by(actor))
    if received.exists():
        return rules.Decision(True, AS_CONSULTED, {"consultation_id": consultation.pk})
    return rules.DENIED


def _load(consultation_id: int, *, lock: bool = False) -> Consultation | None:
    consultations = Consultation.objects.select_related(
        "asked_by", "asking_organisation", "asking_unit", "consulted_organisation",
        "consulted_unit", "answered_by", "answered_by_unit", "child", "linked_by",
    )  # fmt: skip
    if lock:
        consultations = consultations.select_for_update(of=("self",))
    return consultations.filter(pk=consultation_id).first()


def consultation_for(actor: Actor, *, consultation_id: int) -> tuple[Consultation, rules.Decision]:
    """The consultation and why the actor may read it; audited, with the child once linked.
    Otherwise the attempt is audited and ConsultationNotFound raised. Call it outside a
    transaction: a denial's row must outlive the 404 that follows."""
    purpose = rules.default_purpose(actor)
    consultation = _load(consultation_id)
    decision = _decide(actor, consultation, purpose) if consultation else rules.DENIED
    child_id = consultation.child_id if consultation else None
    if not decision.allowed:
        audit.record_denied(
            actor=actor, child_id=child_id, obj="consultation", obj_id=consultation_id,
            purpose=purpose,
        )  # fmt: skip
        raise ConsultationNotFound(consultation_id)
    with transaction.atomic():
        audit.record_read(
            actor=actor, child_id=child_id, obj="consultation", obj_id=consultation.pk,
            purpose=purpose, decision=decision,
        )  # fmt: skip
    return consultation, decision


def consultation_for_change(
    actor: Actor, consultation_id: int
) -> tuple[Consultation, rules.Decision]:
    """The one door to change a consultation: the row locked and why the actor may act on it;
    ConsultationNotFound otherwise, the same for missing and forbidden. Call inside the
    change's transaction: the lock serialises two answers or two links."""
    consultation = _load(consultation_id, lock=True)
    purpose = rules.default_purpose(actor)
    decision = _decide(actor, consultation, purpose) if consultation else rules.DENIED
    if not decision.allowed:
        raise ConsultationNotFound(consultation_id)
    return consultation, decision


def is_asker(actor: Actor, consultation: Consultation) -> bool:
    return consultation.asking_unit_id == actor.unit.pk


def is_consulted(actor: Actor, consultation: Consultation) -> bool:
    """The actor's unit is the one asked, or one of the organisation asked as a whole."""
    if consultation.asking_unit_id == actor.unit.pk:
        return False
    if consultation.consulted_unit_id is not None:
        return consultation.consulted_unit_id == actor.unit.pk
    return consultation.consulted_organisation_id == actor.organisation.pk


def organisations_to_ask(actor: Actor) -> QuerySet[Organisation]:
    """The organisations of the actor's county that work with children, the actor's own left
    out: the directory's parties to a consultation, bounded by the county."""
    county = actor.organisation.principal.code[:2]
    return (
        Organisation.objects.filter(principal__code__startswith=county)
        .exclude(pk=actor.organisation.pk)
        .exclude(kind=Organisation.Kind.ADMINISTRATION)
        .order_by("name")
        if county
        else Organisation.objects.none()
    )


def units_to_ask(organisations: QuerySet[Organisation]) -> QuerySet[Unit]:
    return Unit.objects.filter(organisation__in=organisations).order_by("organisation_id", "name")


def covering_consents(child: Child, organisation: Organisation, category: str) -> list[int] | None:
    """The consents in force that let `organisation` receive the child's `category`
    information, by access's rule (for any purpose). None when no consent covers it. A legal
    ground does not count: KON-1 links a consultation only after consent."""
    return rules.consents_covering(child.pk, organisation).get(category)


def timeline_rows(actor: Actor, child: Child, purpose: str) -> QuerySet:
    """The child's timeline (issue 11, point 6): the consultations linked to the child that
    `access` lets the actor read, each for the asker's category."""
    linked = _readable(
        actor, Consultation.objects.filter(child=rules.child_param(child.pk)), purpose
    )
    return timeline.rows(linked, name="consultation", at="asked_at")


def timeline_records() -> QuerySet[Consultation]:
    return Consultation.objects.select_related(
        "asking_organisation", "asking_unit", "consulted_organisation"
    )


def describe_for_timeline(actor: Actor, c: Consultation) -> timeline.Entry:
    return timeline.Entry(
        at=c.asked_at,
        kind=_("Consultation"),
        title=_("%(unit)s consulted %(organisation)s")
        % {"unit": c.asking_unit.name, "organisation": c.consulted_organisation.name},
        organisation=c.asking_organisation.name,
        url=reverse("consultations:detail", args=[c.pk]),
        detail=pgettext("consultation", "answered") if c.answered else _("not answered yet"),
    )
