"""Deadlines of a report's path (DESIGN invariant 4, DOMAIN ANM-3…ANM-6), computed from the
`DeadlineRule` rows so lateness is a query:

- protection assessment: from the day the report was received (ANM-3, "the same day or the
  next");
- initial assessment: from the day received (ANM-4, 14 days), unless extended to a recorded day
  with exceptional reasons;
- investigation: from the day it was opened (ANM-5, 4 months), unless extended;
- feedback to a professional reporter who asked: from the decision (ANM-6, a week), or at once —
  due the same day — when the request came after the decision or the investigation was already
  under way.

A step's due date is the last day it may be done on; it is late from the day after. Because a due
date only grows with its start, "due before today" is "started before a cutoff day", and each
rule's cutoff is computed once per request (`rule.cutoff(today)`), so the overdue filters are
one SQL condition each, never a loop over reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.common.dates import local_date, start_of
from samsyn.concerns.models import DeadlineRule, InitialAssessment, Investigation, Report

Code = DeadlineRule.Code
Decision = InitialAssessment.Decision


def deadline_rules() -> dict[str, DeadlineRule]:
    """The rules by code: one query, read per request so a changed rule applies at once."""
    return {rule.code: rule for rule in DeadlineRule.objects.all()}


def rule_label(rule: DeadlineRule) -> str:
    """ "14 days · SoL (2025:400) 20 kap. 2 §": the period and its legal reference."""
    return f"{rule.period} · {rule.reference}"


@dataclass(frozen=True)
class Step:
    code: str
    name: str
    due: date | None  # None: not yet due (feedback before the decision)
    rule: str  # the rule's period and reference in words
    done: bool
    overdue: bool
    days_late: int
    at_once: bool = False  # feedback due the same day (ANM-6)
    extended: bool = False


def _step(code, name, due, rule, done, today, *, at_once=False, extended=False) -> Step:
    overdue = not done and due is not None and today > due
    late = (today - due).days if overdue and due else 0
    return Step(code, name, due, rule, done, overdue, late, at_once, extended)


# ---------------------------------------------------------------------------- due dates


def protection_due(report: Report, rules: dict[str, DeadlineRule]) -> date | None:
    rule = rules.get(Code.PROTECTION)
    return rule.due(local_date(report.received_at)) if rule else None


def initial_assessment_due(
    report: Report, assessment: InitialAssessment | None, rules: dict[str, DeadlineRule]
) -> date | None:
    if assessment is not None and assessment.extended_until:
        return assessment.extended_until
    rule = rules.get(Code.INITIAL_ASSESSMENT)
    return rule.due(local_date(report.received_at)) if rule else None


def feedback_due(
    report: Report, assessment: InitialAssessment | None, rules: dict[str, DeadlineRule]
) -> tuple[date | None, bool]:
    """(due date, at once). None until the reporter asked and the decision is made: feedback
    can only say the decision (ANM-6)."""
    if report.reporter_kind != Report.ReporterKind.PROFESSIONAL:
        return None, False
    if report.feedback_requested_at is None or assessment is None or not assessment.decision:
        return None, False
    decided = assessment.decided_at
    asked_later = report.feedback_requested_at > decided
    if asked_later or assessment.decision == Decision.UNDER_WAY:
        return local_date(max(decided, report.feedback_requested_at)), True
    rule = rules.get(Code.FEEDBACK)
    return (rule.due(local_date(decided)) if rule else None), False


def investigation_due(investigation: Investigation, rules: dict[str, DeadlineRule]) -> date | None:
    if investigation.extended_until:
        return investigation.extended_until
    rule = rules.get(Code.INVESTIGATION)
    return rule.due(investigation.opened_on) if rule else None


def assessment_of(report: Report) -> InitialAssessment | None:
    try:
        return report.initial_assessment
    except InitialAssessment.DoesNotExist:
        return None


def has_one(report: Report, name: str) -> bool:
    try:
        return getattr(report, name) is not None
    except ObjectDoesNotExist:  # a missing reverse one-to-one
        return False


def report_steps(
    report: Report, *, today: date | None = None, rules: dict[str, DeadlineRule] | None = None
) -> list[Step]:
    """The report's steps with their due dates, no query beyond the report's own joins (the
    queue selects the assessments and the feedback with the report)."""
    today = today or timezone.localdate()
    rules = deadline_rules() if rules is None else rules
    assessment = assessment_of(report)
    steps = []
    if rule := rules.get(Code.PROTECTION):
        steps.append(
            _step(Code.PROTECTION, rule.get_code_display(), protection_due(report, rules),
                  rule_label(rule), has_one(report, "protection"), today)
        )  # fmt: skip
    if rule := rules.get(Code.INITIAL_ASSESSMENT):
        extended = bool(assessment and assessment.extended_until)
        label = rule_label(rule)
        if extended:
            label = _("extended: %(reason)s") % {"reason": assessment.extension_reason}
        steps.append(
            _step(Code.INITIAL_ASSESSMENT, rule.get_code_display(),
                  initial_assessment_due(report, assessment, rules), label,
                  bool(assessment and assessment.decision), today, extended=extended)
        )  # fmt: skip
    if (rule := rules.get(Code.FEEDBACK)) and report.feedback_requested_at is not None:
        due, at_once = feedback_due(report, assessment, rules)
        label = _("at once · %(reference)s") % {"reference": rule.reference}
        steps.append(
            _step(Code.FEEDBACK, rule.get_code_display(), due,
                  label if at_once else rule_label(rule), has_one(report, "feedback"), today,
                  at_once=at_once)
        )  # fmt: skip
    return steps


def next_step(steps: list[Step]) -> Step | None:
    """The step to act on next: the earliest due among those not done."""
    waiting = [step for step in steps if not step.done and step.due is not None]
    return min(waiting, key=lambda step: step.due) if waiting else None  # type: ignore[arg-type, return-value]


def investigation_step(
    investigation: Investigation, *, today: date | None = None,
    rules: dict[str, DeadlineRule] | None = None,
) -> Step | None:  # fmt: skip
    today = today or timezone.localdate()
    rules = deadline_rules() if rules is None else rules
    rule = rules.get(Code.INVESTIGATION)
    if rule is None:
        return None
    extended = investigation.extended_until is not None
    label = (
        _("extended: %(reason)s") % {"reason": investigation.extension_reason}
        if extended
        else rule_label(rule)
    )
    return _step(Code.INVESTIGATION, rule.get_code_display(),
                 investigation_due(investigation, rules), label,
                 investigation.finished_on is not None, today, extended=extended)  # fmt: skip


# ---------------------------------------------------------------------------- overdue in SQL


def _never() -> Q:
    return Q(pk__in=[])


def late_protection(today: date, rules: dict[str, DeadlineRule]) -> Q:
    rule = rules.get(Code.PROTECTION)
    if rule is None:
        return _never()
    return Q(protection__isnull=True, received_at__lt=start_of(rule.cutoff(today)))


def undecided() -> Q:
    return Q(initial_assessment__isnull=True) | Q(initial_assessment__decision="")


def late_initial_assessment(today: date, rules: dict[str, DeadlineRule]) -> Q:
    rule = rules.get(Code.INITIAL_ASSESSMENT)
    extended = Q(initial_assessment__extended_until__isnull=False)
    late = Q(initial_assessment__extended_until__lt=today)
    if rule is not None:
        limit = start_of(rule.cutoff(today))
        late |= ~extended & Q(received_at__lt=limit)
    return undecided() & late


def late_feedback(today: date, rules: dict[str, DeadlineRule]) -> Q:
    """A professional asked, the decision is made, no feedback yet, and: a week (the rule) has
    passed since the decision; or, when asked after the decision or when already under way,
    the day of the request (or decision) has passed."""
    decided_at = "initial_assessment__decided_at"
    waiting = Q(
        reporter_kind=Report.ReporterKind.PROFESSIONAL,
        feedback_requested_at__isnull=False,
        feedback__isnull=True,
        initial_assessment__decided_at__isnull=False,
    ) & ~Q(initial_assessment__decision="")
    at_once = Q(initial_assessment__decision=Decision.UNDER_WAY) | Q(
        feedback_requested_at__gt=F(decided_at)
    )
    today_starts = start_of(today)
    late = at_once & Q(
        feedback_requested_at__lt=today_starts, **{f"{decided_at}__lt": today_starts}
    )
    rule = rules.get(Code.FEEDBACK)
    if rule is not None:
        late |= ~at_once & Q(**{f"{decided_at}__lt": start_of(rule.cutoff(today))})
    return waiting & late


def late_report(today: date, rules: dict[str, DeadlineRule]) -> Q:
    """Any step of the report overdue today."""
    return (
        late_protection(today, rules)
        | late_initial_assessment(today, rules)
        | late_feedback(today, rules)
    )


def late_investigation(today: date, rules: dict[str, DeadlineRule]) -> Q:
    rule = rules.get(Code.INVESTIGATION)
    late = Q(extended_until__lt=today)
    if rule is not None:
        late |= Q(extended_until__isnull=True, opened_on__lt=rule.cutoff(today))
    return Q(finished_on__isnull=True) & late
