"""Issue 9 from end to end, the seed's school: a school counsellor reports a concern about a
pupil and asks for feedback; the municipality's intake records the protection assessment and
opens an investigation; the school then reads, on its own report, the one answer the law allows
(ANM-2, ANM-3, ANM-4, ANM-6) — and nothing else of intake's work. axe-core checks every page."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect
from staff import heading, sign_in_staff, sv

from samsyn.children.tests.factories import ChildFactory, identity_number
from samsyn.concerns.models import Investigation, Report
from samsyn.concerns.tests.factories import IntakeFactory
from samsyn.directory.models import Organisation, Principal, Role
from samsyn.directory.tests.factories import MembershipFactory, PrincipalFactory, UnitFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SEEN = (
    "Noah kommer till skolan hungrig varje morgon och har haft blåmärken på armarna två "
    "veckor i rad. Han säger att han inte vill gå hem."
)
PROTECTION = "Inget akut skyddsbehov i dag: Noah är i skolan och bor hos sin mormor över helgen."
REASONS = "Uppgifterna om blåmärken och hunger behöver utredas tillsammans med skolan."


@pytest.fixture
def county(django_db_serialized_rollback, transactional_db):
    municipality = PrincipalFactory(
        kind=Principal.Kind.MUNICIPALITY, name="Örebro kommun", code="1880"
    )
    intake = IntakeFactory(
        municipality=municipality, organisation__name="Socialtjänsten Örebro",
        unit__name="Barn och unga – mottagning",
    )  # fmt: skip
    investigators = UnitFactory(organisation=intake.organisation, name="Barn och unga – utredning")
    school = UnitFactory(
        name="Ekängsskolan", municipality=municipality, organisation__principal=municipality,
        organisation__kind=Organisation.Kind.SCHOOL, organisation__name="Grundskola Örebro",
    )  # fmt: skip
    child = ChildFactory(
        municipality=municipality, first_name="Noah", last_name="Berg",
        identity_number=identity_number(datetime.date(2015, 9, 14), 17),
    )  # fmt: skip
    return {
        "counsellor": MembershipFactory(unit=school, role=Role.SCHOOL_COUNSELLOR),
        "intake": MembershipFactory(unit=intake.unit, role=Role.CASEWORKER),
        "investigators": investigators,
        "child": child,
    }


def test_anm_6_a_schools_report_gets_its_answer(new_page, county, assert_accessible):
    child = county["child"]

    # The school reports, signed in and named (ANM-2), and asks for feedback.
    school = new_page()
    sign_in_staff(school, county["counsellor"].staff.user, assert_accessible)
    school.get_by_role("navigation").get_by_role("link", name=sv("Report a concern")).click()
    school.get_by_label(sv("The child's identity number")).fill(child.identity_display)
    school.get_by_label(sv("What have you seen or heard?")).fill(SEEN)
    school.get_by_label(sv("not acute")).check()
    school.get_by_label(sv("I ask for feedback on whether an investigation is opened")).check()
    school.get_by_role("button", name=sv("Send the report")).click()
    report = Report.objects.get()
    expect(heading(school)).to_contain_text(report.reference)
    assert_accessible(school)

    # Intake finds it in the queue, linked by the number, and works it.
    intake = new_page()
    sign_in_staff(intake, county["intake"].staff.user, assert_accessible)
    intake.get_by_role("link", name=sv("Open the intake queue")).click()
    intake.get_by_role("link", name=report.reference).click()
    expect(intake.locator("main")).to_contain_text(SEEN)
    assert_accessible(intake)

    intake.get_by_role("link", name=sv("Record the protection assessment")).click()
    intake.get_by_label(sv("No"), exact=True).check()
    intake.get_by_label(sv("Assessment"), exact=True).fill(PROTECTION)
    intake.get_by_role("button", name=sv("Record the protection assessment")).click()
    expect(intake.get_by_text(sv("The protection assessment is recorded."))).to_be_visible()

    intake.get_by_role("link", name=sv("Decide the initial assessment")).click()
    intake.get_by_label(sv("investigation opened"), exact=True).check()
    intake.get_by_label(sv("Unit that investigates")).select_option(
        label=county["investigators"].name
    )
    intake.get_by_label(re.compile(f"^{sv('Reasons')}")).fill(REASONS)
    intake.get_by_role("button", name=sv("Record the decision")).click()
    expect(intake.get_by_text(sv("The decision is recorded."))).to_be_visible()
    assert_accessible(intake)

    intake.get_by_role("link", name=sv("Give feedback to the reporter")).click()
    intake.get_by_label(sv("investigation opened"), exact=True).check()
    intake.get_by_role("button", name=sv("Give the feedback")).click()
    expect(intake.get_by_text(sv("The feedback is recorded as given."))).to_be_visible()
    assert Investigation.objects.get().unit == county["investigators"]

    # The school reads the one answer, and nothing of intake's work.
    school.goto(f"/concerns/reports/mine/{report.pk}/")
    feedback = school.get_by_role("region", name=sv("Feedback from social services"))
    expect(feedback).to_contain_text(sv("investigation opened").capitalize())
    main = school.locator("main")
    for secret in (PROTECTION, REASONS, county["investigators"].name, "Noah Berg"):
        expect(main).not_to_contain_text(secret)
    assert_accessible(school)
    school.goto("/concerns/reports/mine/")
    expect(school.locator("main")).to_contain_text(sv("investigation opened").capitalize())
    assert_accessible(school)
