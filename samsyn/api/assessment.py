"""Assessments (bedömning, DOMAIN BBIC-1, RSF-1) over the API: the same selectors and services
as the assessment pages, so the same access rules decide and the same audit rows are written.

The BBIC areas keep the mark's Swedish names in `label` whatever the language asked for (the
triangle may not be translated); `area` is Samsyn's own code. A municipality without
Socialstyrelsen's licence gets versions with `bbic: false` and no areas: risk and protective
factors and the child's view only. An assessment the actor may not see answers 404 with the
body of a missing one; a stale lock_version is a 409; bad input a 422."""

from __future__ import annotations

import datetime
import functools
from enum import StrEnum
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Path, Query, Router, Schema, Status

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.access.models import Purpose
from samsyn.api import errors
from samsyn.api.auth import permitted
from samsyn.api.schemas import ERRORS, MAX_ID, NO_NUL, ConflictOut, RefOut, api_enum
from samsyn.assessment.models import Assessment, AssessmentVersion
from samsyn.assessment.selectors import assessments as selectors
from samsyn.assessment.services import assessments as services
from samsyn.assessment.triangle import AREAS, SIDES
from samsyn.children import selectors as children

router = Router(tags=["assessment"])

PERMISSION = "children.search"

AreaCode = StrEnum("AreaCode", {area.code.upper(): area.code for area in AREAS})  # type: ignore[misc]
SideCode = StrEnum("SideCode", {side.code.upper(): side.code for side in SIDES})  # type: ignore[misc]
AssessmentStatus = api_enum("AssessmentStatus", AssessmentVersion.Status)

Id = Annotated[int, Path(ge=1, le=MAX_ID)]
Number = Annotated[int, Path(ge=1, le=32767)]
PurposeQuery = Annotated[
    Purpose | None,
    Query(description="Why you read; defaults to your role's usual purpose. Audited."),
]
Text = functools.partial(Field, pattern=NO_NUL)


class AssessmentConflictOut(ConflictOut):
    current: VersionOut | None = Field(
        None, description="A stale save: the draft as the other person saved it."
    )


# --- shapes --------------------------------------------------------------------------------


class AreaOut(Schema):
    area: AreaCode
    side: SideCode
    label: str = Field(..., description="Socialstyrelsen's Swedish name, in every language.")
    rating: int | None = Field(..., description="The level's value (1–4); null: not assessed.")
    rating_label: str
    description: str


class VersionOut(Schema):
    assessment_id: int
    number: int
    status: AssessmentStatus
    bbic: bool = Field(..., description="Whether this version rates the BBIC triangle.")
    child_heard: bool
    child_view: str
    child_not_heard_reason: str
    summary: str
    created_at: datetime.datetime
    created_by: str
    saved_at: datetime.datetime
    finalised_at: datetime.datetime | None
    finalised_by: str | None
    lock_version: int
    areas: list[AreaOut] = Field(..., description="Every area of the triangle; empty if no BBIC.")
    risk_factors: list[str]
    protective_factors: list[str]
    missing_for_finalising: list[str] = Field(
        [], description="A draft: what it lacks before it may be finalised."
    )


AssessmentConflictOut.model_rebuild()


class VersionSummaryOut(Schema):
    number: int
    status: AssessmentStatus
    bbic: bool
    created_at: datetime.datetime
    created_by: str
    finalised_at: datetime.datetime | None


class AssessmentOut(Schema):
    id: int
    child_id: int
    organisation: RefOut
    unit: RefOut
    version_count: int
    latest_versions: list[VersionSummaryOut] = Field(..., description="Newest first, at most 5.")


class ChildAssessmentsOut(Schema):
    assessments: list[AssessmentOut]
    may_start: bool = Field(..., description="Whether you may start an assessment of the child.")
    bbic_licence: str | None = Field(
        ..., description="Your municipality's BBIC licence reference; null: no triangle offered."
    )


ERRORS_409: dict[int, Any] = {**ERRORS, 409: AssessmentConflictOut}


