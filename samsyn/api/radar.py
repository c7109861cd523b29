"""The radar over the API (issue 11): the queue — the actor's own, or for a unit manager the
unit's with the caseload per worker — one signal, and dismissing a signal with a reason. The
same selectors and services as the radar's pages, so the same access decides (a signal opens
only to a unit of its organisation with a relationship to the child) and the same audit rows
are written.

A signal the actor may not read answers 404 like a missing one, and the attempt is logged; a
role that does not work with children is 403; a reason left empty is 422.
"""

from __future__ import annotations

import datetime
from enum import StrEnum
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy
from ninja import Field, Path, Query, Router, Schema, Status

from samsyn.access.actor import Actor
from samsyn.api import errors
from samsyn.api.auth import permitted
from samsyn.api.pagination import PageOut, page_out
from samsyn.api.schemas import ERRORS, MAX_ID, NO_NUL, RefOut, api_enum
from samsyn.radar.models import Signal
from samsyn.radar.selectors import queue as selectors
from samsyn.radar.services import signals as services

router = Router(tags=["radar"])

SignalId = Annotated[int, Path(ge=1, le=MAX_ID)]
PageQuery = Annotated[int, Query(ge=1, le=100_000, description="Pages of 25 signals.")]
SignalSubject = api_enum("SignalSubject", Signal.Subject)

READ: dict[int, Any] = {**ERRORS}


class Scope(StrEnum):
    mine = "mine"
    unit = "unit"


class State(StrEnum):
    open = "open"
    resolved = "resolved"
    dismissed = "dismissed"


_refusals = errors.refusals(gettext_lazy("Your role does not work with the radar."))


def _actor(request: HttpRequest) -> Actor:
    return permitted(request, services.PERMISSION)


class RuleOut(Schema):
    code: str = Field(..., description="The rule's ID in DOMAIN.md §7 (RAD-1…RAD-8).")
    name: str
    description: str
    reference: str
    threshold_days: int


class SubjectOut(Schema):
    type: SignalSubject
    id: int
    url: str = Field(..., description="The page where the record is acted on.")


class SignalOut(Schema):
    id: int
    rule: RuleOut
    child: RefOut | None = Field(
        ..., description="None for a report of concern not yet linked to a child."
    )
    subject: SubjectOut
    organisation: RefOut = Field(..., description="The organisation that must act.")
    unit: RefOut | None
    staff: RefOut | None = Field(..., description="The person who must act, where one is named.")
    due_on: datetime.date
    days_overdue: int
    found_at: datetime.datetime
    level: int = Field(..., description="How far up the region's ladder it has escalated.")
    state: State
    dismissed_at: datetime.datetime | None
    dismissed_reason: str


class CaseloadOut(Schema):
    staff: RefOut
    children: int = Field(..., description="Children the worker holds today.")
    signals: int = Field(..., description="Open signals naming the worker.")


class QueueOut(PageOut):
    scope: Scope = Field(..., description="unit: only for a unit manager; otherwise mine.")
    items: list[SignalOut]
    caseload: list[CaseloadOut] = Field(
        ..., description="For a unit manager's unit queue: counts per worker, no child."
    )


def _ref(obj) -> dict | None:
    return None if obj is None else {"id": obj.pk, "name": obj.name}


def _state(signal: Signal) -> State:
    if signal.dismissed_at:
        return State.dismissed
    return State.resolved if signal.cleared_at else State.open


def _out(signal: Signal, url: str) -> dict:
    rule = signal.rule
    return {
        "id": signal.pk,
        "rule": {
            "code": rule.code, "name": rule.name, "description": rule.description,
            "reference": rule.reference, "threshold_days": rule.threshold_days,
        },
        "child": _ref(signal.child),
        "subject": {"type": signal.subject_type, "id": signal.subject_id, "url": url},
        "organisation": _ref(signal.organisation), "unit": _ref(signal.unit),
        "staff": _ref(signal.staff), "due_on": signal.due_on,
        "days_overdue": max(0, (timezone.localdate() - signal.due_on).days),
        "found_at": signal.found_at, "level": signal.level, "state": _state(signal),
        "dismissed_at": signal.dismissed_at, "dismissed_reason": signal.dismissed_reason,
    }  # fmt: skip


def _one(actor: Actor, signal: Signal) -> dict:
    return _out(signal, selectors.subject_url(signal, actor))


@router.get(
    "/queue", response={200: QueueOut, **READ},
    summary="Your radar queue, or for a unit manager the unit's",
)  # fmt: skip
@_refusals
def radar_queue(
    request: HttpRequest,
    scope: Annotated[Scope, Query(description="unit: the unit's (unit managers)")] = Scope.mine,
    page: PageQuery = 1,
) -> dict:
    """Earliest due first, most escalated first among equals. Listing is reading: one audit
    row names the page's signals and their children."""
    queue = selectors.queue_for(_actor(request), scope=scope.value, page=page)
    return {
        "scope": queue.scope,
        **page_out(queue.page, (_out(row.signal, row.url) for row in queue.rows)),
        "caseload": [
            {"staff": _ref(row["staff"]), "children": row["children"], "signals": row["signals"]}
            for row in queue.caseload
        ],
    }  # fmt: skip


@router.get("/signals/{signal_id}", response={200: SignalOut, **READ}, summary="One open signal")
@_refusals
def radar_signal(request: HttpRequest, signal_id: SignalId) -> dict:
    """Audited as a read of the child's data; another organisation's signal, or one about a
    child the unit has no relationship with, is 404 and the attempt is logged."""
    actor = _actor(request)
    return _one(actor, selectors.signal_page_for(actor, signal_id))


class DismissIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000, pattern=NO_NUL)


@router.post(
    "/signals/{signal_id}/dismiss", response={200: SignalOut, **READ},
    summary="Dismiss a signal with the reason it needs no action",
)  # fmt: skip
@_refusals
def radar_dismiss(request: HttpRequest, signal_id: SignalId, payload: DismissIn):
    """The signal leaves the queues and stays dismissed while its pattern lasts; the reason,
    who and when are kept with it and logged."""
    actor = _actor(request)
    signal = services.dismiss(actor=actor, signal_id=signal_id, reason=payload.reason)
    return Status(200, _one(actor, signal))
