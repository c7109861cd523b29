"""Reports of concern (orosanmälan) filed by a professional, over the API: the same services and
selectors as the pages, so the same rules decide and the same audit rows are written.

A professional files signed in (session or token) and never anonymously (ANM-2); they read
their own reports as their author, with the feedback's one answer (ANM-6), and ask for feedback
later. Another person's report answers 404 with the body of a missing one, and the attempt is
audited. The public's form has no API: it is a page, with its own limits against abuse.
"""

from __future__ import annotations

import datetime
import functools
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy
from ninja import Field, Path, Query, Router, Schema, Status

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.api import errors
from samsyn.api.pagination import PageOut, page_out
from samsyn.api.schemas import ERRORS, MAX_ID, NO_NUL, ErrorOut, RefOut, api_enum
from samsyn.audit import services as audit
from samsyn.concerns.models import InitialAssessment, Report
from samsyn.concerns.selectors import reporting as selectors
from samsyn.concerns.services import reporting as services

router = Router(tags=["reports of concern"])

Urgency = api_enum("Urgency", Report.Urgency)
ReporterCategory = api_enum("ReporterCategory", Report.ReporterCategory)
FeedbackAnswer = api_enum("FeedbackAnswer", InitialAssessment.Decision)

ReportId = Annotated[int, Path(ge=1, le=MAX_ID)]
PageQuery = Annotated[int, Query(ge=1, le=100_000, description="Pages of 25 reports.")]
Text = functools.partial(Field, pattern=NO_NUL)

# 400: a body that is not JSON at all (ninja's "Cannot parse request body").
REPORT_ERRORS: dict[int, Any] = {400: ErrorOut, **ERRORS}
PERMISSION = "concerns.report"


_refusals = errors.refusals(gettext_lazy("Your role does not file reports of concern here."))


def _actor(request: HttpRequest) -> Actor:
    actor: Actor = request.auth  # type: ignore[attr-defined]
    if not selectors.may_report(actor):
        audit.record_refused_role(actor=actor, permission=PERMISSION)
        raise rules.AccessDenied(PERMISSION)
    return actor


# --- shapes --------------------------------------------------------------------------------


class ReporterOut(Schema):
    name: str
    phone: str
    email: str


class FeedbackOut(Schema):
    """Exactly one of three answers, and nothing more (ANM-6, OSL 26 kap. 9 a §)."""

    answer: FeedbackAnswer
    given_at: datetime.datetime


class NextStepOut(Schema):
    code: str = Field(..., description="protection or initial_assessment")
    period: str = Field(..., description="The rule in words, e.g. 14 days.")
    due: datetime.date = Field(..., description="The last day, from the rule held as data.")
    reference: str


class ReportListOut(Schema):
    id: int
    reference: str = Field(..., description="The receipt's number, e.g. ANM-2026-000123.")
    received_at: datetime.datetime
    municipality: RefOut
    feedback_requested_at: datetime.datetime | None
    feedback_answer: FeedbackAnswer | None


class ReportPageOut(PageOut):
    items: list[ReportListOut]


class ReportOut(Schema):
    """The receipt and what the reporter sent; never whether Samsyn knew the child, nor
    anything of intake's work."""

    id: int
    reference: str
    received_at: datetime.datetime
    municipality: RefOut
    received_by: RefOut = Field(..., description="The municipality's social services.")
    reporter_category: ReporterCategory
    identity_number: str = Field(..., description="As given, twelve digits, or empty.")
    child_name: str
    child_address: str
    what_seen: str
    urgency: Urgency
    reporter: ReporterOut
    feedback_requested_at: datetime.datetime | None
    feedback: FeedbackOut | None
    next_steps: list[NextStepOut]


def _ref(obj) -> dict:
    return {"id": obj.pk, "name": obj.name}


def _report_out(sent: selectors.SentReport) -> dict:
    report = sent.report
    return {
        "id": report.pk, "reference": report.reference, "received_at": report.received_at,
        "municipality": _ref(report.intake.municipality),
        "received_by": _ref(report.organisation),
        "reporter_category": report.reporter_category,
        "identity_number": report.given_identity_number, "child_name": report.given_name,
        "child_address": report.given_address, "what_seen": report.what_seen,
        "urgency": report.urgency,
        "reporter": {"name": report.reporter_name, "phone": report.reporter_phone,
                     "email": report.reporter_email},
        "feedback_requested_at": report.feedback_requested_at,
        "feedback": (
            {"answer": sent.feedback.answer, "given_at": sent.feedback.given_at}
            if sent.feedback else None
        ),
        "next_steps": [step.__dict__ for step in selectors.next_steps(report)],
    }  # fmt: skip


