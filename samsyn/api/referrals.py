"""Referrals over the API (issue 11, point 0): the same selectors and services as the referral
pages, so the same access rules decide and the same audit rows are written.

A referral, or a child, the actor may not see answers 404 with the body of a missing one; a
step only the other side of the referral takes is a 403. A step the rules refuse — no ground
for the receiver, a second answer, a decline without a reason — is a 400 naming why;
malformed input is a 422.
"""

from __future__ import annotations

import datetime
from enum import StrEnum
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy
from ninja import Field, Path, Query, Router, Schema, Status

from samsyn.access.actor import Actor
from samsyn.api import errors
from samsyn.api.auth import permitted
from samsyn.api.pagination import PageOut, page_out
from samsyn.api.schemas import ERRORS, MAX_ID, NO_NUL, RefOut, RefusedOut, api_enum
from samsyn.referrals import selectors, services
from samsyn.referrals.models import Referral

router = Router(tags=["referrals"])

PERMISSION = "referrals.work"

ReferralStatus = api_enum("ReferralStatus", Referral.Status)
ReferralId = Annotated[int, Path(ge=1, le=MAX_ID)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


REFERRAL_ERRORS: dict[int, Any] = {**ERRORS, 400: RefusedOut}


_refusals = errors.refusals(
    gettext_lazy("Only the other side of the referral takes this step."),
    (ValidationError, errors.refused(gettext_lazy("The referral does not allow this step."))),
)


def _actor(request: HttpRequest) -> Actor:
    return permitted(request, PERMISSION)


class ReferralOut(Schema):
    id: int
    child: RefOut
    from_organisation: RefOut
    from_unit: RefOut
    sent_by: RefOut
    sent_at: datetime.datetime
    to_organisation: RefOut
    to_unit: RefOut
    effort: str = Field(..., description="The effort the receiver is asked to take on.")
    reason: str
    sent_under: str = Field(
        ..., description="The legal reference of the ground it was sent under, or 'consent'."
    )
    status: ReferralStatus
    answered_at: datetime.datetime | None
    answered_by: RefOut | None
    decline_reason: str
    next_step: str = Field(..., description="The next step agreed after a decline; '' if none.")
    bounced: bool = Field(..., description="Declined with no agreed next step (RAD-8).")
    withdrawn_at: datetime.datetime | None


class ReferralPageOut(PageOut):
    items: list[ReferralOut]


def _ref(obj) -> dict | None:
    return None if obj is None else {"id": obj.pk, "name": getattr(obj, "name", str(obj))}


def _out(r: Referral) -> dict:
    return {
        "id": r.pk, "child": _ref(r.child), "from_organisation": _ref(r.from_organisation),
        "from_unit": _ref(r.from_unit), "sent_by": _ref(r.sent_by), "sent_at": r.sent_at,
        "to_organisation": _ref(r.to_organisation), "to_unit": _ref(r.to_unit),
        "effort": r.effort, "reason": r.reason,
        "sent_under": r.legal_ground.basis.reference if r.legal_ground else "consent",
        "status": r.status, "answered_at": r.answered_at, "answered_by": _ref(r.answered_by),
        "decline_reason": r.decline_reason, "next_step": r.next_step, "bounced": r.bounced,
        "withdrawn_at": r.withdrawn_at,
    }  # fmt: skip


def _read(actor: Actor, referral_id: int) -> dict:
    return _out(selectors.referral_for(actor, referral_id=referral_id)[0])


class ReferralIn(Schema):
    child_id: Id = Field(..., description="A child your unit works with.")
    to_unit_id: Id = Field(
        ..., description="A unit of another organisation of your county, from the directory."
    )
    effort: str = Field(
        ..., min_length=1, max_length=Referral.EFFORT_LENGTH, pattern=NO_NUL,
        description="The effort you ask the receiver to take on.",
    )  # fmt: skip
    reason: str = Field(..., min_length=1, max_length=Referral.REASON_LENGTH, pattern=NO_NUL)
    legal_basis_id: Id | None = Field(
        None,
        description=(
            "The legal basis (OSL) the referral is sent under, recorded as a legal ground with "
            "it; leave out to send under a consent in force that covers the receiver."
        ),
    )


@router.post(
    "", response={200: ReferralOut, **REFERRAL_ERRORS},
    summary="Refer a child to another organisation",
)  # fmt: skip
@_refusals
def referral_send(request: HttpRequest, payload: ReferralIn):
    actor = _actor(request)
    referral = services.send_referral(
        actor=actor, child_id=payload.child_id, to_unit_id=payload.to_unit_id,
        reason=payload.reason, effort=payload.effort, basis_id=payload.legal_basis_id,
    )  # fmt: skip
    return Status(200, _read(actor, referral.pk))


class ReferralBox(StrEnum):
    incoming = selectors.INCOMING
    outgoing = selectors.OUTGOING


PageQuery = Annotated[int, Query(ge=1, le=100_000, description="Pages of 25 referrals.")]


@router.get(
    "", response={200: ReferralPageOut, **REFERRAL_ERRORS},
    summary="Your unit's referrals, received or sent",
)  # fmt: skip
@_refusals
def referral_list(
    request: HttpRequest,
    box: Annotated[ReferralBox, Query(description="incoming: to your unit; outgoing: from it")] = (
        ReferralBox.incoming
    ),
    page: PageQuery = 1,
) -> dict:
    """Newest first. Listing them is reading them: one audit row names the page's referrals
    and their children."""
    result = selectors.referral_page_for(_actor(request), box=box.value, page=page)
    return page_out(result, (_out(r) for r in result))


@router.get(
    "/{referral_id}", response={200: ReferralOut, **REFERRAL_ERRORS}, summary="One referral"
)
@_refusals
def referral_detail(request: HttpRequest, referral_id: ReferralId) -> dict:
    """Audited as a read of the child's data."""
    return _read(_actor(request), referral_id)


@router.post(
    "/{referral_id}/accept", response={200: ReferralOut, **REFERRAL_ERRORS},
    summary="Accept a referral to your unit: the unit takes on the effort",
)  # fmt: skip
@_refusals
def referral_accept(request: HttpRequest, referral_id: ReferralId):
    actor = _actor(request)
    services.accept_referral(actor=actor, referral_id=referral_id)
    return Status(200, _read(actor, referral_id))


class DeclineIn(Schema):
    reason: str = Field(..., min_length=1, max_length=Referral.ANSWER_LENGTH, pattern=NO_NUL)
    next_step: str = Field(
        "", max_length=Referral.ANSWER_LENGTH, pattern=NO_NUL,
        description="The next step agreed with the sender; leave out if none (RAD-8).",
    )  # fmt: skip


@router.post(
    "/{referral_id}/decline", response={200: ReferralOut, **REFERRAL_ERRORS},
    summary="Decline a referral to your unit, with the reason and any agreed next step",
)  # fmt: skip
@_refusals
def referral_decline(request: HttpRequest, referral_id: ReferralId, payload: DeclineIn):
    actor = _actor(request)
    services.decline_referral(
        actor=actor, referral_id=referral_id, reason=payload.reason, next_step=payload.next_step
    )
    return Status(200, _read(actor, referral_id))


class NextStepIn(Schema):
    next_step: str = Field(..., min_length=1, max_length=Referral.ANSWER_LENGTH, pattern=NO_NUL)


@router.post(
    "/{referral_id}/next-step", response={200: ReferralOut, **REFERRAL_ERRORS},
    summary="Record the next step agreed after a decline that had none",
)  # fmt: skip
@_refusals
def referral_next_step(request: HttpRequest, referral_id: ReferralId, payload: NextStepIn):
    actor = _actor(request)
    services.agree_next_step(actor=actor, referral_id=referral_id, next_step=payload.next_step)
    return Status(200, _read(actor, referral_id))


@router.post(
    "/{referral_id}/withdraw", response={200: ReferralOut, **REFERRAL_ERRORS},
    summary="Withdraw a referral your unit sent and nobody has answered",
)  # fmt: skip
@_refusals
def referral_withdraw(request: HttpRequest, referral_id: ReferralId):
    actor = _actor(request)
    services.withdraw_referral(actor=actor, referral_id=referral_id)
    return Status(200, _read(actor, referral_id))
