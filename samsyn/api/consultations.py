"""Anonymous case consultations over the API (DOMAIN KON-1): the same selectors and services as
the consultation pages, so the same access rules decide and the same audit rows are written.

A consultation the actor may not see answers 404 with the body of a missing one. A step the
rules refuse — text that looks like an identity number, a link without a consent that covers
the consulted organisation, a second answer — is a 400 naming why; malformed input is a 422.
"""

from __future__ import annotations

import datetime
from enum import StrEnum
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Path, Query, Router, Schema, Status

from samsyn.access.actor import Actor
from samsyn.api import errors
from samsyn.api.auth import permitted
from samsyn.api.pagination import PageOut, page_out
from samsyn.api.schemas import ERRORS, MAX_ID, NO_NUL, RefOut, RefusedOut, api_enum
from samsyn.consultations import selectors, services
from samsyn.consultations.models import Consultation

router = Router(tags=["consultations"])

PERMISSION = "consultations.work"

AgeBand = api_enum("AgeBand", Consultation.AgeBand)
ConsultationId = Annotated[int, Path(ge=1, le=MAX_ID)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


CONSULTATION_ERRORS: dict[int, Any] = {**ERRORS, 400: RefusedOut}


_refusals = errors.refusals(
    gettext_lazy("Your unit may not take this step."),
    (ValidationError, errors.refused(gettext_lazy("The consultation does not allow this step."))),
)


def _actor(request: HttpRequest) -> Actor:
    return permitted(request, PERMISSION)


class ConsultationOut(Schema):
    id: int
    asked_at: datetime.datetime
    asked_by: RefOut
    asking_organisation: RefOut
    asking_unit: RefOut
    consulted_organisation: RefOut
    consulted_unit: RefOut | None = Field(
        ..., description="None: asked of the whole organisation; any of its units may answer."
    )
    age_band: AgeBand
    question: str
    situation: str
    answer: str
    answered_at: datetime.datetime | None
    answered_by: RefOut | None
    answered_by_unit: RefOut | None
    child: RefOut | None = Field(
        ..., description="Set only once the asking unit linked it, after consent (KON-1)."
    )
    linked_at: datetime.datetime | None
    not_a_report_of_concern: str = Field(
        ..., description="A consultation never fulfils the duty to report (SoL 19 kap. 1 §)."
    )


class ConsultationPageOut(PageOut):
    items: list[ConsultationOut]


def _ref(obj) -> dict | None:
    return None if obj is None else {"id": obj.pk, "name": getattr(obj, "name", str(obj))}


def _out(c: Consultation) -> dict:
    return {
        "id": c.pk, "asked_at": c.asked_at, "asked_by": _ref(c.asked_by),
        "asking_organisation": _ref(c.asking_organisation), "asking_unit": _ref(c.asking_unit),
        "consulted_organisation": _ref(c.consulted_organisation),
        "consulted_unit": _ref(c.consulted_unit), "age_band": c.age_band,
        "question": c.question, "situation": c.situation, "answer": c.answer,
        "answered_at": c.answered_at, "answered_by": _ref(c.answered_by),
        "answered_by_unit": _ref(c.answered_by_unit), "child": _ref(c.child),
        "linked_at": c.linked_at,
        "not_a_report_of_concern": _(
            "A consultation never fulfils the duty to report. If you know or suspect that a "
            "child is being harmed, report it to social services at once (SoL 2025:400 19 "
            "kap. 1 §)."
        ),
    }  # fmt: skip


def _read(actor: Actor, consultation_id: int) -> dict:
    return _out(selectors.consultation_for(actor, consultation_id=consultation_id)[0])


class ConsultationIn(Schema):
    consulted_organisation_id: Id = Field(
        ..., description="An organisation of your county from the directory."
    )
    consulted_unit_id: Id | None = Field(
        None, description="One of its units; leave out to ask the whole organisation."
    )
    age_band: AgeBand
    question: str = Field(
        ..., min_length=1, max_length=Consultation.QUESTION_LENGTH, pattern=NO_NUL
    )
    situation: str = Field(
        ..., min_length=1, max_length=Consultation.SITUATION_LENGTH, pattern=NO_NUL,
        description="Non-identifying facts only: no name, identity number or address.",
    )  # fmt: skip


@router.post(
    "", response={200: ConsultationOut, **CONSULTATION_ERRORS},
    summary="Ask another organisation for a consultation, naming no child",
)  # fmt: skip
@_refusals
def consultation_ask(request: HttpRequest, payload: ConsultationIn):
    actor = _actor(request)
    consultation = services.ask_consultation(
        actor=actor, consulted_organisation_id=payload.consulted_organisation_id,
        consulted_unit_id=payload.consulted_unit_id, age_band=payload.age_band,
        question=payload.question, situation=payload.situation,
    )  # fmt: skip
    return Status(200, _read(actor, consultation.pk))


class ConsultationBox(StrEnum):
    asked = selectors.ASKED
    received = selectors.RECEIVED


PageQuery = Annotated[int, Query(ge=1, le=100_000, description="Pages of 25 consultations.")]


@router.get(
    "", response={200: ConsultationPageOut, **CONSULTATION_ERRORS},
    summary="Your unit's consultations, asked or received",
)  # fmt: skip
@_refusals
def consultation_list(
    request: HttpRequest,
    box: Annotated[
        ConsultationBox, Query(description="asked: by your unit; received: of it")
    ] = ConsultationBox.received,
    page: PageQuery = 1,
) -> dict:
    """Newest first. Listing them is reading them: one audit row names the page's
    consultations, and the children of those linked."""
    result = selectors.consultation_page_for(_actor(request), box=box.value, page=page)
    return page_out(result, (_out(c) for c in result))


@router.get(
    "/{consultation_id}", response={200: ConsultationOut, **CONSULTATION_ERRORS},
    summary="One consultation",
)  # fmt: skip
@_refusals
def consultation_detail(request: HttpRequest, consultation_id: ConsultationId) -> dict:
    """Audited; once linked to a child, as a read of the child's data."""
    return _read(_actor(request), consultation_id)


class AnswerIn(Schema):
    answer: str = Field(..., min_length=1, max_length=Consultation.ANSWER_LENGTH, pattern=NO_NUL)


@router.post(
    "/{consultation_id}/answer", response={200: ConsultationOut, **CONSULTATION_ERRORS},
    summary="Answer a consultation asked of your unit or organisation (once)",
)  # fmt: skip
@_refusals
def consultation_answer(request: HttpRequest, consultation_id: ConsultationId, payload: AnswerIn):
    actor = _actor(request)
    selectors.consultation_for(actor, consultation_id=consultation_id)
    services.answer_consultation(
        actor=actor, consultation_id=consultation_id, answer=payload.answer
    )
    return Status(200, _read(actor, consultation_id))


class LinkIn(Schema):
    identity_number: str = Field(
        ..., min_length=1, max_length=20, pattern=NO_NUL,
        description="The identity number of a child your unit works with.",
    )  # fmt: skip


@router.post(
    "/{consultation_id}/link", response={200: ConsultationOut, **CONSULTATION_ERRORS},
    summary="Link your unit's consultation to a child, after consent (KON-1)",
)  # fmt: skip
@_refusals
def consultation_link(request: HttpRequest, consultation_id: ConsultationId, payload: LinkIn):
    """Only the asking unit, only for a child it works with, and only when a consent in force
    covers the consulted organisation for the asker's information category. Audited with the
    child; from then on every read of the consultation is a read of the child's data."""
    actor = _actor(request)
    selectors.consultation_for(actor, consultation_id=consultation_id)
    services.link_consultation(
        actor=actor, consultation_id=consultation_id, identity_number=payload.identity_number
    )
    return Status(200, _read(actor, consultation_id))
