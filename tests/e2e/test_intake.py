"""Issue 9, intake in the browser: a caseworker of a municipality's intake unit opens the queue
from the start page, links a school's report to the child Samsyn knows, records the protection
assessment and the initial assessment's decision, and gives the school its feedback (ANM-3,
ANM-4, ANM-6). axe-core checks every page, and the intake pages again at 360 px wide, where
none may scroll sideways."""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect
from staff import heading, sign_in_staff, sv

from samsyn.children.tests.factories import ChildFactory
from samsyn.concerns.models import Feedback, InitialAssessment, ProtectionAssessment, Report
from samsyn.concerns.tests.factories import IntakeFactory, ReportFactory
from samsyn.directory.models import Organisation, Role
from samsyn.directory.tests.factories import MembershipFactory, PrincipalFactory, UnitFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def town(django_db_serialized_rollback, transactional_db):
    municipality = PrincipalFactory(name="Lindesbergs kommun", code="1885")
    intake = IntakeFactory(
        municipality=municipality,
        organisation__name="Socialtjänsten Lindesberg",
        unit__name="Mottagningen",
    )
    UnitFactory(organisation=intake.organisation, name="Barnutredningar")
    caseworker = MembershipFactory(unit=intake.unit, role=Role.CASEWORKER)
    child = ChildFactory(
        first_name="Ella", last_name="Lind", municipality=municipality,
        street_address="Kyrkogatan 3", city="Lindesberg",
    )  # fmt: skip
    school = UnitFactory(
        name="Lindboskolan", organisation__kind=Organisation.Kind.SCHOOL,
        organisation__name="Lindesbergs skolor", organisation__principal=municipality,
    )  # fmt: skip
    # The school named the child by name and address only: intake links it.
    report = ReportFactory(
        intake=intake, child=None, given_identity_number="", given_name="Ella Lind",
        given_address="Kyrkogatan 3, Lindesberg", reporter_unit=school,
        received_at=timezone.now() - datetime.timedelta(hours=2),
        feedback_requested_at=timezone.now() - datetime.timedelta(hours=2),
    )  # fmt: skip
    return {"caseworker": caseworker, "child": child, "report": report}


def fits(page: Page, check) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url}: the page is {width} px wide"
    check(page)


def test_intake_links_assesses_decides_and_gives_feedback(
    new_page, town, live_server, assert_accessible
):
    report, child = town["report"], town["child"]
    page = new_page()
    sign_in_staff(page, town["caseworker"].staff.user, assert_accessible)

    # The start page: the queue's counts and the way in.
    expect(page.get_by_role("heading", name=sv("Reports of concern"))).to_be_visible()
    page.get_by_role("link", name=sv("Open the intake queue")).click()
    expect(heading(page)).to_have_text(sv("Intake queue"))
    assert_accessible(page)
    page.get_by_role("link", name=report.reference).click()
    expect(heading(page)).to_contain_text(report.reference)
    assert_accessible(page)

    # Link: the search found the child by name at the address; a person confirms it.
    page.get_by_role("link", name=sv("Find and link the child")).click()
    assert_accessible(page)
    page.get_by_label(re.compile(r"^Ella Lind, ")).check()
    page.get_by_role("button", name=sv("Link to this child")).click()
    expect(page.get_by_text(sv("The report is linked to the child."))).to_be_visible()
    assert_accessible(page)

    # Protection assessment (ANM-3).
    page.get_by_role("link", name=sv("Record the protection assessment")).click()
    assert_accessible(page)
    page.get_by_label(sv("No"), exact=True).check()
    page.get_by_label(sv("Assessment"), exact=True).fill(
        "Inget akut skyddsbehov: barnet bor hos sin mamma, som samarbetar."
    )
    page.get_by_role("button", name=sv("Record the protection assessment")).click()
    expect(page.get_by_text(sv("The protection assessment is recorded."))).to_be_visible()

    # Initial assessment: a decision without reasons is refused, what was chosen kept.
    page.get_by_role("link", name=sv("Decide the initial assessment")).click()
    assert_accessible(page)
    page.get_by_label(sv("investigation not opened"), exact=True).check()
    page.get_by_role("button", name=sv("Record the decision")).click()
    expect(page.get_by_role("heading", name=sv("Please correct the following"))).to_be_visible()
    assert_accessible(page)
    expect(page.get_by_label(sv("investigation not opened"), exact=True)).to_be_checked()
    page.get_by_label(re.compile(f"^{sv('Reasons')}")).fill(
        "Skolan och mamman har redan kontakt med elevhälsan; inget tyder på att barnet far illa."
    )
    page.get_by_role("button", name=sv("Record the decision")).click()
    expect(page.get_by_text(sv("The decision is recorded."))).to_be_visible()

    # Feedback (ANM-6): the form offers the decision and nothing else.
    page.get_by_role("link", name=sv("Give feedback to the reporter")).click()
    assert_accessible(page)
    expect(page.get_by_role("radio")).to_have_count(1)
    expect(page.get_by_role("textbox")).to_have_count(0)
    page.get_by_label(sv("investigation not opened"), exact=True).check()
    page.get_by_role("button", name=sv("Give the feedback")).click()
    expect(page.get_by_text(sv("The feedback is recorded as given."))).to_be_visible()
    assert_accessible(page)

    report = Report.objects.get(pk=report.pk)
    assert report.child == child
    assert ProtectionAssessment.objects.filter(report=report).exists()
    decision = InitialAssessment.objects.get(report=report).decision
    assert Feedback.objects.get(report=report).answer == decision == "not_opened"

    # The same pages at phone size: nothing scrolls sideways, axe finds nothing.
    phone = new_page()
    phone.set_viewport_size(PHONE)
    phone.context.add_cookies(page.context.cookies())
    for url in [
        "/",
        "/concerns/intake/",
        "/concerns/intake/?done=on",
        f"/concerns/intake/{report.pk}/",
        f"/concerns/intake/{report.pk}/meeting/",
    ]:
        response = phone.goto(url)
        assert response is not None
        assert response.status == 200, url
        fits(phone, assert_accessible)
    assert settings.LANGUAGE_CODE == "sv"
