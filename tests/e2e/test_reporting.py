"""Issue 9, filing a report of concern in the browser: a school counsellor signs in, files a
report about a pupil and sees the receipt at once, then finds it among their own reports; a
member of the public files anonymously through the public form, without signing in and without
the staff's navigation. axe-core checks every page, also at 360 px wide, where no page may
scroll sideways."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import Page, expect
from staff import heading, sign_in_staff, sv

from samsyn.children.tests.factories import ChildFactory, identity_number
from samsyn.concerns.models import Report
from samsyn.concerns.tests.factories import IntakeFactory
from samsyn.directory.models import Organisation, Principal, Role
from samsyn.directory.tests.factories import MembershipFactory, PrincipalFactory, UnitFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 360, "height": 740}
SEEN = (
    "Alva har kommit till skolan utan mat och utan jacka fyra dagar i rad, och berättade i dag "
    "att hon inte vågar gå hem när pappa har druckit."
)
REFERENCE = re.compile(r"ANM-\d{4}-\d{6}")


@pytest.fixture
def county(django_db_serialized_rollback, transactional_db):
    """Demo-like: Örebro's social services with their intake, a school's counsellor, a pupil."""
    municipality = PrincipalFactory(
        kind=Principal.Kind.MUNICIPALITY, name="Örebro kommun", code="1880"
    )
    IntakeFactory(
        municipality=municipality, organisation__name="Socialtjänsten Örebro",
        organisation__phone="019-21 10 00", unit__name="Mottagningsenheten barn och unga",
    )  # fmt: skip
    PrincipalFactory(kind=Principal.Kind.MUNICIPALITY, name="Kumla kommun", code="1881")
    IntakeFactory(municipality=Principal.objects.get(name="Kumla kommun"))
    school = UnitFactory(
        name="Vivallaskolans elevhälsa", municipality=municipality,
        organisation__principal=municipality, organisation__kind=Organisation.Kind.SCHOOL,
        organisation__name="Vivallaskolan",
    )  # fmt: skip
    counsellor = MembershipFactory(
        unit=school, role=Role.SCHOOL_COUNSELLOR, staff__name="Karin Kurator",
        staff__phone="019-21 55 00",
    )  # fmt: skip
    child = ChildFactory(
        municipality=municipality, first_name="Alva", last_name="Lindqvist",
        identity_number=identity_number(datetime.date(2014, 4, 2), 42),
    )  # fmt: skip
    return {"counsellor": counsellor, "child": child}


def fits_a_phone(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url}: the page is {width} px wide"


def test_a_school_counsellor_files_a_report_and_sees_the_receipt(page, county, assert_accessible):
    child = county["child"]
    sign_in_staff(page, county["counsellor"].staff.user, assert_accessible)
    page.get_by_role("navigation").get_by_role("link", name=sv("Report a concern")).click()
    expect(heading(page)).to_have_text(sv("Report a concern about a child"))
    assert_accessible(page)
    # Nothing typed: a clear error, and the page still says where to call.
    page.get_by_role("button", name=sv("Send the report")).click()
    expect(page.locator(".ds-error-summary")).to_contain_text("Inget barn angivet")
    assert_accessible(page)
    page.get_by_label(sv("The child's identity number")).fill(child.identity_display)
    page.get_by_label(sv("What have you seen or heard?")).fill(SEEN)
    page.get_by_label(sv("not acute")).check()
    expect(page.get_by_label(sv("Your phone number"))).to_have_value("019-21 55 00")
    page.get_by_label(sv("I ask for feedback on whether an investigation is opened")).check()
    page.get_by_role("button", name=sv("Send the report")).click()

    expect(heading(page)).to_contain_text(REFERENCE)
    report = Report.objects.get()
    expect(heading(page)).to_contain_text(report.reference)
    expect(page.get_by_text(sv("Your report of concern has been received."))).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text("Socialtjänsten Örebro, Örebro kommun")
    expect(main).to_contain_text("019-21 10 00")
    expect(main).to_contain_text("samma dag eller nästa")
    expect(main).to_contain_text("Du har bett om återkoppling")
    expect(main).to_contain_text(SEEN)
    expect(main).not_to_contain_text("Alva Lindqvist")  # nothing Samsyn knew of the child
    assert report.child_id == child.pk
    assert_accessible(page)

    page.get_by_role("link", name=sv("Your reports of concern")).last.click()
    expect(page.get_by_role("link", name=report.reference)).to_be_visible()
    assert_accessible(page)

    page.set_viewport_size(PHONE)
    for url in ("/concerns/reports/new/", "/concerns/reports/mine/",
                f"/concerns/reports/mine/{report.pk}/"):  # fmt: skip
        page.goto(url)
        fits_a_phone(page)
        assert_accessible(page)


def test_a_member_of_the_public_files_anonymously(new_page, county, assert_accessible):
    page = new_page()
    page.goto("/anmalan/")
    expect(heading(page)).to_have_text(sv("Report a concern about a child"))
    expect(page.get_by_role("navigation", name=sv("Main menu"))).to_have_count(0)
    assert_accessible(page)
    page.get_by_label(sv("The municipality where the child lives")).select_option(
        label="Örebro kommun"
    )
    page.get_by_label(sv("The child's name")).fill("Alva")
    page.get_by_label(sv("The child's address")).fill("Vivalla, Örebro")
    page.get_by_label(sv("What have you seen or heard?")).fill(SEEN)
    page.get_by_label(sv("the child may need protection now")).check()
    page.get_by_label(sv("I want to be anonymous")).check()
    page.get_by_role("button", name=sv("Send the report")).click()

    expect(heading(page)).to_have_text(sv("Your report has been received"))
    report = Report.objects.get()
    expect(page.locator("main")).to_contain_text(report.reference)
    expect(page.locator("main")).to_contain_text("ingen återkoppling")
    expect(page.locator("main")).to_contain_text("112")
    assert (report.anonymous, report.reporter_name, report.child_id) == (True, "", None)
    assert_accessible(page)

    page.set_viewport_size(PHONE)
    for url in ("/anmalan/kvitto/", "/anmalan/"):
        page.goto(url)
        fits_a_phone(page)
        assert_accessible(page)
