"""Issue 7, item 2 (DOMAIN SEK-4): a consent to an organisation opens the child to that
organisation's units with a relationship with the child, not to every unit. In the browser: BUP
Örebro sees an invitation that names no child, accepts it for its unit and then reads the SIP;
BUP Lindesberg, another unit of the same BUP under the same consent, finds nothing at all."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from staff import heading, sign_in_staff, sv

from samsyn.access.models import Category, Purpose
from samsyn.children.tests.factories import (
    ChildFactory,
    GuardianshipFactory,
    InvolvementFactory,
    identity_number,
)
from samsyn.consent.models import Consent
from samsyn.directory.models import Organisation, Principal, Role
from samsyn.directory.tests.factories import MembershipFactory, PrincipalFactory, UnitFactory
from samsyn.plans.models import Case, Party
from samsyn.plans.tests.factories import CaseFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def county(transactional_db):
    region = PrincipalFactory(kind=Principal.Kind.REGION, name="Region Örebro län", code="18")
    municipality = PrincipalFactory(name="Örebro kommun", code="1880")
    social_unit = UnitFactory(
        name="Barn och unga",
        organisation__principal=municipality,
        organisation__kind=Organisation.Kind.SOCIAL_SERVICES,
        organisation__name="Socialtjänsten Örebro",
    )
    orebro = UnitFactory(
        name="BUP Örebro (USÖ)",
        organisation__principal=region,
        organisation__kind=Organisation.Kind.BUP,
        organisation__name="BUP Region Örebro län",
    )
    lindesberg = UnitFactory(name="BUP Lindesberg", organisation=orebro.organisation)
    caseworker = MembershipFactory(unit=social_unit, role=Role.CASEWORKER)
    child = ChildFactory(
        first_name="Nils",
        last_name="Berg",
        identity_number=identity_number(datetime.date(2013, 4, 2), 61),
        municipality=municipality,
    )
    InvolvementFactory(child=child, unit=social_unit)
    case = CaseFactory(
        child=child, status=Case.Status.CONSENTED, initiated_by=caseworker.staff,
        initiating_organisation=social_unit.organisation,
    )  # fmt: skip
    Party.objects.create(case=case, organisation=orebro.organisation, invited_by=caseworker.staff)
    # Both guardians consent to BUP — the organisation, all of its units.
    for n in range(2):
        guardian = GuardianshipFactory(
            child=child,
            guardian__identity_number=identity_number(datetime.date(1980, 1, 5), 70 + n),
        ).guardian
        Consent.objects.create(
            child=child, given_by=Consent.GivenBy.GUARDIAN, guardian=guardian,
            receiving_organisation=orebro.organisation,
            categories=[Category.BASIC, Category.PLAN], purposes=[Purpose.PLANNING],
            form=Consent.Form.WRITTEN, valid_until=timezone.now() + datetime.timedelta(days=90),
            recorded_by=caseworker.staff, recorded_for=social_unit.organisation,
        )  # fmt: skip
    return {
        "case": case,
        "child": child,
        "orebro": MembershipFactory(unit=orebro, role=Role.CLINICIAN),
        "lindesberg": MembershipFactory(unit=lindesberg, role=Role.CLINICIAN),
    }


def test_sek_4_only_the_unit_that_accepts_reads_the_sip(new_page, county, assert_accessible):
    check = assert_accessible
    case, child = county["case"], county["child"]

    page = new_page()
    sign_in_staff(page, county["orebro"].staff.user, check)
    page.goto("/sip/")
    check(page)
    # The invitation names the SIP and who invited, never the child, until the unit accepts.
    invitations = page.get_by_role("region", name=sv("Invitations to your organisation"))
    expect(invitations).to_contain_text(sv("SIP no. %(number)s") % {"number": case.pk})
    expect(page.get_by_text(child.name)).to_have_count(0)
    accept = sv("Accept SIP no. %(number)s for %(unit)s") % {
        "number": case.pk, "unit": "BUP Örebro (USÖ)",
    }  # fmt: skip
    page.get_by_role("button", name=accept).click()
    expect(page.get_by_role("link", name=child.name, exact=True)).to_be_visible()
    check(page)
    page.get_by_role("link", name=child.name, exact=True).click()
    expect(heading(page)).to_contain_text(child.name)
    expect(page.get_by_text("BUP Örebro (USÖ)").first).to_be_visible()
    check(page)

    other = new_page()
    sign_in_staff(other, county["lindesberg"].staff.user, check)
    other.goto("/sip/")
    check(other)
    expect(other.get_by_role("region", name=sv("Invitations to your organisation"))).to_have_count(
        0
    )
    expect(other.get_by_text(child.name)).to_have_count(0)
    for url in (f"/sip/{case.pk}/", f"/children/{child.pk}/?purpose=planning"):
        assert other.goto(url).status == 404, url
