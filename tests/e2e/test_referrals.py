"""Issue 11, point 0 in the browser: a caseworker refers a child to BUP from the child's page, a
BUP clinician declines with no next step (the seeds' bounce), and the caseworker agrees the next
step. axe-core checks every page, and the pages again at 360 px wide, where none may scroll
sideways; a refused form keeps what was typed."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from staff import heading, sign_in_staff, sv

from samsyn.children.tests.factories import ChildFactory, InvolvementFactory
from samsyn.directory.models import Organisation, Principal, Role
from samsyn.directory.tests.factories import MembershipFactory, PrincipalFactory, UnitFactory
from samsyn.referrals.models import Referral

pytestmark = [
    pytest.mark.e2e,
    # The live server needs committed rows; serialized rollback puts back the seeded legal bases.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 360, "height": 740}
REASON = "Svår ångest och hög frånvaro sedan höstlovet; familjen har stöd hos oss sedan i våras."
EFFORT = "Bedömning och behandling av ångest."
DECLINE = "BUP tar inte ärendet eftersom den sociala situationen är rörig."
NEXT_STEP = "Gemensamt möte med BUP och skolan på fredag; BUP bedömer efter mötet."


@pytest.fixture
def county(django_db_serialized_rollback, transactional_db):
    region = PrincipalFactory(kind=Principal.Kind.REGION, name="Region Örebro län", code="18")
    orebro = PrincipalFactory(name="Örebro kommun", code="1880")
    social = UnitFactory(
        name="Barn och unga – utredning", organisation__principal=orebro,
        organisation__kind=Organisation.Kind.SOCIAL_SERVICES,
        organisation__name="Socialtjänsten Örebro kommun",
    )  # fmt: skip
    bup = UnitFactory(
        name="BUP Örebro (USÖ)", organisation__principal=region,
        organisation__kind=Organisation.Kind.BUP, organisation__name="BUP Region Örebro län",
    )  # fmt: skip
    child = ChildFactory(municipality=orebro)
    InvolvementFactory(child=child, unit=social)
    return {
        "bup": bup, "child": child,
        "caseworker": MembershipFactory(unit=social, role=Role.CASEWORKER),
        "clinician": MembershipFactory(unit=bup, role=Role.CLINICIAN),
    }  # fmt: skip


def fits_a_phone(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide at {PHONE['width']} px"


def test_a_referral_sent_bounced_and_given_a_next_step(new_page, county, assert_accessible):
    check = assert_accessible
    child, bup = county["child"], county["bup"]

    # 1. The caseworker refers the child to BUP from the child's page, forgetting the effort.
    social = new_page()
    sign_in_staff(social, county["caseworker"].staff.user, check)
    social.goto(f"/children/{child.pk}/")
    social.get_by_role("link", name=sv("Refer to another organisation"), exact=True).click()
    check(social)
    social.get_by_label(sv("Receiving unit")).select_option(label=bup.name)
    social.get_by_label(sv("Why you refer the child")).fill(REASON)
    social.get_by_label(re.compile(r"OSL 26 kap\. 9 §")).check()
    social.get_by_role("button", name=sv("Send the referral"), exact=True).click()
    expect(social.locator("[data-error-summary]")).to_be_visible()
    expect(social.get_by_label(sv("Why you refer the child"))).to_have_value(REASON)
    check(social)
    social.get_by_label(sv("The effort you ask for")).fill(EFFORT)
    social.get_by_role("button", name=sv("Send the referral"), exact=True).click()
    referral = Referral.objects.get()
    expect(social).to_have_url(re.compile(rf"/referrals/{referral.pk}/$"))
    expect(social.get_by_text(sv("The referral is sent."))).to_be_visible()
    check(social)

    # 2. The clinician finds it among the unit's referrals and declines, first with no reason.
    clinic = new_page()
    sign_in_staff(clinic, county["clinician"].staff.user, check)
    clinic.get_by_role("link", name=sv("Referrals"), exact=True).first.click()
    expect(heading(clinic)).to_have_text(sv("Referrals received"))
    check(clinic)
    clinic.get_by_role("link", name=EFFORT).click()
    expect(heading(clinic)).to_have_text(sv("Referral no. %(number)s") % {"number": referral.pk})
    check(clinic)
    clinic.get_by_label(sv("The next step you agreed with the sender")).fill("Vi hör av oss.")
    clinic.get_by_role("button", name=sv("Decline the referral"), exact=True).click()
    expect(clinic.locator("[data-error-summary]")).to_be_visible()
    expect(clinic.get_by_label(sv("The next step you agreed with the sender"))).to_have_value(
        "Vi hör av oss."
    )
    check(clinic)
    clinic.get_by_label(sv("Why you decline")).fill(DECLINE)
    clinic.get_by_label(sv("The next step you agreed with the sender")).fill("")
    clinic.get_by_role("button", name=sv("Decline the referral"), exact=True).click()
    expect(clinic.get_by_text(sv("The referral is declined."))).to_be_visible()
    check(clinic)
    referral.refresh_from_db()
    assert referral.bounced

    # 3. The caseworker, on a phone, sees the bounce and records the next step agreed.
    social.set_viewport_size(PHONE)
    social.goto("/referrals/sent/")
    expect(social.get_by_text(sv("no next step agreed"))).to_be_visible()
    fits_a_phone(social)
    check(social)
    social.get_by_role("link", name=EFFORT).click()
    expect(social.get_by_text(DECLINE)).to_be_visible()
    fits_a_phone(social)
    check(social)
    social.get_by_label(sv("The next step you agreed")).fill(NEXT_STEP)
    social.get_by_role("button", name=sv("Record the next step"), exact=True).click()
    expect(social.get_by_text(sv("The agreed next step is recorded."))).to_be_visible()
    expect(social.get_by_text(NEXT_STEP)).to_be_visible()
    fits_a_phone(social)
    check(social)
    social.goto(f"/referrals/new/{child.pk}/")
    fits_a_phone(social)
    check(social)
    referral.refresh_from_db()
    assert not referral.bounced
