"""Issue 8, item 3, as a caseworker meets it: on the child's page, add the guardian registration
left out, with an e-mail address; a mistyped identity number is explained first. axe-core checks
every page on the way, the error summary included."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page, expect
from staff import heading, sign_in_staff, sv

from samsyn.audit.models import Entry
from samsyn.children.selectors import guardians_of
from samsyn.children.tests.factories import ChildFactory, InvolvementFactory, identity_number
from samsyn.directory.models import Organisation, Role
from samsyn.directory.tests.factories import MembershipFactory, UnitFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

GUARDIAN_NUMBER = identity_number(datetime.date(1984, 3, 21), 642)


@pytest.fixture
def setting(django_db_serialized_rollback, transactional_db):
    unit = UnitFactory(organisation__kind=Organisation.Kind.SOCIAL_SERVICES)
    caseworker = MembershipFactory(unit=unit, role=Role.CASEWORKER)
    # An explicit number: ChildFactory's sequence overflows the serial after 999 children.
    child = ChildFactory(
        first_name="Elsa", last_name="Nordin",
        identity_number=identity_number(datetime.date(2014, 8, 2), 31),
    )  # fmt: skip
    InvolvementFactory(child=child, unit=unit)
    return {"caseworker": caseworker, "child": child}


def test_a_caseworker_adds_a_guardian_with_an_e_mail(page: Page, setting, assert_accessible):
    child, caseworker = setting["child"], setting["caseworker"]
    sign_in_staff(page, caseworker.staff.user, assert_accessible)
    page.goto(f"/children/{child.pk}/")
    expect(page.get_by_text(sv("No guardian recorded."))).to_be_visible()

    page.get_by_role("link", name=sv("Add a guardian"), exact=True).click()
    expect(heading(page)).to_have_text(sv("Add a guardian"))
    assert_accessible(page)

    # A wrong check digit: explained in the error summary, what was typed kept.
    wrong = f"{GUARDIAN_NUMBER[:8]}-{GUARDIAN_NUMBER[8:11]}{(int(GUARDIAN_NUMBER[11]) + 1) % 10}"
    page.get_by_label(sv("Identity number")).fill(wrong)
    page.get_by_label(sv("First name")).fill("Maria")
    page.get_by_label(sv("Last name")).fill("Nordin")
    page.get_by_label(sv("E-mail")).fill("maria.nordin@example.org")
    page.get_by_label(sv("Phone")).fill("070-174 06 21")
    page.get_by_role("button", name=sv("Add the guardian"), exact=True).click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text(
        sv("The identity number's check digit is wrong. Check the number and try again.")
    )
    expect(page.get_by_label(sv("E-mail"))).to_have_value("maria.nordin@example.org")
    assert_accessible(page)

    page.get_by_label(sv("Identity number")).fill(GUARDIAN_NUMBER)
    page.get_by_role("button", name=sv("Add the guardian"), exact=True).click()
    expect(heading(page)).to_have_text(child.name)
    expect(page.get_by_text(sv("The guardian is added."))).to_be_visible()
    expect(page.get_by_text("maria.nordin@example.org")).to_be_visible()
    # The links to change or end name the guardian for a screen reader.
    expect(
        page.get_by_role("link", name=f"{sv('Change contact details')} – Maria Nordin")
    ).to_be_visible()
    assert_accessible(page)

    guardian = guardians_of(child).get()
    assert guardian.identity_number == GUARDIAN_NUMBER
    assert guardian.email == "maria.nordin@example.org"
    assert Entry.objects.filter(child_id=child.pk, action="guardian_added").count() == 1
