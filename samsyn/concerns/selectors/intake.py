"""Reads for intake (mottagning) in social services: the queue of the intake unit, one report as
intake sees it with the earlier reports about the same child, the children a report may be about,
the investigations, and the overdue lists a unit manager follows. Each read goes through
`access` and is audited; a list naming children is one audit row naming them all.

Who works in the intake unit sees its reports because the report kind's `unit_takes_part` is
the intake unit (SEK-4: no other unit of the same social services does). The professional who
filed a report reads it as its author on their own page, never here: intake's page shows the
assessments and the child's history, which the author has no part in.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.access.models import Purpose
from samsyn.audit import services as audit
from samsyn.children.identity import parse_identity_number
from samsyn.children.models import Child
from samsyn.concerns.models import (
    InitialAssessment,
    Intake,
    Investigation,
    Report,
)
from samsyn.concerns.selectors import InvestigationNotFound, ReportNotFound
from samsyn.concerns.selectors import deadlines as dl
from samsyn.directory.models import Membership, Role, Unit

PURPOSE = Purpose.INVESTIGATION
PAGE_SIZE = 25
HISTORY_LIMIT = 20
CANDIDATE_LIMIT = 10
MANAGER_LIMIT = 10


# ---------------------------------------------------------------------------- scope


def intake_of(actor: Actor) -> Intake | None:
    """The intake the actor works in, if their unit is one."""
    if actor.role not in rules.CHILD_ROLES:
        return None
    return Intake.objects.filter(unit_id=actor.unit.pk).select_related("organisation").first()


def reports_visible_to(actor: Actor, *, purpose: str = PURPOSE) -> QuerySet[Report]:
    return rules.restrict(actor, Report.objects.all(), purpose=purpose)


def queue_of(actor: Actor, *, purpose: str = PURPOSE) -> QuerySet[Report]:
    """The reports in the actor's unit's queue that the actor may read: filtered in SQL."""
    return reports_visible_to(actor, purpose=purpose).filter(intake_unit_id=actor.unit.pk)


def open_reports() -> Q:
    """Still to act on: undecided, or a professional's request for feedback unanswered."""
    feedback_waiting = Q(
        reporter_kind=Report.ReporterKind.PROFESSIONAL,
        feedback_requested_at__isnull=False,
        feedback__isnull=True,
    )
    return dl.undecided() | feedback_waiting


# ---------------------------------------------------------------------------- state


def state_label(report: Report) -> str:
    assessment = dl.assessment_of(report)
    if assessment is not None and assessment.decision:
        if dl.has_one(report, "feedback"):
            return _("%(decision)s; feedback given") % {
                "decision": assessment.get_decision_display()
            }
        return str(assessment.get_decision_display())
    if dl.has_one(report, "protection"):
        return _("protection assessed, initial assessment under way")
    if report.child_id is None:
        return _("new: not linked to a child")
    return _("linked to a child, protection assessment waiting")


@dataclass(frozen=True)
class QueueRow:
    report: Report
    state: str
    steps: list[dl.Step]
    next: dl.Step | None

    @property
    def overdue(self) -> list[dl.Step]:
        return [step for step in self.steps if step.overdue]


def _row(report: Report, today, rules_) -> QueueRow:
    steps = dl.report_steps(report, today=today, rules=rules_)
    return QueueRow(report, state_label(report), steps, dl.next_step(steps))


