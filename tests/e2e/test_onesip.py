"""SIP-9 in the browser (issue 13, "Duplicate SIPs"): a school counsellor proposes a SIP for a
child who already has one social services holds; the school joins it as an invited party and is
told so, a second try is refused with a link, and the caseworker who initiated the SIP sees the
join on the SIP list and the need on the SIP's page. axe-core checks every page, at desktop and
at 360 px wide, where nothing may scroll sideways."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page, expect
from staff import heading, sign_in_staff, sv

from samsyn.children.tests.factories import ChildFactory, InvolvementFactory, identity_number
from samsyn.directory.models import Organisation, Principal, Role
from samsyn.directory.tests.factories import MembershipFactory, PrincipalFactory, UnitFactory
from samsyn.plans.models import Case, Party
from samsyn.plans.tests.factories import CaseFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 360, "height": 740}
NEED = "Frånvaro sedan oktober; eleven säger att det är oroligt hemma."


@pytest.fixture
def county(django_db_serialized_rollback, transactional_db):
    region = PrincipalFactory(kind=Principal.Kind.REGION, name="Region Örebro län", code="18")
    municipality = PrincipalFactory(name="Örebro kommun", code="1880")
    social_unit = UnitFactory(
        name="Barn och unga", organisation__principal=municipality,
        organisation__kind=Organisation.Kind.SOCIAL_SERVICES,
        organisation__name="Socialtjänsten Örebro",
    )  # fmt: skip
    school_unit = UnitFactory(
        name="Elevhälsan", organisation__principal=municipality,
        organisation__kind=Organisation.Kind.SCHOOL, organisation__name="Vivallaskolan",
    )  # fmt: skip
    caseworker = MembershipFactory(unit=social_unit, role=Role.CASEWORKER)
    counsellor = MembershipFactory(unit=school_unit, role=Role.SCHOOL_COUNSELLOR)
    child = ChildFactory(
        first_name="Alva", last_name="Lindqvist", municipality=municipality,
        identity_number=identity_number(datetime.date(2012, 9, 3), 41),
    )  # fmt: skip
    InvolvementFactory(child=child, unit=social_unit)
    InvolvementFactory(child=child, unit=school_unit)
    case = CaseFactory(
        child=child, initiated_by=caseworker.staff,
        initiating_organisation=social_unit.organisation,
        reason="Behöver både socialtjänst och BUP.",
    )  # fmt: skip
    assert region  # the child's region: the SIP settings' defaults (school may initiate)
    return {"child": child, "case": case, "caseworker": caseworker, "counsellor": counsellor}


def fits(page: Page, check) -> None:
    """axe at desktop width, then at phone width with no sideways scroll, then back."""
    check(page)
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    check(page)
    if size:
        page.set_viewport_size(size)


def test_sip_9_a_school_proposing_a_second_sip_joins_the_open_one(
    new_page, county, assert_accessible
):
    check = assert_accessible
    child, case = county["child"], county["case"]
    number = sv("SIP no. %(number)s") % {"number": case.pk}

    # 1. The counsellor proposes a SIP for the child: the school joins the open one instead.
    school = new_page()
    sign_in_staff(school, county["counsellor"].staff.user, check)
    school.goto(f"/sip/propose/?child={child.pk}")
    expect(heading(school)).to_have_text(sv("Initiate a SIP"))
    fits(school, check)
    school.get_by_label(sv("Why a SIP is needed")).fill(NEED)
    school.get_by_role("button", name=sv("Initiate the SIP"), exact=True).click()
    expect(heading(school)).to_have_text(sv("Coordinated individual plans (SIP)"))
    expect(
        school.get_by_text(
            sv(
                "Your organisation is now invited to the child's SIP; a unit of yours accepts "
                "the invitation as usual. The need you described is with its coordinator."
            )
        )
    ).to_be_visible()
    expect(school.get_by_role("cell", name=number, exact=True)).to_be_visible()
    expect(school.get_by_text("Behöver både socialtjänst och BUP.")).to_have_count(0)
    fits(school, check)
    assert Case.objects.filter(child=child).count() == 1

    # 2. A second try is refused, with the link to where the need goes; what was typed is kept.
    school.goto(f"/sip/propose/?child={child.pk}")
    school.get_by_label(sv("Why a SIP is needed")).fill(NEED)
    school.get_by_role("button", name=sv("Initiate the SIP"), exact=True).click()
    expect(school.get_by_label(sv("Why a SIP is needed"))).to_have_value(NEED)
    link = school.get_by_role("link", name=sv("Go to SIP no. %(number)s") % {"number": case.pk})
    expect(link).to_be_visible()
    fits(school, check)
    link.click()
    expect(heading(school)).to_have_text(sv("Coordinated individual plans (SIP)"))
    assert Case.objects.filter(child=child).count() == 1
    assert Party.objects.get(case=case).joined_reason == NEED

    # 3. The caseworker who initiated the SIP sees the join, and the need on the SIP's page.
    social = new_page()
    sign_in_staff(social, county["caseworker"].staff.user, check)
    social.goto("/sip/")
    joins = social.get_by_role(
        "region", name=sv("Organisations that joined your SIPs with a new need")
    )
    expect(joins).to_contain_text("Vivallaskolan")
    fits(social, check)
    joins.get_by_role("link").first.click()
    expect(heading(social)).to_have_text(sv("SIP for %(child)s") % {"child": child.name})
    expect(social.get_by_text(NEED)).to_be_visible()
    fits(social, check)
