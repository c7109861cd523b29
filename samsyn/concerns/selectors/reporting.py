"""Reads for filing a report of concern and for the professional reporter's own reports.

A reporter reads a report as its author (`access`: RecordKind.author), and only what they sent,
its receipt and the one answer of the feedback (ANM-6): never intake's work, never the data of a
child the report was linked to. Each read is audited, a refused one too (LOG-3).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.access.models import Purpose
from samsyn.audit import services as audit
from samsyn.children.models import Child
from samsyn.concerns.models import DeadlineRule, Feedback, Intake, Report
from samsyn.concerns.selectors import ReportNotFound
from samsyn.directory.models import HEALTH_CARE_KINDS, Organisation, Principal

PAGE_SIZE = 25

# What the reporter's organisation makes them (ANM-1): the category the intake sees.
CATEGORY_OF_KIND = {
    Organisation.Kind.SCHOOL: Report.ReporterCategory.SCHOOL,
    Organisation.Kind.POLICE: Report.ReporterCategory.POLICE,
    Organisation.Kind.SOCIAL_SERVICES: Report.ReporterCategory.SOCIAL,
    **dict.fromkeys(HEALTH_CARE_KINDS, Report.ReporterCategory.HEALTH),
}


def may_report(actor: Actor) -> bool:
    """Staff who work with children file reports from Samsyn (and then follow them here);
    management and analysts hold no child and file through their organisation's own routine."""
    return rules.can(actor, "concerns.report")


def reporter_categories(actor: Actor) -> list[str]:
    """The categories the actor may report as, the organisation's own first: a school's staff
    may say they report from its preschool."""
    category = CATEGORY_OF_KIND.get(actor.organisation.kind, Report.ReporterCategory.AUTHORITY)
    if category == Report.ReporterCategory.SCHOOL:
        return [category, Report.ReporterCategory.PRESCHOOL]
    return [category]


def receiving_intakes() -> QuerySet[Intake]:
    """The municipalities Samsyn delivers reports to: those whose social services have an
    intake, by name."""
    return Intake.objects.select_related("municipality", "organisation").order_by(
        "municipality__name"
    )


def intake_of(municipality_id: int) -> Intake | None:
    return (
        Intake.objects.select_related("municipality", "organisation", "unit")
        .filter(municipality_id=municipality_id)
        .first()
    )


def actor_municipality_id(actor: Actor) -> int | None:
    """The municipality the actor's unit serves, or the organisation's own if a municipality."""
    if actor.unit.municipality_id:
        return actor.unit.municipality_id
    principal = actor.organisation.principal
    return principal.pk if principal.kind == Principal.Kind.MUNICIPALITY else None


def known_child(identity_number: str) -> Child | None:
    """The child Samsyn knows by exactly this (validated, twelve-digit) number. Used to link
    a report, never shown to the reporter: the receipt says nothing of whether Samsyn knew the
    child."""
    if not identity_number:
        return None
    return (
        Child.objects.only("pk", "municipality_id").filter(identity_number=identity_number).first()
    )


def _own_reports(actor: Actor, purpose: str) -> QuerySet[Report]:
    """The actor's own reports, through access (the author's ground), with what the reporter
    may learn of the feedback: its one answer and when."""
    reports = Report.objects.select_related("intake__municipality", "organisation").annotate(
        feedback_answer=F("feedback__answer"), feedback_given_at=F("feedback__given_at")
    )
    return rules.restrict(actor, reports, purpose=purpose).filter(reporter_staff_id=actor.staff.pk)


def my_reports_page(actor: Actor, *, page: object = 1) -> Page:
    """One page of the actor's reports, newest first. Listing them is reading them: one audit
    row names every report on the page (and each linked child)."""
    purpose = rules.default_purpose(actor) if may_report(actor) else ""
    reports = _own_reports(actor, purpose) if purpose else Report.objects.none()
    with transaction.atomic():
        result = Paginator(reports.order_by("-received_at", "-pk"), PAGE_SIZE).get_page(page)
        if result.object_list:
            audit.record_read(
                actor=actor, child_id=None, obj="report_list", obj_id=result.number,
                purpose=purpose, decision=rules.Decision(True, "author"),
                detail={
                    "report_ids": [report.pk for report in result],
                    "child_ids": [report.child_id for report in result if report.child_id],
                },
            )  # fmt: skip
    return result


@dataclass(frozen=True)
class SentReport:
    """What the author may see of their report: what they sent, and the feedback's answer."""

    report: Report
    feedback: Feedback | None


def my_report_for(actor: Actor, *, report_id: int) -> SentReport:
    """The actor's own report, read as its author and audited; ReportNotFound, audited as
    denied, for anyone else's (a colleague at the same school included) and for a missing
    one. Call outside a transaction: a denial's audit row must outlive the 404."""
    purpose = rules.default_purpose(actor) if may_report(actor) else Purpose.FOLLOW_UP
    report = (
        Report.objects.select_related("intake__municipality", "organisation", "reporter_unit")
        .filter(pk=report_id)
        .first()
    )
    decision = rules.DENIED
    # The author's page: intake's own reading of the report is on intake's pages.
    if report is not None and report.reporter_staff_id == actor.staff.pk:
        decision = rules.decide(actor, report, purpose=purpose)
    if not decision.allowed:
        audit.record_denied(
            actor=actor, child_id=report.child_id if report else None, obj="report",
            obj_id=report_id, purpose=purpose,
        )  # fmt: skip
        raise ReportNotFound(report_id)
    feedback = Feedback.objects.only("answer", "given_at").filter(report_id=report.pk).first()
    with transaction.atomic():
        audit.record_read(
            actor=actor, child_id=report.child_id, obj="report", obj_id=report.pk,
            purpose=purpose, decision=decision,
        )  # fmt: skip
    return SentReport(report=report, feedback=feedback)


@dataclass(frozen=True)
class NextStep:
    code: str
    period: str  # the rule in words: "14 days"
    due: datetime.date
    reference: str


def next_steps(report: Report) -> list[NextStep]:
    """What happens next, each step with its deadline from the rules held as data (ANM-3,
    ANM-4), counted from the day the report was received. One query."""
    received = timezone.localdate(report.received_at)
    rules_by_code = {
        rule.code: rule
        for rule in DeadlineRule.objects.filter(
            code__in=[DeadlineRule.Code.PROTECTION, DeadlineRule.Code.INITIAL_ASSESSMENT]
        )
    }
    return [
        NextStep(code, rule.period, rule.due(received), rule.reference)
        for code in (DeadlineRule.Code.PROTECTION, DeadlineRule.Code.INITIAL_ASSESSMENT)
        if (rule := rules_by_code.get(code)) is not None
    ]


def public_receipt(report_id: object) -> Report | None:
    """A public report's receipt: its reference, when it was received and by whom. Nothing of
    its content and nothing of a child, so no access decision and no audit row: the browser
    that filed it holds its id in its session, and nobody else can name it."""
    if not isinstance(report_id, int):
        return None
    return (
        Report.objects.select_related("intake__municipality", "organisation")
        .filter(pk=report_id, reporter_kind=Report.ReporterKind.PUBLIC)
        .first()
    )
