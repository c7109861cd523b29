"""A report of concern is a record kind on the one access core: its intake unit has it in the
queue, the professional who wrote it follows it as its author, and nobody else sees it — not
another unit of the same social services (SEK-4), not another organisation with a consent."""

import pytest

from samsyn.access import rules as access
from samsyn.access.models import Category, Purpose
from samsyn.children.tests.factories import InvolvementFactory
from samsyn.concerns.models import Report
from samsyn.concerns.tests.factories import InvestigationFactory, ReportFactory
from samsyn.consent.tests.factories import ConsentFactory
from samsyn.directory.models import Organisation, Role
from samsyn.directory.tests.factories import MembershipFactory, UnitFactory, actor_of

pytestmark = pytest.mark.django_db

INVESTIGATION = Purpose.INVESTIGATION


def actor_in(unit, role=Role.CASEWORKER, staff=None):
    membership = MembershipFactory(unit=unit, role=role, **({"staff": staff} if staff else {}))
    return actor_of(membership)


def visible(actor):
    return set(access.restrict(actor, Report.objects.all(), purpose=INVESTIGATION))


def test_sek_4_the_intake_unit_sees_its_queue_and_no_other_unit_does():
    report = ReportFactory()
    intake = actor_in(report.intake_unit)
    colleague = actor_in(UnitFactory(organisation=report.organisation, name="Öppenvård"))
    assert visible(intake) == {report}
    assert access.decide(intake, report, purpose=INVESTIGATION).basis == "participation"
    assert visible(colleague) == set()
    assert not access.decide(colleague, report, purpose=INVESTIGATION).allowed


def test_anm_6_the_professional_reporter_reads_the_report_as_its_author_and_only_that():
    report = ReportFactory()
    reporter = actor_in(report.reporter_unit, Role.SCHOOL_NURSE, staff=report.reporter_staff)
    same_school = actor_in(report.reporter_unit, Role.SCHOOL_NURSE)
    assert visible(reporter) == {report}
    decision = access.decide(reporter, report, purpose=Purpose.SUPPORT)
    assert (decision.allowed, decision.basis) == (True, "author")
    assert visible(same_school) == set()
    assert not access.decide(same_school, report, purpose=Purpose.SUPPORT).allowed


def test_sek_1_another_organisation_with_consent_and_involvement_does_not_see_the_report():
    report = ReportFactory()
    bup = UnitFactory(organisation__kind=Organisation.Kind.BUP)
    InvolvementFactory(child=report.child, unit=bup)
    ConsentFactory(
        child=report.child, receiving_organisation=bup.organisation, by_child=True,
        categories=[Category.SOCIAL], purposes=[Purpose.TREATMENT, INVESTIGATION],
    )  # fmt: skip
    clinician = actor_in(bup, Role.CLINICIAN)
    assert visible(clinician) == set()
    assert not access.decide(clinician, report, purpose=Purpose.TREATMENT).allowed


def test_a_report_not_yet_linked_to_a_child_opens_to_its_intake_unit_only():
    report = ReportFactory(unlinked=True)
    intake = actor_in(report.intake_unit)
    other = actor_in(UnitFactory(organisation=report.organisation))
    assert visible(intake) == {report}
    decision = access.decide(intake, report, purpose=INVESTIGATION)
    assert decision.as_audit() == {
        "basis": "participation", "record": "report", "record_id": report.pk,
    }  # fmt: skip
    assert visible(other) == set()
    assert not access.decide(other, report, purpose=INVESTIGATION).allowed


def test_the_investigating_unit_sees_the_childs_reports_through_its_investigation():
    report = ReportFactory()
    investigation = InvestigationFactory(child=report.child, organisation=report.organisation)
    investigator = actor_in(investigation.unit)
    assert visible(investigator) == {report}
    assert access.decide(investigator, report, purpose=INVESTIGATION).as_audit() == {
        "basis": "participation", "record": "investigation", "record_id": investigation.pk,
    }  # fmt: skip
    investigation.finished_on = investigation.opened_on
    investigation.save()
    assert visible(investigator) == set()


def test_the_author_is_the_person_not_the_staff_members_other_roles():
    report = ReportFactory()
    elsewhere = actor_in(UnitFactory(), Role.CASEWORKER, staff=report.reporter_staff)
    # The same person acting for another unit still wrote it: authorship is personal.
    assert visible(elsewhere) == {report}
