"""Every deadline of a report's path from its rule held as data, with its edges (DOMAIN
ANM-3…ANM-6): the due date a page shows, and the same lateness as one SQL filter."""

from __future__ import annotations

import datetime

import pytest
from django.utils.translation import override

from samsyn.common.dates import start_of
from samsyn.concerns.models import DeadlineRule, Investigation, Report
from samsyn.concerns.selectors import deadlines as dl
from samsyn.concerns.tests.factories import (
    DeadlineRuleFactory,
    FeedbackFactory,
    InitialAssessmentFactory,
    InvestigationFactory,
    ProtectionAssessmentFactory,
    ReportFactory,
)

pytestmark = pytest.mark.django_db

Code = DeadlineRule.Code
D = datetime.date


def at(day: D, hour: int = 10) -> datetime.datetime:
    return start_of(day) + datetime.timedelta(hours=hour)


def late_reports(today: D, q) -> set[Report]:
    return set(Report.objects.filter(q(today, dl.deadline_rules())))


def step(report: Report, code: str, today: D) -> dl.Step:
    report = Report.objects.select_related("protection", "initial_assessment", "feedback").get(
        pk=report.pk
    )
    [found] = [s for s in dl.report_steps(report, today=today) if s.code == code]
    return found


# ---------------------------------------------------------------------------- ANM-3


def test_anm_3_protection_is_due_the_same_day_or_the_next():
    report = ReportFactory(received_at=at(D(2026, 3, 10)))
    assert step(report, Code.PROTECTION, D(2026, 3, 11)).due == D(2026, 3, 11)
    assert not step(report, Code.PROTECTION, D(2026, 3, 11)).overdue
    assert step(report, Code.PROTECTION, D(2026, 3, 12)).overdue
    assert late_reports(D(2026, 3, 11), dl.late_protection) == set()
    assert late_reports(D(2026, 3, 12), dl.late_protection) == {report}


def test_anm_3_a_recorded_protection_assessment_is_never_late():
    report = ReportFactory(received_at=at(D(2026, 3, 10)))
    ProtectionAssessmentFactory(report=report)
    assert late_reports(D(2026, 4, 1), dl.late_protection) == set()
    assert step(report, Code.PROTECTION, D(2026, 4, 1)).done


def test_anm_3_a_report_received_late_in_the_evening_counts_from_its_local_day():
    # 23:30 in Stockholm on 10 March is still 10 March, though 22:30 UTC.
    report = ReportFactory(received_at=at(D(2026, 3, 10), 23) + datetime.timedelta(minutes=30))
    assert step(report, Code.PROTECTION, D(2026, 3, 11)).due == D(2026, 3, 11)
    assert late_reports(D(2026, 3, 12), dl.late_protection) == {report}


def test_anm_3_set_to_working_days_the_rule_skips_the_weekend():
    DeadlineRuleFactory(code=Code.PROTECTION, days=1, working_days=True, reference="x")
    friday = ReportFactory(received_at=at(D(2026, 3, 13)))
    assert step(friday, Code.PROTECTION, D(2026, 3, 16)).due == D(2026, 3, 16)  # Monday
    assert late_reports(D(2026, 3, 16), dl.late_protection) == set()
    assert late_reports(D(2026, 3, 17), dl.late_protection) == {friday}


def test_anm_3_set_to_working_days_the_rule_skips_swedish_holidays():
    DeadlineRuleFactory(code=Code.PROTECTION, days=1, working_days=True, reference="x")
    # Skärtorsdag 2 April 2026; Good Friday 3 April, Easter Monday 6 April are holidays.
    report = ReportFactory(received_at=at(D(2026, 4, 2)))
    assert step(report, Code.PROTECTION, D(2026, 4, 7)).due == D(2026, 4, 7)
    assert late_reports(D(2026, 4, 7), dl.late_protection) == set()
    assert late_reports(D(2026, 4, 8), dl.late_protection) == {report}
    # Julafton and the days around it: a report of 23 December is due 28 December.
    christmas = ReportFactory(received_at=at(D(2026, 12, 23)))
    assert step(christmas, Code.PROTECTION, D(2026, 12, 28)).due == D(2026, 12, 28)


# ---------------------------------------------------------------------------- ANM-4