# --- operations ----------------------------------------------------------------------------


class ReportIn(Schema):
    municipality_id: Annotated[int, Field(ge=1, le=MAX_ID)] | None = Field(
        None, description="Whose social services receive it: a municipality with an intake. "
        "Left out: the child's, when the identity number is a child Samsyn knows, else the "
        "one your unit serves."
    )  # fmt: skip
    identity_number: str = Text("", max_length=13, description="YYYYMMDD-NNNN, if known.")
    child_name: str = Text("", max_length=services.MAX_NAME)
    child_address: str = Text("", max_length=services.MAX_ADDRESS)
    what_seen: str = Text(..., min_length=1, max_length=services.MAX_WHAT_SEEN)
    urgency: Urgency
    reporter_phone: str | None = Text(
        None, max_length=services.MAX_PHONE, description="Left out: your phone in Samsyn."
    )
    feedback_requested: bool = Field(False, description="Ask for feedback (ANM-6).")
    reporter_category: ReporterCategory | None = Field(
        None, description="Left out: your organisation's. A school's staff may say preschool."
    )
    anonymous: bool = Field(
        False, description="A professional cannot report anonymously (ANM-2): true is a 422."
    )


@router.post(
    "", response={200: ReportOut, **REPORT_ERRORS}, summary="File a report of concern",
)  # fmt: skip
@_refusals
def report_file(request: HttpRequest, payload: ReportIn):
    """A report in your own name to a municipality's social services (ANM-1, ANM-2). The
    answer is the receipt: the reference, when it was received, by whom, what happens next."""
    actor = _actor(request)
    phone = actor.staff.phone if payload.reporter_phone is None else payload.reporter_phone
    report = services.file_report(
        actor=actor, municipality_id=payload.municipality_id,
        identity_number=payload.identity_number, child_name=payload.child_name,
        child_address=payload.child_address, what_seen=payload.what_seen,
        urgency=payload.urgency, reporter_phone=phone,
        feedback_requested=payload.feedback_requested,
        reporter_category=payload.reporter_category, anonymous=payload.anonymous,
    )  # fmt: skip
    return Status(200, _report_out(selectors.my_report_for(actor, report_id=report.pk)))


@router.get("", response={200: ReportPageOut, **ERRORS}, summary="Your reports of concern")
@_refusals
def report_list(request: HttpRequest, page: PageQuery = 1) -> dict:
    """The reports you filed, newest first. Listing them is reading them: one audit row names
    every report on the page."""
    result = selectors.my_reports_page(_actor(request), page=page)
    return page_out(result, (
        {"id": r.pk, "reference": r.reference, "received_at": r.received_at,
         "municipality": _ref(r.intake.municipality),
         "feedback_requested_at": r.feedback_requested_at, "feedback_answer": r.feedback_answer}
        for r in result
    ))  # fmt: skip


@router.get("/{report_id}", response={200: ReportOut, **ERRORS}, summary="One of your reports")
@_refusals
def report_detail(request: HttpRequest, report_id: ReportId) -> dict:
    """What you sent, the receipt, and the feedback's one answer once given (ANM-6)."""
    return _report_out(selectors.my_report_for(_actor(request), report_id=report_id))


@router.post(
    "/{report_id}/feedback-request", response={200: ReportOut, **ERRORS},
    summary="Ask for feedback on your report (ANM-6)",
)  # fmt: skip
@_refusals
def report_request_feedback(request: HttpRequest, report_id: ReportId) -> dict:
    """Recorded once, with when; asking again changes nothing."""
    actor = _actor(request)
    # Opened as its page opens it: another's report is a 404, and the attempt audited.
    selectors.my_report_for(actor, report_id=report_id)
    services.request_feedback(actor=actor, report_id=report_id)
    return _report_out(selectors.my_report_for(actor, report_id=report_id))
