"""Intake's steps on a report (DOMAIN ANM-3…ANM-5, SEK-4): the queue of the intake unit and no
other unit's, linking to a child Samsyn knows and never to a duplicate, the protection
assessment recorded once, the initial assessment's three decisions, extensions only with
reasons, and two intake workers never overwriting each other."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from samsyn.access.models import Purpose
from samsyn.audit.models import Entry
from samsyn.children.models import Child, Involvement
from samsyn.children.tests.factories import ChildFactory
from samsyn.common.errors import AccessDenied
from samsyn.concerns.models import InitialAssessment, Investigation
from samsyn.concerns.selectors import ReportNotFound
from samsyn.concerns.selectors import intake as selectors
from samsyn.concerns.services import intake as services
from samsyn.concerns.tests.factories import (
    InitialAssessmentFactory,
    InvestigationFactory,
    ReportFactory,
)
from samsyn.directory.models import Role
from samsyn.directory.tests.factories import MembershipFactory, UnitFactory, actor_of

pytestmark = pytest.mark.django_db

Decision = InitialAssessment.Decision


def actor_in(unit, role=Role.CASEWORKER):
    return actor_of(MembershipFactory(unit=unit, role=role))


def events(event: str, actor) -> list[Entry]:
    # This test's rows only: the log is append-only, and browser tests leave theirs behind.
    return list(Entry.objects.filter(action=event, staff_id=actor.staff.pk))


# ---------------------------------------------------------------------------- queue


def test_sek_4_the_queue_is_the_intake_units_and_no_other_units_of_the_same_social_services():
    report = ReportFactory()
    intake = actor_in(report.intake_unit)
    colleague = actor_in(UnitFactory(organisation=report.organisation, name="Öppenvård"))
    other_intake = actor_in(ReportFactory().intake_unit)
    assert [row.report for row in selectors.queue_page_for(intake)] == [report]
    assert list(selectors.queue_page_for(colleague)) == []
    assert [row.report for row in selectors.queue_page_for(other_intake)] != [report]
    with pytest.raises(ReportNotFound):
        selectors.report_page_for(colleague, report_id=report.pk)
    denied = Entry.objects.get(outcome="denied", staff_id=colleague.staff.pk)
    assert denied.object_id == str(report.pk)


def test_the_queue_puts_acute_first_then_newest_and_filters():
    first = ReportFactory()
    intake_unit = first.intake_unit
    newer = ReportFactory(intake=first.intake, received_at=timezone.now())
    acute = ReportFactory(
        intake=first.intake, urgency="acute",
        received_at=timezone.now() - datetime.timedelta(days=3),
    )  # fmt: skip
    unlinked = ReportFactory(
        intake=first.intake, unlinked=True,
        received_at=timezone.now() - datetime.timedelta(days=30),
    )  # fmt: skip
    intake = actor_in(intake_unit)
    rows = list(selectors.queue_page_for(intake))
    assert [row.report for row in rows] == [acute, newer, first, unlinked]
    assert [r.report for r in selectors.queue_page_for(intake, acute=True)] == [acute]
    assert [r.report for r in selectors.queue_page_for(intake, unlinked=True)] == [unlinked]
    # Three days old: the protection assessment is late; thirty: the initial assessment too.
    late = list(selectors.queue_page_for(intake, overdue=True))
    assert [row.report for row in late] == [acute, unlinked]
    assert [{step.code for step in row.overdue} for row in late] == [
        {"protection"}, {"protection", "initial_assessment"},
    ]  # fmt: skip
    listed = Entry.objects.filter(object_type="report_queue", staff_id=intake.staff.pk).first()
    assert listed.detail["report_ids"]


def test_a_decided_report_leaves_the_queue_unless_feedback_is_waiting():
    assessment = InitialAssessmentFactory(not_opened=True)
    intake = actor_in(assessment.report.intake_unit)
    assert list(selectors.queue_page_for(intake)) == []
    assert len(list(selectors.queue_page_for(intake, include_done=True))) == 1
    assessment.report.feedback_requested_at = timezone.now()
    assessment.report.save()
    assert len(list(selectors.queue_page_for(intake))) == 1


# ---------------------------------------------------------------------------- linking


def test_a_report_with_a_known_identity_number_matches_that_child_exactly():
    child = ChildFactory()
    report = ReportFactory(unlinked=True, given_identity_number=child.identity_number)
    intake = actor_in(report.intake_unit)
    [candidate] = selectors.match_candidates(intake, report)
    assert (candidate.id, candidate.exact) == (child.pk, True)
    services.link_report(actor=intake, report_id=report.pk, child_id=child.pk, version=1)
    report.refresh_from_db()
    assert (report.child, report.linked_by, report.version) == (child, intake.staff, 2)
    assert events("report_linked", intake)[0].child_id == child.pk


def test_matching_by_name_and_address_shows_little_and_never_creates_a_duplicate():
    report = ReportFactory(unlinked=True)  # "Kim Okänd", Storgatan 1
    kim = ChildFactory(
        first_name="Kim", last_name="Okänd", street_address="Storgatan 1",
        municipality=report.intake.municipality,
    )  # fmt: skip
    ChildFactory(first_name="Kim", last_name="Annan", municipality=report.intake.municipality)
    protected = ChildFactory(
        first_name="Kim", last_name="Okändsson", protected_identity=True,
        municipality=report.intake.municipality,
    )  # fmt: skip
    intake = actor_in(report.intake_unit)
    before = Child.objects.count()
    found = {c.id: c for c in selectors.match_candidates(intake, report)}
    assert set(found) == {kim.pk, protected.pk}
    assert found[kim.pk].address.startswith("Storgatan 1")
    assert found[protected.pk].address == ""  # a protected address is never shown
    match = Entry.objects.get(object_type="report_match", staff_id=intake.staff.pk)
    assert set(match.detail["child_ids"]) == {kim.pk, protected.pk}
    other = ChildFactory(first_name="Lo", municipality=report.intake.municipality)
    with pytest.raises(ValidationError):
        services.link_report(actor=intake, report_id=report.pk, child_id=other.pk, version=1)
    services.link_report(actor=intake, report_id=report.pk, child_id=kim.pk, version=1)
    assert Child.objects.count() == before + 1  # only `other`, made above by the test
    with pytest.raises(ValidationError):
        services.link_report(actor=intake, report_id=report.pk, child_id=kim.pk, version=2)


def test_no_match_offers_no_child_and_links_nothing():
    report = ReportFactory(unlinked=True, given_name="Ingen Sådan")
    intake = actor_in(report.intake_unit)
    assert selectors.match_candidates(intake, report) == []


# ---------------------------------------------------------------------------- ANM-3, ANM-4


def test_anm_3_protection_assessment_is_recorded_once_and_audited():
    report = ReportFactory()
    intake = actor_in(report.intake_unit)
    services.assess_protection(
        actor=intake, report_id=report.pk, immediate_protection_needed=True,
        assessment="Akut: placering övervägs.", version=1,
    )  # fmt: skip
    with pytest.raises(ValidationError):
        services.assess_protection(
            actor=intake, report_id=report.pk, immediate_protection_needed=False,
            assessment="igen", version=2,
        )  # fmt: skip
    [entry] = events("protection_assessed", intake)
    assert entry.detail == {"immediate_protection_needed": True}


def test_two_intake_workers_never_overwrite_each_other():
    report = ReportFactory()
    first, second = actor_in(report.intake_unit), actor_in(report.intake_unit)
    services.assess_protection(
        actor=first, report_id=report.pk, immediate_protection_needed=False,
        assessment="Inget akut skyddsbehov.", version=1,
    )  # fmt: skip
    with pytest.raises(services.StaleReport):
        services.decide_initial_assessment(
            actor=second, report_id=report.pk, decision=Decision.NOT_OPENED,
            reasons="Saknar grund.", version=1,
        )  # fmt: skip
    assert not InitialAssessment.objects.filter(report=report).exists()


def test_anm_4_opening_an_investigation_gives_the_unit_the_child():
    report = ReportFactory()
    intake = actor_in(report.intake_unit)
    team = UnitFactory(organisation=report.organisation, name="Barnutredning")
    caseworker = MembershipFactory(unit=team, role=Role.CASEWORKER)
    assessment = services.decide_initial_assessment(
        actor=intake, report_id=report.pk, decision=Decision.OPENED, version=1,
        unit_id=team.pk, caseworker_id=caseworker.staff.pk,
    )  # fmt: skip
    investigation = assessment.investigation
    assert (investigation.unit, investigation.caseworker) == (team, caseworker.staff)
    assert investigation.organisation == report.organisation
    assert Involvement.objects.filter(child=report.child, unit=team).exists()
    assert events("investigation_opened", intake)
    assert events("initial_assessment_decided", intake)
    # The investigator now reads the report about the child.
    selectors.report_page_for(actor_of(caseworker), report_id=report.pk)


def test_anm_4_a_unit_of_another_organisation_cannot_investigate():
    report = ReportFactory()
    intake = actor_in(report.intake_unit)
    with pytest.raises(ValidationError) as refused:
        services.decide_initial_assessment(
            actor=intake, report_id=report.pk, decision=Decision.OPENED, version=1,
            unit_id=UnitFactory().pk,
        )  # fmt: skip
    assert "unit" in refused.value.error_dict
    assert not Investigation.objects.exists()


def test_anm_4_already_under_way_joins_the_childs_open_investigation():
    earlier = InitialAssessmentFactory(opened=True)
    report = ReportFactory(intake=earlier.report.intake, child=earlier.report.child)
    intake = actor_in(report.intake_unit)
    joined = services.decide_initial_assessment(
        actor=intake, report_id=report.pk, decision=Decision.UNDER_WAY, version=1
    )
    assert joined.investigation == earlier.investigation
    # Both reports show in each other's history, linked through the child.
    view = selectors.report_page_for(intake, report_id=report.pk)
    assert view.history == [earlier.report]


def test_anm_4_already_under_way_is_refused_with_no_open_investigation():
    report = ReportFactory()
    intake = actor_in(report.intake_unit)
    with pytest.raises(ValidationError) as refused:
        services.decide_initial_assessment(
            actor=intake, report_id=report.pk, decision=Decision.UNDER_WAY, version=1
        )
    assert "decision" in refused.value.error_dict
    assert not InitialAssessment.objects.filter(report=report).exists()


def test_anm_4_opening_a_second_investigation_for_the_child_is_refused():
    earlier = InitialAssessmentFactory(opened=True)
    report = ReportFactory(intake=earlier.report.intake, child=earlier.report.child)
    intake = actor_in(report.intake_unit)
    with pytest.raises(ValidationError):
        services.decide_initial_assessment(
            actor=intake, report_id=report.pk, decision=Decision.OPENED, version=1,
            unit_id=report.intake_unit.pk,
        )  # fmt: skip
    assert Investigation.objects.count() == 1


def test_anm_4_not_opened_needs_reasons_and_a_decision_is_made_once():
    report = ReportFactory()
    intake = actor_in(report.intake_unit)
    with pytest.raises(ValidationError):
        services.decide_initial_assessment(
            actor=intake, report_id=report.pk, decision=Decision.NOT_OPENED, version=1
        )
    services.decide_initial_assessment(
        actor=intake, report_id=report.pk, decision=Decision.NOT_OPENED,
        reasons="Uppgifterna är redan kända och utredda.", version=1,
    )  # fmt: skip
    with pytest.raises(ValidationError):
        services.decide_initial_assessment(
            actor=intake, report_id=report.pk, decision=Decision.NOT_OPENED, reasons="x",
            version=2,
        )  # fmt: skip


def test_anm_4_an_extension_needs_exceptional_reasons_and_a_later_day():
    report = ReportFactory()
    intake = actor_in(report.intake_unit)
    later = timezone.localdate() + datetime.timedelta(days=30)
    with pytest.raises(ValidationError):
        services.extend_initial_assessment(
            actor=intake, report_id=report.pk, until=later, reasons=" ", version=1
        )
    with pytest.raises(ValidationError):
        services.extend_initial_assessment(
            actor=intake, report_id=report.pk, until=timezone.localdate(), reasons="x",
            version=1,
        )  # fmt: skip
    assessment = services.extend_initial_assessment(
        actor=intake, report_id=report.pk, until=later,
        reasons="Barnet går inte att nå förrän om en månad.", version=1,
    )  # fmt: skip
    assert assessment.extended_until == later
    assert events("initial_assessment_extended", intake)


def test_the_investigating_unit_reads_the_report_but_takes_no_intake_step():
    assessment = InitialAssessmentFactory(opened=True)
    investigator = actor_in(assessment.investigation.unit)
    selectors.report_page_for(investigator, report_id=assessment.report.pk)
    with pytest.raises(AccessDenied):
        services.record_feedback_request(
            actor=investigator, report_id=assessment.report.pk, version=1
        )


def test_the_author_does_not_read_intakes_page():
    report = ReportFactory()
    author = actor_of(MembershipFactory(staff=report.reporter_staff, unit=report.reporter_unit))
    with pytest.raises(ReportNotFound):
        selectors.report_page_for(author, report_id=report.pk)


# ---------------------------------------------------------------------------- ANM-5


def test_anm_5_an_investigation_is_extended_by_a_recorded_decision_and_finished():
    investigation = InvestigationFactory()
    worker = actor_in(investigation.unit)
    due = investigation.opened_on
    with pytest.raises(ValidationError):
        services.extend_investigation(
            actor=worker, investigation_id=investigation.pk, until=due, reasons="x", version=1
        )
    until = investigation.opened_on + datetime.timedelta(days=200)
    services.extend_investigation(
        actor=worker, investigation_id=investigation.pk, until=until,
        reasons="Väntar på utlåtande från BUP.", version=1,
    )  # fmt: skip
    with pytest.raises(services.StaleInvestigation):
        services.finish_investigation(
            actor=worker, investigation_id=investigation.pk,
            finished_on=timezone.localdate(), outcome="Insats beviljad.", version=1,
        )  # fmt: skip
    services.finish_investigation(
        actor=worker, investigation_id=investigation.pk, finished_on=timezone.localdate(),
        outcome="Insats beviljad.", version=2,
    )  # fmt: skip
    investigation.refresh_from_db()
    assert (investigation.extended_until, investigation.finished_on) == (
        until, timezone.localdate(),
    )  # fmt: skip
    assert events("investigation_extended", worker)
    assert events("investigation_finished", worker)


def test_the_unit_manager_sees_the_units_overdue_reports_and_investigations():
    old = timezone.now() - datetime.timedelta(days=40)
    report = ReportFactory(received_at=old)
    manager = actor_in(report.intake_unit, Role.UNIT_MANAGER)
    investigation = InvestigationFactory(
        organisation=report.organisation, opened_on=timezone.localdate().replace(year=2020)
    )
    items = selectors.overdue_for_unit(manager)
    assert (items.report_count, [r.report for r in items.reports]) == (1, [report])
    assert items.investigation_count == 0  # another unit's investigation
    investigation_manager = actor_in(investigation.unit, Role.UNIT_MANAGER)
    items = selectors.overdue_for_unit(investigation_manager)
    assert [inv for inv, _step in items.investigations] == [investigation]
    listed = Entry.objects.filter(
        object_type="concerns_overdue_list", staff_id=investigation_manager.staff.pk
    ).get()
    assert listed.purpose == Purpose.FOLLOW_UP
