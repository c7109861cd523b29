"""Intake of reports of concern over the API: the same selectors and services as intake's pages,
so the same access rules decide and the same audit rows are written (DOMAIN ANM-3…ANM-7).

A report or investigation the actor may not see answers 404 with the body of a missing one; a
step the actor's unit may not take is 403; a stale `version` is 409 with the current version; a
refusal by the rules (feedback before the decision, "already under way" with nothing under way)
is 422 naming why; a body that is not JSON is 400.
"""

from __future__ import annotations

import datetime
import functools
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy
from ninja import Field, Path, Query, Router, Schema, Status

from samsyn.access.actor import Actor
from samsyn.api import errors
from samsyn.api.auth import permitted
from samsyn.api.pagination import PageOut, page_out
from samsyn.api.schemas import ERRORS, MAX_ID, NO_NUL, ConflictOut, ErrorOut, RefOut, api_enum
from samsyn.concerns.models import InitialAssessment, Investigation, MeetingOffer, Report
from samsyn.concerns.selectors import deadlines as dl
from samsyn.concerns.selectors import intake as selectors
from samsyn.concerns.services import intake as services

router = Router(tags=["concerns"])

PERMISSION = "concerns.intake"

ReportDecision = api_enum("ReportDecision", InitialAssessment.Decision)
ReporterKind = api_enum("ReporterKind", Report.ReporterKind)
ReporterCategory = api_enum("ReporterCategory", Report.ReporterCategory)
ReportUrgency = api_enum("ReportUrgency", Report.Urgency)
MeetingAnswer = api_enum("MeetingAnswer", MeetingOffer.Answer)