def queue_page_for(
    actor: Actor, *, overdue: bool = False, unlinked: bool = False, acute: bool = False,
    include_done: bool = False, page: object = 1,
) -> Page:  # fmt: skip
    """One page of the actor's intake queue, acute first, then newest. Each row carries its
    state, its steps and its next deadline. The page is a read of each child on it."""
    today = timezone.localdate()
    rules_ = dl.deadline_rules()
    reports = queue_of(actor)
    if not include_done:
        reports = reports.filter(open_reports())
    if overdue:
        reports = reports.filter(dl.late_report(today, rules_))
    if unlinked:
        reports = reports.filter(child__isnull=True)
    if acute:
        reports = reports.filter(urgency=Report.Urgency.ACUTE)
    reports = (
        reports.select_related("child", "protection", "initial_assessment", "feedback")
        .annotate(
            acute_first=Case(
                When(urgency=Report.Urgency.ACUTE, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("acute_first", "-received_at", "-pk")
    )
    with transaction.atomic():
        result = Paginator(reports, PAGE_SIZE).get_page(page)
        rows = [_row(report, today, rules_) for report in result]
        _record_list(actor, "report_queue", result.number, [row.report for row in rows])
    result.object_list = rows
    return result


def _record_list(actor: Actor, obj: str, obj_id: object, reports: list[Report]) -> None:
    if not reports:
        return
    audit.record_read(
        actor=actor, child_id=None, obj=obj, obj_id=obj_id, purpose=PURPOSE,
        decision=rules.Decision(True, "list"),
        detail={"child_ids": sorted({r.child_id for r in reports if r.child_id}),
                "report_ids": [r.pk for r in reports]},
    )  # fmt: skip


def queue_counts(actor: Actor) -> dict[str, int]:
    """For the start page: open and overdue reports in the actor's queue. Counts only."""
    today = timezone.localdate()
    rules_ = dl.deadline_rules()
    queue = queue_of(actor).filter(open_reports())
    return {
        "open": queue.count(),
        "overdue": queue.filter(dl.late_report(today, rules_)).count(),
    }


# ---------------------------------------------------------------------------- one report


def _report_query() -> QuerySet[Report]:
    return Report.objects.select_related(
        "child__municipality", "intake__municipality", "intake_unit", "organisation",
        "reporter_staff", "reporter_unit__organisation", "linked_by", "protection__decided_by",
        "initial_assessment__decided_by", "initial_assessment__extended_by",
        "initial_assessment__investigation__unit", "feedback__given_by",
        "meeting_offer__offered_by",
    )  # fmt: skip


def report_for(
    actor: Actor, *, report_id: int, purpose: str = PURPOSE, obj: str = "report"
) -> tuple[Report, rules.Decision]:
    """The report as intake and the investigators read it, and why; audited. The author's own
    right covers their own page, not this one. Call outside a transaction: a denial's audit row
    must outlive the 404 that follows."""
    report = _report_query().filter(pk=report_id).first()
    decision = rules.decide(actor, report, purpose=purpose) if report else rules.DENIED
    if not decision.allowed or decision.basis == "author":
        audit.record_denied(
            actor=actor, child_id=report.child_id if report else None, obj=obj,
            obj_id=report_id, purpose=purpose,
        )  # fmt: skip
        raise ReportNotFound(report_id)
    return report, decision


def history_of(actor: Actor, report: Report) -> list[Report]:
    """The earlier and later reports about the same child that the actor may read, newest
    first, each with its decision (several reports about one child are linked through it)."""
    if report.child_id is None:
        return []
    return list(
        reports_visible_to(actor)
        .filter(child_id=report.child_id)
        .exclude(pk=report.pk)
        .select_related("initial_assessment", "reporter_unit")
        .order_by("-received_at", "-pk")[:HISTORY_LIMIT]
    )


@dataclass(frozen=True)
class ReportView:
    report: Report
    decision: rules.Decision
    steps: list[dl.Step]
    history: list[Report]
    is_intake: bool  # the actor works in the report's intake unit: the steps are theirs
    assessment: InitialAssessment | None
    state: str

    @property
    def has_protection(self) -> bool:
        return dl.has_one(self.report, "protection")

    @property
    def has_feedback(self) -> bool:
        return dl.has_one(self.report, "feedback")

    @property
    def has_meeting_offer(self) -> bool:
        return dl.has_one(self.report, "meeting_offer")

    @property
    def decided(self) -> bool:
        return bool(self.assessment and self.assessment.decision)

    @property
    def professional(self) -> bool:
        return self.report.reporter_kind == Report.ReporterKind.PROFESSIONAL


def report_page_for(actor: Actor, *, report_id: int, obj: str = "report") -> ReportView:
    """The report page for intake: the report, its steps and the child's other reports, in one
    audit row naming the history it showed."""
    report, decision = report_for(actor, report_id=report_id, obj=obj)
    rules_ = dl.deadline_rules()
    with transaction.atomic():
        history = history_of(actor, report)
        audit.record_read(
            actor=actor, child_id=report.child_id, obj=obj, obj_id=report.pk, purpose=PURPOSE,
            decision=decision, detail={"history_report_ids": [r.pk for r in history]},
        )  # fmt: skip
    return ReportView(
        report, decision, dl.report_steps(report, rules=rules_), history,
        report.intake_unit_id == actor.unit.pk, dl.assessment_of(report), state_label(report),
    )  # fmt: skip


def report_for_change(actor: Actor, report_id: int) -> tuple[Report, rules.Decision]:
    """The one door to change a report: locked, read through access, and in the actor's own
    intake unit's queue (the investigators read the child's reports but do not take intake's
    steps). ReportNotFound otherwise, the same for missing and forbidden. Inside the change's
    transaction."""
    report, decision = rules.open_for_change(
        actor, Report.objects.select_related("intake", "organisation"), pk=report_id,
        purpose=PURPOSE,
    )  # fmt: skip
    if decision.basis == "author":
        raise ReportNotFound(report_id)
    if report.intake_unit_id != actor.unit.pk:
        raise rules.AccessDenied("concerns.intake")
    return report, decision


# ---------------------------------------------------------------------------- matching


@dataclass(frozen=True)
class Candidate:
    """A child a report may be about, as intake sees it before a match is confirmed: the name,
    the birth year and the address (none for a protected identity)."""

    id: int
    name: str
    birth_year: int
    address: str
    exact: bool  # found by the exact identity number


def _candidates(report: Report) -> QuerySet[Child]:
    number = report.given_identity_number.strip()
    if number:
        try:
            digits = parse_identity_number(number).digits
        except Exception:  # noqa: BLE001 - an invalid number matches nobody exactly
            digits = ""
        if digits:
            exact = Child.objects.filter(identity_number=digits)
            if exact.exists():
                return exact
    words = [w for w in report.given_name.replace(",", " ").split() if len(w) > 1]
    if not words:
        return Child.objects.none()

    def named(children: QuerySet[Child]) -> QuerySet[Child]:
        for word in words:
            children = children.filter(
                Q(first_name__istartswith=word) | Q(last_name__istartswith=word)
            )
        return children

    # Each place is a query of its own, read through its own index (children's `child_match_*`).
    # Written as one filter, PostgreSQL takes the names out of the OR of the places (the same
    # in both) and finds the places first: every child of the municipality, to test the names.
    in_municipality = named(Child.objects.filter(municipality_id=report.intake.municipality_id))
    street = report.given_address.split(",")[0].strip()
    if not street:
        return in_municipality
    at_address = named(
        Child.objects.filter(street_address__iexact=street, protected_identity=False)
    )
    return Child.objects.filter(pk__in=in_municipality.values("pk").union(at_address.values("pk")))


def match_candidates(actor: Actor, report: Report) -> list[Candidate]:
    """The children a report may be about: by the exact identity number, else by name among the
    children of the intake's municipality or at the given address. A narrow query for the intake
    unit only, showing no more than a person needs to confirm a match; audited as a read of
    each child shown."""
    if report.intake_unit_id != actor.unit.pk or report.child_id is not None:
        return []
    number_given = bool(report.given_identity_number.strip())
    children = list(_candidates(report).order_by("last_name", "first_name", "pk")[:CANDIDATE_LIMIT])
    found = [
        Candidate(
            child.pk, child.name, child.birth_date.year,
            "" if child.protected_identity
            else ", ".join(p for p in (child.street_address, child.city) if p),
            number_given and child.identity_number == _digits(report.given_identity_number),
        )
        for child in children
    ]  # fmt: skip
    if found:
        with transaction.atomic():
            audit.record_read(
                actor=actor, child_id=None, obj="report_match", obj_id=report.pk,
                purpose=PURPOSE, decision=rules.Decision(True, "search"),
                detail={"child_ids": [c.id for c in found]},
            )  # fmt: skip
    return found


def _digits(number: str) -> str:
    try:
        return parse_identity_number(number).digits
    except Exception:  # noqa: BLE001
        return ""


def is_candidate(report: Report, child_id: int) -> bool:
    return _candidates(report).filter(pk=child_id).exists()


# ---------------------------------------------------------------------------- organisation


def investigation_units(report: Report) -> QuerySet[Unit]:
    """The units of the intake's organisation an investigation can be given to."""
    return Unit.objects.filter(organisation_id=report.organisation_id).order_by("name")


def caseworkers(organisation_id: int) -> QuerySet[Membership]:
    """The caseworkers of the organisation's units, with their unit."""
    return (
        Membership.objects.filter(
            unit__organisation_id=organisation_id, active=True, role=Role.CASEWORKER
        )
        .select_related("staff", "unit")
        .order_by("unit__name", "staff__name")
    )


def open_investigation(child_id: int, organisation_id: int) -> Investigation | None:
    return (
        Investigation.objects.filter(
            child_id=child_id, organisation_id=organisation_id, finished_on__isnull=True
        )
        .select_related("unit")
        .first()
    )


# ---------------------------------------------------------------------------- investigations


def investigations_visible_to(actor: Actor, *, purpose: str = PURPOSE) -> QuerySet[Investigation]:
    return rules.restrict(actor, Investigation.objects.all(), purpose=purpose)


def investigation_for(
    actor: Actor, *, investigation_id: int, purpose: str = PURPOSE
) -> tuple[Investigation, rules.Decision, list[Report]]:
    """The investigation, why the actor reads it and the reports it answers; audited."""
    investigation = (
        Investigation.objects.select_related(
            "child__municipality", "unit", "caseworker", "opened_by", "extended_by", "organisation"
        )
        .filter(pk=investigation_id)
        .first()
    )
    decision = (
        rules.decide(actor, investigation, purpose=purpose) if investigation else rules.DENIED
    )
    if not decision.allowed:
        audit.record_denied(
            actor=actor, child_id=investigation.child_id if investigation else None,
            obj="investigation", obj_id=investigation_id, purpose=purpose,
        )  # fmt: skip
        raise InvestigationNotFound(investigation_id)
    with transaction.atomic():
        reports = list(
            reports_visible_to(actor, purpose=purpose)
            .filter(initial_assessment__investigation=investigation)
            .select_related("initial_assessment")
            .order_by("received_at", "pk")[:HISTORY_LIMIT]
        )
        audit.record_read(
            actor=actor, child_id=investigation.child_id, obj="investigation",
            obj_id=investigation.pk, purpose=purpose, decision=decision,
            detail={"report_ids": [r.pk for r in reports]},
        )  # fmt: skip
    return investigation, decision, reports


def investigation_for_change(actor: Actor, investigation_id: int):
    """The one door to change an investigation: locked, through access, and in the owning
    organisation. InvestigationNotFound otherwise."""
    investigation, decision = rules.open_for_change(
        actor, Investigation.objects.all(), pk=investigation_id, purpose=PURPOSE
    )
    if investigation.organisation_id != actor.organisation.pk:
        raise InvestigationNotFound(investigation_id)
    return investigation, decision


# ---------------------------------------------------------------------------- the unit manager


@dataclass(frozen=True)
class OverdueItems:
    report_count: int
    investigation_count: int
    reports: list[QueueRow]
    investigations: list[tuple[Investigation, dl.Step | None]]


def overdue_for_unit(actor: Actor) -> OverdueItems | None:
    """The overdue reports and investigations of the unit the actor acts for, through access:
    for the start page of intake staff and of a unit manager of the intake unit or of an
    investigating unit. None when the unit has neither."""
    if actor.role not in rules.CHILD_ROLES:
        return None
    today = timezone.localdate()
    rules_ = dl.deadline_rules()
    purpose = Purpose.FOLLOW_UP if actor.role == Role.UNIT_MANAGER else PURPOSE
    reports = queue_of(actor, purpose=purpose).filter(dl.late_report(today, rules_))
    investigations = investigations_visible_to(actor, purpose=purpose).filter(
        dl.late_investigation(today, rules_), unit_id=actor.unit.pk
    )
    report_count, investigation_count = reports.count(), investigations.count()
    if not (report_count or investigation_count):
        return OverdueItems(0, 0, [], [])
    report_rows = [
        _row(report, today, rules_)
        for report in reports.select_related(
            "child", "protection", "initial_assessment", "feedback"
        ).order_by("received_at", "pk")[:MANAGER_LIMIT]
    ]
    investigation_rows = [
        (inv, dl.investigation_step(inv, today=today, rules=rules_))
        for inv in investigations.select_related("child", "caseworker").order_by("opened_on", "pk")[
            :MANAGER_LIMIT
        ]
    ]
    with transaction.atomic():
        children = [r.report.child_id for r in report_rows if r.report.child_id]
        children += [inv.child_id for inv, _step in investigation_rows]
        if children:
            audit.record_read(
                actor=actor, child_id=None, obj="concerns_overdue_list", obj_id=actor.unit.pk,
                purpose=purpose, decision=rules.Decision(True, "list"),
                detail={"child_ids": sorted(set(children)),
                        "report_ids": [r.report.pk for r in report_rows],
                        "investigation_ids": [inv.pk for inv, _s in investigation_rows]},
            )  # fmt: skip
    return OverdueItems(report_count, investigation_count, report_rows, investigation_rows)
