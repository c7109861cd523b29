"""Issue 8, as people meet it: a BUP clinician who sees a child on a consent follows the child's
page to its log and back; the coordinator follows the overdue list to the SIP and prints the plan,
both copies; the guardian prints the family's copy. axe-core checks every page on the way."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from staff import CITIZEN_KEY, code_for, sign_in_staff, sv

from samsyn.access.models import Category, Purpose
from samsyn.children.tests.factories import (
    ChildFactory,
    GuardianFactory,
    GuardianshipFactory,
    InvolvementFactory,
    identity_number,
)
from samsyn.consent.models import Consent
from samsyn.directory.models import Organisation, Role
from samsyn.directory.tests.factories import MembershipFactory, UnitFactory
from samsyn.plans.models import Case, PlanItem, PlanVersion
from samsyn.plans.tests.factories import CaseFactory, PartyFactory
from samsyn.portal.services import enrol_citizen

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def county(django_db_serialized_rollback, transactional_db, settings):
    settings.SAMSYN_CITIZEN_STANDIN = True
    social_unit = UnitFactory(organisation__kind=Organisation.Kind.SOCIAL_SERVICES)
    bup_unit = UnitFactory(organisation__kind=Organisation.Kind.BUP)
    caseworker = MembershipFactory(unit=social_unit, role=Role.CASEWORKER)
    clinician = MembershipFactory(unit=bup_unit, role=Role.CLINICIAN)
    child = ChildFactory(
        first_name="Alva", last_name="Lindqvist",
        identity_number=identity_number(datetime.date(2012, 9, 3), 41),
    )  # fmt: skip
    guardian = GuardianFactory(identity_number=identity_number(datetime.date(1984, 2, 11), 52))
    GuardianshipFactory(child=child, guardian=guardian)
    InvolvementFactory(child=child, unit=social_unit)
    staff = caseworker.staff
    case = CaseFactory(
        child=child, initiated_by=staff, initiating_organisation=social_unit.organisation,
        coordinator=staff, coordinator_organisation=social_unit.organisation,
        status=Case.Status.FINALISED, proposed_at=timezone.now() - datetime.timedelta(days=60),
    )  # fmt: skip
    PartyFactory(case=case, accepted_for=bup_unit)
    # The child's consent to BUP, for treatment only: never for log review.
    Consent.objects.create(
        child=child, given_by=Consent.GivenBy.CHILD, receiving_organisation=bup_unit.organisation,
        categories=[Category.BASIC, Category.PLAN], purposes=[Purpose.TREATMENT],
        form=Consent.Form.WRITTEN, valid_until=timezone.now() + datetime.timedelta(days=90),
        recorded_by=staff, recorded_for=social_unit.organisation,
    )  # fmt: skip
    version = PlanVersion.objects.create(
        case=case, number=1, status=PlanVersion.Status.FINAL, child_view="Jag vill sova.",
        follow_up_on=timezone.localdate() - datetime.timedelta(days=5),
        follow_up_how="Nytt SIP-möte.", created_by=staff, finalised_at=timezone.now(),
        finalised_by=staff,
    )  # fmt: skip
    PlanItem.objects.create(version=version, kind=PlanItem.Kind.EFFORT, text="Samtal hos BUP")
    PlanItem.objects.create(
        version=version, kind=PlanItem.Kind.NEED, text="HEMLIGT behov", hidden_from_guardians=True
    )
    return {
        "child": child, "case": case, "caseworker": caseworker, "clinician": clinician,
        "guardian": guardian, "citizen": enrol_citizen(guardian=guardian, totp_key=CITIZEN_KEY),
    }  # fmt: skip


def test_a_reader_on_a_consent_follows_the_child_to_its_log_and_back(
    page, county, assert_accessible
):
    child = county["child"]
    sign_in_staff(page, county["clinician"].staff.user, assert_accessible)
    page.goto(f"/children/{child.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name=sv("Who has read or changed this child's data")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        sv("Log of %(name)s") % {"name": child.name}
    )
    # The log in words: the read of the child's page, on the consent.
    expect(page.locator("tbody")).to_contain_text(sv("consent"))
    assert_accessible(page)
    page.get_by_role("link", name=sv("Back to the child")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(child.name)


def test_the_coordinator_follows_the_overdue_list_and_prints_the_plan(
    page, county, assert_accessible
):
    case, child = county["case"], county["child"]
    sign_in_staff(page, county["caseworker"].staff.user, assert_accessible)
    page.get_by_role("link", name=sv("Show the overdue SIPs")).click()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(child.name)).click()
    expect(page).to_have_url(re.compile(rf"/sip/{case.pk}/$"))
    for copy in ("", "?for=guardians"):
        page.goto(f"/sip/{case.pk}/plan/v1/print/{copy}")
        expect(page.get_by_text(child.identity_display)).to_be_visible()
        expect(page.get_by_text("HEMLIGT behov")).to_have_count(0 if copy else 1)
        assert_accessible(page)


def test_the_guardian_prints_the_familys_copy(page, county, assert_accessible):
    case, child = county["case"], county["child"]
    page.goto("/family/login/")
    page.get_by_label(sv("Your personal identity number")).fill(county["guardian"].identity_number)
    page.get_by_label(sv("One-time code")).fill(code_for(county["citizen"].user))
    page.get_by_role("button", name=sv("Sign in"), exact=True).click()
    page.goto(f"/family/children/{child.pk}/sip/{case.pk}/versions/1/print/")
    expect(page.get_by_text(child.identity_display)).to_be_visible()
    expect(page.get_by_text(county["caseworker"].staff.name, exact=False).first).to_be_visible()
    expect(page.get_by_text("HEMLIGT")).to_have_count(0)
    assert_accessible(page)