ReportId = Annotated[int, Path(ge=1, le=MAX_ID)]
InvestigationId = Annotated[int, Path(ge=1, le=MAX_ID)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Text = functools.partial(Field, pattern=NO_NUL)
Version = Annotated[int, Field(ge=1, le=2**31 - 1, description="The version you read.")]


class StaleOut(ConflictOut):
    version: int = Field(..., description="The record's version now: read it again.")


READ: dict[int, Any] = {**ERRORS}
CHANGE: dict[int, Any] = {**ERRORS, 400: ErrorOut, 409: StaleOut}


# --- errors --------------------------------------------------------------------------------


def _stale(stale: services.StaleReport | services.StaleInvestigation) -> Status:
    return Status(409, {"detail": stale.messages[0], "messages": [], "version": stale.current})


_refusals = errors.refusals(
    gettext_lazy("Your unit does not take this step on this record."),
    ((services.StaleReport, services.StaleInvestigation), _stale),
)


def _actor(request: HttpRequest) -> Actor:
    return permitted(request, PERMISSION)


# --- shapes --------------------------------------------------------------------------------


class IntakeStepOut(Schema):
    code: str
    name: str
    due: datetime.date | None = Field(..., description="None: due only after the decision.")
    rule: str = Field(..., description="The rule's period and legal reference.")
    done: bool
    overdue: bool
    days_late: int
    at_once: bool = Field(..., description="Feedback due the same day (ANM-6).")
    extended: bool


class QueueItemOut(Schema):
    id: int
    reference: str
    received_at: datetime.datetime
    urgency: ReportUrgency
    child: RefOut | None = Field(..., description="None until linked to a child.")
    given_name: str
    state: str
    next: IntakeStepOut | None
    steps: list[IntakeStepOut]


class QueuePageOut(PageOut):
    items: list[QueueItemOut]


class ProtectionOut(Schema):
    immediate_protection_needed: bool
    assessment: str
    decided_by: RefOut
    decided_at: datetime.datetime


class InitialAssessmentOut(Schema):
    decision: ReportDecision | None
    reasons: str
    decided_at: datetime.datetime | None
    investigation_id: int | None
    extended_until: datetime.date | None
    extension_reason: str


class IntakeFeedbackOut(Schema):
    answer: ReportDecision
    given_at: datetime.datetime


class MeetingOfferOut(Schema):
    offered_at: datetime.datetime
    answer: MeetingAnswer
    answered_at: datetime.datetime | None
    note: str


class HistoryOut(Schema):
    id: int
    reference: str
    received_at: datetime.datetime
    reporter_category: ReporterCategory
    decision: ReportDecision | None


class IntakeReportOut(Schema):
    id: int
    reference: str
    version: int = Field(..., description="Send it back with every step: a stale one is 409.")
    received_at: datetime.datetime
    reporter_kind: ReporterKind
    reporter_category: ReporterCategory
    anonymous: bool
    reporter_name: str = Field(..., description="Blank for an anonymous report.")
    reporter_phone: str
    reporter_email: str
    reporter_unit: RefOut | None
    child: RefOut | None
    given_identity_number: str
    given_name: str
    given_address: str
    what_seen: str
    urgency: ReportUrgency
    feedback_requested_at: datetime.datetime | None
    state: str
    steps: list[IntakeStepOut]
    protection: ProtectionOut | None
    initial_assessment: InitialAssessmentOut | None
    feedback: IntakeFeedbackOut | None
    meeting_offer: MeetingOfferOut | None
    history: list[HistoryOut] = Field(..., description="Other reports about the same child.")


class CandidateOut(Schema):
    id: int
    name: str
    birth_year: int
    address: str = Field(..., description="Blank for a protected identity.")
    exact: bool = Field(..., description="Found by the exact identity number.")


class InvestigationOut(Schema):
    id: int
    version: int
    child: RefOut
    unit: RefOut
    caseworker: RefOut | None
    opened_on: datetime.date
    extended_until: datetime.date | None
    extension_reason: str
    finished_on: datetime.date | None
    outcome: str
    step: IntakeStepOut | None
    report_ids: list[int]


def _ref(obj) -> dict | None:
    return None if obj is None else {"id": obj.pk, "name": getattr(obj, "name", str(obj))}


def _step(step: dl.Step | None) -> dict | None:
    return None if step is None else {**step.__dict__, "code": str(step.code)}


def _one(report: Report, name: str):
    return getattr(report, name) if dl.has_one(report, name) else None


def _report_out(view: selectors.ReportView) -> dict:
    report = view.report
    protection = _one(report, "protection")
    assessment = view.assessment
    feedback = _one(report, "feedback")
    offer = _one(report, "meeting_offer")
    anonymous = report.anonymous
    return {
        "id": report.pk, "reference": report.reference, "version": report.version,
        "received_at": report.received_at, "reporter_kind": report.reporter_kind,
        "reporter_category": report.reporter_category, "anonymous": anonymous,
        "reporter_name": "" if anonymous else report.reporter_name,
        "reporter_phone": "" if anonymous else report.reporter_phone,
        "reporter_email": "" if anonymous else report.reporter_email,
        "reporter_unit": _ref(report.reporter_unit), "child": _ref(report.child),
        "given_identity_number": report.given_identity_number,
        "given_name": report.given_name, "given_address": report.given_address,
        "what_seen": report.what_seen, "urgency": report.urgency,
        "feedback_requested_at": report.feedback_requested_at, "state": view.state,
        "steps": [_step(step) for step in view.steps],
        "protection": protection and {
            "immediate_protection_needed": protection.immediate_protection_needed,
            "assessment": protection.assessment, "decided_by": _ref(protection.decided_by),
            "decided_at": protection.decided_at,
        },
        "initial_assessment": assessment and {
            "decision": assessment.decision or None, "reasons": assessment.reasons,
            "decided_at": assessment.decided_at,
            "investigation_id": assessment.investigation_id,
            "extended_until": assessment.extended_until,
            "extension_reason": assessment.extension_reason,
        },
        "feedback": feedback and {"answer": feedback.answer, "given_at": feedback.given_at},
        "meeting_offer": offer and {
            "offered_at": offer.offered_at, "answer": offer.answer,
            "answered_at": offer.answered_at, "note": offer.note,
        },
        "history": [
            {"id": other.pk, "reference": other.reference, "received_at": other.received_at,
             "reporter_category": other.reporter_category,
             "decision": (a.decision or None) if (a := dl.assessment_of(other)) else None}
            for other in view.history
        ],
    }  # fmt: skip


def _report(request: HttpRequest, report_id: int) -> dict:
    return _report_out(selectors.report_page_for(_actor(request), report_id=report_id))


def _investigation_out(investigation: Investigation, report_ids: list[int]) -> dict:
    return {
        "id": investigation.pk, "version": investigation.version,
        "child": _ref(investigation.child), "unit": _ref(investigation.unit),
        "caseworker": _ref(investigation.caseworker), "opened_on": investigation.opened_on,
        "extended_until": investigation.extended_until,
        "extension_reason": investigation.extension_reason,
        "finished_on": investigation.finished_on, "outcome": investigation.outcome,
        "step": _step(dl.investigation_step(investigation)), "report_ids": report_ids,
    }  # fmt: skip


def _investigation(request: HttpRequest, investigation_id: int) -> dict:
    investigation, _decision, reports = selectors.investigation_for(
        _actor(request), investigation_id=investigation_id
    )
    return _investigation_out(investigation, [r.pk for r in reports])


# --- the queue and one report --------------------------------------------------------------

PageQuery = Annotated[int, Query(ge=1, le=100_000, description="Pages of 25 reports.")]


@router.get(
    "/intake", response={200: QueuePageOut, **READ},
    summary="Your intake unit's queue of reports of concern",
)  # fmt: skip
@_refusals
def intake_queue(
    request: HttpRequest,
    overdue: Annotated[bool, Query(description="Only reports with a step overdue")] = False,
    unlinked: Annotated[bool, Query(description="Only reports not linked to a child")] = False,
    acute: Annotated[bool, Query(description="Only acute reports")] = False,
    include_done: Annotated[bool, Query(description="Also decided reports")] = False,
    page: PageQuery = 1,
) -> dict:
    """The open reports of your intake unit, acute first, then newest, each with its state and
    deadlines. Listing them is reading them: one audit row names every child on the page."""
    result = selectors.queue_page_for(
        _actor(request), overdue=overdue, unlinked=unlinked, acute=acute,
        include_done=include_done, page=page,
    )  # fmt: skip
    return page_out(result, (
        {"id": row.report.pk, "reference": row.report.reference,
         "received_at": row.report.received_at, "urgency": row.report.urgency,
         "child": _ref(row.report.child), "given_name": row.report.given_name,
         "state": row.state, "next": _step(row.next),
         "steps": [_step(step) for step in row.steps]}
        for row in result.object_list
    ))  # fmt: skip


@router.get(
    "/intake/{report_id}", response={200: IntakeReportOut, **READ},
    summary="One report as intake sees it, with the child's other reports",
)  # fmt: skip
@_refusals
def intake_report(request: HttpRequest, report_id: ReportId) -> dict:
    return _report(request, report_id)


@router.get(
    "/intake/{report_id}/candidates", response={200: list[CandidateOut], **READ},
    summary="The children the report may be about",
)  # fmt: skip
@_refusals
def intake_candidates(request: HttpRequest, report_id: ReportId) -> list:
    """By the exact identity number, else by name among the children of the municipality or at
    the given address: name, birth year and address only, for a person to confirm."""
    actor = _actor(request)
    view = selectors.report_page_for(actor, report_id=report_id)
    return [c.__dict__ for c in selectors.match_candidates(actor, view.report)]


# --- intake's steps ------------------------------------------------------------------------


class VersionIn(Schema):
    version: Version


class CandidateLinkIn(VersionIn):
    child_id: Id = Field(..., description="One of the report's candidates.")


class ProtectionIn(VersionIn):
    immediate_protection_needed: bool
    assessment: str = Text(..., min_length=1, max_length=5000)


class DecisionIn(VersionIn):
    decision: ReportDecision
    reasons: str = Text("", max_length=5000)
    unit_id: Id | None = Field(None, description="Opened: the unit that investigates.")
    caseworker_id: Id | None = Field(None, description="Opened: its caseworker (staff id).")


class ExtensionIn(VersionIn):
    until: datetime.date
    reasons: str = Text(..., min_length=1, max_length=2000)


class FinishIn(VersionIn):
    finished_on: datetime.date
    outcome: str = Text(..., min_length=1, max_length=5000)


class FeedbackIn(VersionIn):
    answer: ReportDecision = Field(..., description="The initial assessment's decision.")


class MeetingOfferIn(VersionIn):
    note: str = Text("", max_length=500)


class MeetingAnswerIn(VersionIn):
    answer: MeetingAnswer = Field(..., description="accepted or declined")
    note: str = Text("", max_length=500)


def _report_step(path: str, summary: str):
    # 200 with the report as it now stands, as every operation of the API answers.
    return router.post(
        f"/intake/{{report_id}}/{path}", response={200: IntakeReportOut, **CHANGE}, summary=summary
    )


@_report_step("link", "Link the report to a child the search found")
@_refusals
def intake_link(request: HttpRequest, report_id: ReportId, payload: CandidateLinkIn):
    services.link_report(
        actor=_actor(request), report_id=report_id, child_id=payload.child_id,
        version=payload.version,
    )  # fmt: skip
    return Status(200, _report(request, report_id))


@_report_step("protection", "Record the protection assessment (ANM-3)")
@_refusals
def intake_protection(request: HttpRequest, report_id: ReportId, payload: ProtectionIn):
    services.assess_protection(
        actor=_actor(request), report_id=report_id,
        immediate_protection_needed=payload.immediate_protection_needed,
        assessment=payload.assessment, version=payload.version,
    )  # fmt: skip
    return Status(200, _report(request, report_id))


@_report_step("decision", "Decide the initial assessment (ANM-4)")
@_refusals
def intake_decision(request: HttpRequest, report_id: ReportId, payload: DecisionIn):
    """Open an investigation (with `unit_id`), not open one (with `reasons`), or join the
    child's investigation already under way (422 when none is open)."""
    services.decide_initial_assessment(
        actor=_actor(request), report_id=report_id, decision=str(payload.decision),
        reasons=payload.reasons, version=payload.version, unit_id=payload.unit_id,
        caseworker_id=payload.caseworker_id,
    )  # fmt: skip
    return Status(200, _report(request, report_id))


@_report_step("extension", "Extend the initial assessment with exceptional reasons (ANM-4)")
@_refusals
def intake_extension(request: HttpRequest, report_id: ReportId, payload: ExtensionIn):
    services.extend_initial_assessment(
        actor=_actor(request), report_id=report_id, until=payload.until,
        reasons=payload.reasons, version=payload.version,
    )  # fmt: skip
    return Status(200, _report(request, report_id))


@_report_step("feedback-request", "Record the reporter's request for feedback (ANM-6)")
@_refusals
def intake_feedback_request(request: HttpRequest, report_id: ReportId, payload: VersionIn):
    services.record_feedback_request(
        actor=_actor(request), report_id=report_id, version=payload.version
    )
    return Status(200, _report(request, report_id))


@_report_step("feedback", "Give the professional reporter the decision (ANM-6)")
@_refusals
def intake_feedback(request: HttpRequest, report_id: ReportId, payload: FeedbackIn):
    """Exactly the initial assessment's decision and nothing more; once, after the decision;
    never to a member of the public (422)."""
    services.give_feedback(
        actor=_actor(request), report_id=report_id, answer=str(payload.answer),
        version=payload.version,
    )  # fmt: skip
    return Status(200, _report(request, report_id))


@_report_step("meeting-offer", "Record the offer of a meeting (ANM-7)")
@_refusals
def intake_meeting_offer(request: HttpRequest, report_id: ReportId, payload: MeetingOfferIn):
    services.offer_meeting(
        actor=_actor(request), report_id=report_id, note=payload.note, version=payload.version
    )
    return Status(200, _report(request, report_id))


@_report_step("meeting-answer", "Record the answer to the offer of a meeting (ANM-7)")
@_refusals
def intake_meeting_answer(request: HttpRequest, report_id: ReportId, payload: MeetingAnswerIn):
    services.answer_meeting_offer(
        actor=_actor(request), report_id=report_id, answer=str(payload.answer),
        note=payload.note, version=payload.version,
    )  # fmt: skip
    return Status(200, _report(request, report_id))


# --- investigations ------------------------------------------------------------------------


@router.get(
    "/investigations/{investigation_id}", response={200: InvestigationOut, **READ},
    summary="One investigation and the reports it answers",
)  # fmt: skip
@_refusals
def investigation_detail(request: HttpRequest, investigation_id: InvestigationId) -> dict:
    return _investigation(request, investigation_id)


@router.post(
    "/investigations/{investigation_id}/extension",
    response={200: InvestigationOut, **CHANGE},
    summary="Extend the investigation by a recorded decision (ANM-5)",
)
@_refusals
def investigation_extension(
    request: HttpRequest, investigation_id: InvestigationId, payload: ExtensionIn
):
    services.extend_investigation(
        actor=_actor(request), investigation_id=investigation_id, until=payload.until,
        reasons=payload.reasons, version=payload.version,
    )  # fmt: skip
    return Status(200, _investigation(request, investigation_id))


@router.post(
    "/investigations/{investigation_id}/finish",
    response={200: InvestigationOut, **CHANGE},
    summary="Finish the investigation (ANM-5)",
)
@_refusals
def investigation_finish(
    request: HttpRequest, investigation_id: InvestigationId, payload: FinishIn
):
    services.finish_investigation(
        actor=_actor(request), investigation_id=investigation_id,
        finished_on=payload.finished_on, outcome=payload.outcome, version=payload.version,
    )  # fmt: skip
    return Status(200, _investigation(request, investigation_id))