def _summary(version: AssessmentVersion) -> dict:
    return {
        "number": version.number, "status": version.status, "bbic": version.bbic,
        "created_at": version.created_at, "created_by": version.created_by.name,
        "finalised_at": version.finalised_at,
    }  # fmt: skip


def _version_out(assessment: Assessment, version: AssessmentVersion) -> dict:
    ratings = {rating.area: rating for rating in version.areas.all()}
    areas = []
    if version.bbic:
        for area in AREAS:
            rating = ratings.get(area.code)
            level = rating.level if rating else None
            areas.append(
                {
                    "area": area.code, "side": area.side, "label": area.label,
                    "rating": level.value if level else None,
                    "rating_label": level.display if level else _("not assessed"),
                    "description": rating.description if rating else "",
                }
            )  # fmt: skip
    factors = list(version.factors.all())
    return {
        "assessment_id": assessment.pk, "number": version.number, "status": version.status,
        "bbic": version.bbic, "child_heard": version.child_heard,
        "child_view": version.child_view,
        "child_not_heard_reason": version.child_not_heard_reason, "summary": version.summary,
        "created_at": version.created_at, "created_by": version.created_by.name,
        "saved_at": version.saved_at, "finalised_at": version.finalised_at,
        "finalised_by": version.finalised_by.name if version.finalised_by else None,
        "lock_version": version.lock_version, "areas": areas,
        "risk_factors": [f.name for f in factors if f.kind == "risk"],
        "protective_factors": [f.name for f in factors if f.kind == "protective"],
        "missing_for_finalising": (
            services.missing_for_finalising(version) if version.is_draft else []
        ),
    }  # fmt: skip


# --- errors --------------------------------------------------------------------------------


def _stale(stale: services.StaleAssessment) -> Status:
    current = stale.current
    return Status(
        409,
        {
            "detail": _(
                "Someone else saved the assessment since you read it. Their version is "
                "in current: merge your change and save again with its lock_version."
            ),
            "messages": [],
            "current": _version_out(current.assessment, current),
        },
    )


def _no_draft(_error: services.NoDraft) -> Status:
    return Status(
        409,
        {
            "detail": _(
                "There is no draft. A finalised version is never changed: start a new version."
            ),
            "messages": [],
        },
    )


def _incomplete(refused: services.AssessmentIncomplete) -> Status:
    return Status(
        409,
        {"detail": _("The version cannot be finalised yet."), "messages": refused.messages},
    )


_refusals = errors.refusals(
    gettext_lazy("Your organisation may not write this assessment."),
    (services.StaleAssessment, _stale),
    (services.NoDraft, _no_draft),
    (services.AssessmentIncomplete, _incomplete),
)


def _actor(request: HttpRequest) -> Actor:
    return permitted(request, PERMISSION)


def _open(request: HttpRequest, assessment_id: int, purpose: str | None, obj: str) -> Assessment:
    actor = _actor(request)
    return selectors.assessment_for(
        actor, assessment_id=assessment_id, purpose=purpose or rules.default_purpose(actor),
        obj=obj,
    )[0]  # fmt: skip


# --- operations ----------------------------------------------------------------------------


@router.get(
    "/children/{child_id}", response={200: ChildAssessmentsOut, **ERRORS},
    summary="A child's assessments that you may see",
)  # fmt: skip
@_refusals
def child_assessments(request: HttpRequest, child_id: Id, purpose: PurposeQuery = None):
    """Each with its latest versions; read and audited as the child's page reads them."""
    actor = _actor(request)
    purpose = purpose or rules.default_purpose(actor)
    child, _decision = children.opened_child(
        actor, child_id=child_id, purpose=purpose, obj="assessment_list"
    )
    found = children.section_of_child(
        actor, child, selectors.assessments_section(actor, purpose=purpose)
    )
    return {
        "assessments": [
            {
                "id": a.pk, "child_id": a.child_id,
                "organisation": {"id": a.organisation.pk, "name": a.organisation.name},
                "unit": {"id": a.unit.pk, "name": a.unit.name},
                "version_count": a.version_count,
                "latest_versions": [_summary(v) for v in a.latest],
            }
            for a in found.assessments
        ],
        "may_start": found.may_start,
        "bbic_licence": found.licence.reference if found.licence else None,
    }  # fmt: skip