def test_anm_4_the_initial_assessment_is_due_14_calendar_days_after_receipt():
    report = ReportFactory(received_at=at(D(2026, 3, 1)))
    found = step(report, Code.INITIAL_ASSESSMENT, D(2026, 3, 15))
    assert found.due == D(2026, 3, 15)
    assert not found.overdue
    assert "20 kap. 2 §" in found.rule
    assert late_reports(D(2026, 3, 15), dl.late_initial_assessment) == set()
    assert late_reports(D(2026, 3, 16), dl.late_initial_assessment) == {report}


def test_anm_4_calendar_days_run_through_weekends_and_holidays():
    # 14 calendar days from 20 December end on 3 January, whatever holidays lie between.
    report = ReportFactory(received_at=at(D(2026, 12, 20)))
    assert step(report, Code.INITIAL_ASSESSMENT, D(2027, 1, 3)).due == D(2027, 1, 3)
    assert late_reports(D(2027, 1, 4), dl.late_initial_assessment) == {report}


def test_anm_4_set_to_working_days_the_rule_counts_the_swedish_calendar():
    DeadlineRuleFactory(code=Code.INITIAL_ASSESSMENT, days=10, working_days=True)
    # From Friday 18 December 2026: 21, 22, 23, 28, 29, 30 Dec, 4, 5, 7, 8 Jan (6 Jan a holiday).
    report = ReportFactory(received_at=at(D(2026, 12, 18)))
    assert step(report, Code.INITIAL_ASSESSMENT, D(2027, 1, 8)).due == D(2027, 1, 8)
    assert late_reports(D(2027, 1, 8), dl.late_initial_assessment) == set()
    assert late_reports(D(2027, 1, 9), dl.late_initial_assessment) == {report}


def test_anm_4_a_decision_is_never_late():
    assessment = InitialAssessmentFactory(
        not_opened=True, report=ReportFactory(received_at=at(D(2026, 1, 1)))
    )
    assert late_reports(D(2026, 6, 1), dl.late_initial_assessment) == set()
    assert step(assessment.report, Code.INITIAL_ASSESSMENT, D(2026, 6, 1)).done


def test_anm_4_an_extension_moves_the_due_date():
    report = ReportFactory(received_at=at(D(2026, 3, 1)))
    InitialAssessmentFactory(
        report=report, extended_until=D(2026, 3, 31),
        extension_reason="Barnet vistas utomlands; samtal kan hållas först i slutet av mars.",
    )  # fmt: skip
    found = step(report, Code.INITIAL_ASSESSMENT, D(2026, 3, 20))
    assert (found.due, found.overdue, found.extended) == (D(2026, 3, 31), False, True)
    assert late_reports(D(2026, 3, 31), dl.late_initial_assessment) == set()
    assert late_reports(D(2026, 4, 1), dl.late_initial_assessment) == {report}


# ---------------------------------------------------------------------------- ANM-5


def late_investigations(today: D) -> set[Investigation]:
    return set(Investigation.objects.filter(dl.late_investigation(today, dl.deadline_rules())))


def test_anm_5_four_months_from_31_october_end_on_28_february():
    investigation = InvestigationFactory(opened_on=D(2026, 10, 31))
    assert dl.investigation_step(investigation, today=D(2027, 2, 28)).due == D(2027, 2, 28)
    assert late_investigations(D(2027, 2, 28)) == set()
    assert late_investigations(D(2027, 3, 1)) == {investigation}


def test_anm_5_several_opening_days_share_a_month_end_due_date():
    # 28, 29, 30 and 31 October 2026 all end on 28 February 2027: none late that day.
    opened = [InvestigationFactory(opened_on=D(2026, 10, day)) for day in (27, 28, 29, 30, 31)]
    assert late_investigations(D(2027, 2, 28)) == {opened[0]}
    assert {dl.investigation_step(i).due for i in opened[1:]} == {D(2027, 2, 28)}


def test_anm_5_an_extension_moves_the_due_date_and_a_finished_one_is_never_late():
    investigation = InvestigationFactory(
        opened_on=D(2026, 1, 15), extended_until=D(2026, 7, 15),
        extension_reason="Utredningen väntar på BUP:s bedömning.",
    )  # fmt: skip
    assert dl.investigation_step(investigation).due == D(2026, 7, 15)
    assert late_investigations(D(2026, 7, 15)) == set()
    assert late_investigations(D(2026, 7, 16)) == {investigation}
    investigation.finished_on = D(2026, 7, 10)
    investigation.save()
    assert late_investigations(D(2026, 12, 1)) == set()


