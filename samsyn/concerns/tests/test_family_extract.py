"""The family's extract of who read the child's data (LOG-1) never tells who reported a concern:
the reporter's filing and following of their own report are left out; social services' reads of
it are listed."""

import pytest

from samsyn.audit.selectors import staff_accesses_to_child
from samsyn.children.tests.factories import ChildFactory
from samsyn.concerns.selectors.intake import report_page_for
from samsyn.concerns.selectors.reporting import my_report_for
from samsyn.concerns.services.reporting import file_report, request_feedback
from samsyn.concerns.tests.factories import IntakeFactory
from samsyn.directory.models import Organisation, Role
from samsyn.directory.tests.factories import MembershipFactory, UnitFactory, actor_of

pytestmark = pytest.mark.django_db


def test_log_1_the_family_extract_does_not_name_the_reporter():
    intake = IntakeFactory()
    child = ChildFactory(municipality=intake.municipality)
    school = UnitFactory(organisation__kind=Organisation.Kind.SCHOOL, name="Lärkan")
    counsellor = actor_of(MembershipFactory(unit=school, role=Role.SCHOOL_COUNSELLOR))
    report = file_report(
        actor=counsellor, municipality_id=intake.municipality_id,
        identity_number=child.identity_number, child_name="", child_address="",
        what_seen="Barnet berättar att det blir slaget hemma.", urgency="not_acute",
        reporter_phone="019-123 45", feedback_requested=False,
    )  # fmt: skip
    my_report_for(counsellor, report_id=report.pk)
    request_feedback(actor=counsellor, report_id=report.pk)
    intake_worker = actor_of(MembershipFactory(unit=intake.unit, role=Role.CASEWORKER))
    report_page_for(intake_worker, report_id=report.pk)

    rows = staff_accesses_to_child(child_id=child.pk).rows
    assert {row.unit_name for row in rows} == {intake.unit.name}
    assert "Lärkan" not in {row.unit_name for row in rows}