@router.get(
    "/{assessment_id}/versions/{number}", response={200: VersionOut, **ERRORS},
    summary="One version of an assessment",
)  # fmt: skip
@_refusals
def version(request: HttpRequest, assessment_id: Id, number: Number, purpose: PurposeQuery = None):
    assessment = _open(request, assessment_id, purpose, "assessment_version")
    return _version_out(assessment, selectors.version_of(assessment, number))


class StartIn(Schema):
    child_id: int = Field(..., ge=1, le=MAX_ID)


@router.post(
    "/start", response={200: VersionOut, **ERRORS_409},
    summary="Start an assessment of a child, or its next version (the draft)",
)  # fmt: skip
@_refusals
def start(request: HttpRequest, payload: StartIn):
    """Returns the draft; an existing draft is returned as it is. Whether it rates the BBIC
    triangle follows your municipality's licence."""
    actor = _actor(request)
    _child, decision = children.opened_child(
        actor, child_id=payload.child_id, purpose=services.PURPOSE, obj="assessment"
    )
    assessment = services.start_assessment(
        actor=actor, child_id=payload.child_id, decision=decision
    )
    draft = selectors.draft_of(assessment)
    assert draft is not None  # noqa: S101 - start leaves a draft
    return _version_out(assessment, draft)


class RatingIn(Schema):
    area: AreaCode
    rating: int | None = Field(None, ge=1, le=9, description="A level's value; null: not assessed.")
    description: str = Text("", max_length=4000)


class DraftIn(Schema):
    lock_version: int = Field(..., ge=1, description="The draft's `lock_version` as you read it.")
    child_heard: bool
    child_view: str = Text("", max_length=8000)
    child_not_heard_reason: str = Text("", max_length=2000)
    summary: str = Text("", max_length=8000)
    ratings: list[RatingIn] = Field([], max_length=len(AREAS))
    risk_factors: list[Annotated[str, Text(max_length=200)]] = Field(
        [], max_length=services.MAX_FACTORS
    )
    protective_factors: list[Annotated[str, Text(max_length=200)]] = Field(
        [], max_length=services.MAX_FACTORS
    )


@router.put(
    "/{assessment_id}/draft", response={200: VersionOut, **ERRORS_409},
    summary="Save the draft (optimistic locking: a stale lock_version is a 409)",
)  # fmt: skip
@_refusals
def save_draft(request: HttpRequest, assessment_id: Id, payload: DraftIn):
    assessment = _open(request, assessment_id, services.PURPOSE, "assessment")
    services.save_draft(
        actor=request.auth, assessment_id=assessment_id, lock_version=payload.lock_version,
        data=services.DraftInput(
            child_heard=payload.child_heard, child_view=payload.child_view,
            child_not_heard_reason=payload.child_not_heard_reason, summary=payload.summary,
            ratings=tuple((str(r.area), r.rating, r.description) for r in payload.ratings),
            risk_factors=tuple(payload.risk_factors),
            protective_factors=tuple(payload.protective_factors),
        ),
    )  # fmt: skip
    draft = selectors.draft_of(assessment)
    assert draft is not None  # noqa: S101 - the save keeps the draft
    return _version_out(assessment, draft)


class AssessmentFinaliseIn(Schema):
    lock_version: int = Field(..., ge=1, description="The draft's `lock_version` as you read it.")


@router.post(
    "/{assessment_id}/draft/finalise", response={200: VersionOut, **ERRORS_409},
    summary="Finalise the draft: from then on it is history, never changed",
)  # fmt: skip
@_refusals
def finalise(request: HttpRequest, assessment_id: Id, payload: AssessmentFinaliseIn):
    assessment = _open(request, assessment_id, services.PURPOSE, "assessment")
    final = services.finalise_version(
        actor=request.auth, assessment_id=assessment_id, lock_version=payload.lock_version
    )
    return _version_out(assessment, selectors.version_of(assessment, final.number))