# ---------------------------------------------------------------------------- ANM-6


def _decided(decision: str, decided: D, requested: datetime.datetime | None) -> Report:
    report = ReportFactory(received_at=at(decided - datetime.timedelta(days=3)))
    report.feedback_requested_at = requested
    report.save()
    trait = {"opened": {"opened": True}, "not_opened": {"not_opened": True}}.get(decision)
    if trait:
        InitialAssessmentFactory(report=report, decided_at=at(decided), **trait)
    else:
        investigation = InvestigationFactory(child=report.child, organisation=report.organisation)
        InitialAssessmentFactory(
            report=report, decision=decision, decided_at=at(decided),
            decided_by=investigation.opened_by, investigation=investigation,
        )  # fmt: skip
    return report


def test_anm_6_feedback_asked_before_the_decision_is_due_a_week_after_it():
    report = _decided("not_opened", D(2026, 5, 4), requested=at(D(2026, 5, 1)))
    found = step(report, Code.FEEDBACK, D(2026, 5, 11))
    assert (found.due, found.at_once, found.overdue) == (D(2026, 5, 11), False, False)
    assert late_reports(D(2026, 5, 11), dl.late_feedback) == set()
    assert late_reports(D(2026, 5, 12), dl.late_feedback) == {report}


def test_anm_6_feedback_asked_after_the_decision_is_due_at_once():
    report = _decided("opened", D(2026, 5, 4), requested=at(D(2026, 5, 6)))
    found = step(report, Code.FEEDBACK, D(2026, 5, 6))
    assert (found.due, found.at_once) == (D(2026, 5, 6), True)
    assert late_reports(D(2026, 5, 6), dl.late_feedback) == set()
    assert late_reports(D(2026, 5, 7), dl.late_feedback) == {report}


def test_anm_6_feedback_when_already_under_way_is_due_the_day_of_the_decision():
    report = _decided("under_way", D(2026, 5, 4), requested=at(D(2026, 5, 1)))
    found = step(report, Code.FEEDBACK, D(2026, 5, 4))
    assert (found.due, found.at_once) == (D(2026, 5, 4), True)
    assert late_reports(D(2026, 5, 4), dl.late_feedback) == set()
    assert late_reports(D(2026, 5, 5), dl.late_feedback) == {report}


def test_anm_6_no_feedback_is_due_unasked_undecided_given_or_to_the_public():
    unasked = _decided("not_opened", D(2026, 5, 4), requested=None)
    assert not [s for s in dl.report_steps(unasked) if s.code == Code.FEEDBACK]
    asked = at(D(2026, 5, 1))
    undecided = ReportFactory(received_at=asked, feedback_requested_at=asked)
    assert step(undecided, Code.FEEDBACK, D(2026, 6, 1)).due is None
    given = _decided("not_opened", D(2026, 5, 4), requested=at(D(2026, 5, 1)))
    FeedbackFactory(report=given)
    public = _decided("not_opened", D(2026, 5, 4), requested=at(D(2026, 5, 1)))
    Report.objects.filter(pk=public.pk).update(
        reporter_kind=Report.ReporterKind.PUBLIC, reporter_staff=None
    )
    assert late_reports(D(2026, 6, 1), dl.late_feedback) == set()
    assert step(given, Code.FEEDBACK, D(2026, 6, 1)).done


def test_anm_6_set_to_working_days_a_week_becomes_five_working_days():
    DeadlineRuleFactory(code=Code.FEEDBACK, days=5, working_days=True, reference="x")
    # Decided Thursday 30 April 2026: 1 May is a holiday, so 4, 5, 6, 7, 8 May.
    report = _decided("not_opened", D(2026, 4, 30), requested=at(D(2026, 4, 29)))
    assert step(report, Code.FEEDBACK, D(2026, 5, 8)).due == D(2026, 5, 8)
    assert late_reports(D(2026, 5, 8), dl.late_feedback) == set()
    assert late_reports(D(2026, 5, 9), dl.late_feedback) == {report}


def test_the_rules_label_shows_the_period_and_the_legal_reference():
    rule = dl.deadline_rules()[Code.INITIAL_ASSESSMENT]
    with override("en"):
        assert dl.rule_label(rule) == "14 days · SoL (2025:400) 20 kap. 2 §"
