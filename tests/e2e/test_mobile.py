"""Issue 14: every page at phone size. At 360×740 CSS pixels (a small Android phone) no page the
browser walks reach may scroll sideways, and axe-core must find nothing, in Swedish and English.
Tables may scroll inside their own marked region, or read as labelled blocks; the page itself
stays still. Inline actions in tables and lists are big enough to hit with a thumb: 44×44 px on
a phone (WCAG 2.5.5; 2.5.8 asks at least 24).

Walked here: the staff's SIP, child, meeting, plan, consent, handover and registration pages,
the sign-in pages, the unit manager's log, the family's pages and the reply link of an
invitation. Issue 9's pages (reports of concern, intake, investigations, consultations, the
BBIC assessment) are walked in test_mobile_cases.py with `measure` from here."""

from __future__ import annotations

import datetime
import os
import re

import pytest
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext, override
from playwright.sync_api import Page, expect
from staff import CITIZEN_KEY, PASSWORD, code_for

from samsyn.access.models import Category, Purpose
from samsyn.children.tests.factories import (
    ChildFactory,
    GuardianFactory,
    GuardianshipFactory,
    InvolvementFactory,
    identity_number,
)
from samsyn.consent.models import Consent
from samsyn.directory.models import Membership, Organisation, Principal, Role
from samsyn.directory.tests.factories import (
    MembershipFactory,
    PrincipalFactory,
    UnitFactory,
    actor_of,
)
from samsyn.plans.models import Case, PlanItem, PlanVersion
from samsyn.plans.tests.factories import (
    CaseFactory,
    HandoverFactory,
    InvitationFactory,
    MeetingFactory,
    PartyFactory,
    PlanVersionFactory,
)
from samsyn.portal.services import enrol_citizen

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 360, "height": 740}
# Set to a folder to see every page as the test saw it.
SCREENSHOTS = os.environ.get("SAMSYN_MOBILE_SCREENSHOTS")
# Long, unbroken text a real record has: it must wrap, never push the page wide.
LONG_EMAIL = "alva.lindqvists.vardnadshavare.med.lang.adress@socialtjansten-orebro.example.org"
LONG_PLACE = "Familjecentralen-Vivalla-Lundby-Baronbackarna-Oxhagen, Örebrovägen 123, rum 4"


def translated(msgid: str, language: str) -> str:
    with override(language):
        return gettext(msgid)


@pytest.fixture
def county(django_db_serialized_rollback, transactional_db, settings):
    settings.SAMSYN_CITIZEN_STANDIN = True
    region = PrincipalFactory(kind=Principal.Kind.REGION, name="Region Örebro län", code="18")
    municipality = PrincipalFactory(name="Örebro kommun", code="1880")
    social_unit = UnitFactory(
        name="Barn och unga", organisation__principal=municipality,
        organisation__kind=Organisation.Kind.SOCIAL_SERVICES,
        organisation__name="Socialtjänsten Örebro",
    )  # fmt: skip
    bup_unit = UnitFactory(
        name="BUP-mottagningen", organisation__principal=region,
        organisation__kind=Organisation.Kind.BUP, organisation__name="BUP Örebro",
    )  # fmt: skip
    caseworker = MembershipFactory(unit=social_unit, role=Role.CASEWORKER)
    # Explicit numbers: the factories' sequences overflow the serial after 999 rows.
    child = ChildFactory(
        first_name="Alva", last_name="Lindqvist", municipality=municipality,
        identity_number=identity_number(datetime.date(2012, 9, 3), 41),
    )  # fmt: skip
    guardian = GuardianFactory(
        identity_number=identity_number(datetime.date(1984, 2, 11), 52), email=LONG_EMAIL
    )
    GuardianshipFactory(child=child, guardian=guardian)
    InvolvementFactory(child=child, unit=social_unit)
    staff = caseworker.staff
    case = CaseFactory(
        child=child, initiated_by=staff, initiating_organisation=social_unit.organisation,
        coordinator=staff, coordinator_organisation=social_unit.organisation,
        status=Case.Status.FINALISED, proposed_at=timezone.now() - datetime.timedelta(days=60),
    )  # fmt: skip
    PartyFactory(case=case, accepted_for=bup_unit)
    for given_by, purposes in (
        (Consent.GivenBy.CHILD, [Purpose.TREATMENT]),
        (Consent.GivenBy.GUARDIAN, [Purpose.PLANNING, Purpose.TREATMENT]),
    ):
        Consent.objects.create(
            child=child, given_by=given_by, receiving_organisation=bup_unit.organisation,
            guardian=guardian if given_by == Consent.GivenBy.GUARDIAN else None,
            categories=[Category.BASIC, Category.PLAN], purposes=purposes,
            form=Consent.Form.WRITTEN, valid_until=timezone.now() + datetime.timedelta(days=90),
            recorded_by=staff, recorded_for=social_unit.organisation,
        )  # fmt: skip
    version = PlanVersion.objects.create(
        case=case, number=1, status=PlanVersion.Status.FINAL, child_view="Jag vill sova.",
        follow_up_on=timezone.localdate() - datetime.timedelta(days=5),
        follow_up_how="Nytt SIP-möte.", created_by=staff, finalised_at=timezone.now(),
        finalised_by=staff,
    )  # fmt: skip
    PlanItem.objects.create(version=version, kind=PlanItem.Kind.NEED, text="Sover dåligt.")
    PlanItem.objects.create(version=version, kind=PlanItem.Kind.EFFORT, text="Samtal hos BUP")
    # More than a page of goals and of consents: their pages and links are checked too (issue 12).
    PlanItem.objects.bulk_create(
        PlanItem(version=version, kind=PlanItem.Kind.GOAL, text=f"Mål {n}", position=n)
        for n in range(30)
    )
    Consent.objects.bulk_create(
        Consent(
            child=child, given_by=Consent.GivenBy.CHILD,
            receiving_organisation=bup_unit.organisation,
            categories=[Category.BASIC], purposes=[Purpose.TREATMENT], form=Consent.Form.WRITTEN,
            valid_until=timezone.now() - datetime.timedelta(days=n + 1),
            given_at=timezone.now() - datetime.timedelta(days=n + 400),
            recorded_by=staff, recorded_for=social_unit.organisation,
        )
        for n in range(30)
    )  # fmt: skip
    PlanVersionFactory(case=case, complete=True)  # the draft of version 2, for the editor
    meeting = MeetingFactory(case=case, booked_by=staff, place=LONG_PLACE)
    InvitationFactory(meeting=meeting, email=LONG_EMAIL)
    # The guardian's own invitation: the family's page asks for a reply, and so does the link.
    invitation = InvitationFactory(
        meeting=meeting, kind="guardian", guardian=guardian, name=guardian.name, email=LONG_EMAIL
    )
    held = MeetingFactory(case=case, booked_by=staff, place=LONG_PLACE, held=True)
    return {
        "child": child, "case": case, "caseworker": caseworker, "guardian": guardian,
        "citizen": enrol_citizen(guardian=guardian, totp_key=CITIZEN_KEY), "bup": bup_unit,
        "meeting": meeting, "held": held, "invitation": invitation,
    }  # fmt: skip


def phone_page(new_page, live_server, language: str) -> Page:
    page = new_page()
    page.set_viewport_size(PHONE)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    return page


def measure(page: Page, url: str, language: str, check) -> list[str]:
    """Open the page and say what is wrong with it at 360 px; empty if nothing."""
    response = page.goto(url)
    assert response is not None
    assert response.status == 200, f"{url}: {response.status}"
    expect(page.locator("html")).to_have_attribute("lang", language)
    problems = []
    width = page.evaluate("() => document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        problems.append(f"{url}: the page is {width} px wide")
    small = page.evaluate(
        """() => [...document.querySelectorAll('main :is(td, li) > :is(a, button)')]
            .filter(e => e.offsetParent !== null)
            .map(e => [e.textContent.trim(), e.getBoundingClientRect()])
            .filter(([, box]) => box.width < 44 || box.height < 44)
            .map(([text, box]) => `${text} ${Math.round(box.width)}×${Math.round(box.height)}`)"""
    )
    if small:
        problems.append(f"{url}: actions under 44×44 px: {', '.join(small)}")
    # A box that scrolls sideways must say so and take the keyboard: a labelled, focusable
    # region (WCAG 2.1.1), or its hidden columns are lost to whoever cannot see them.
    hidden = page.evaluate(
        """() => [...document.querySelectorAll('main *')]
            .filter(e => e.scrollWidth > e.clientWidth + 1
                && ['auto', 'scroll'].includes(getComputedStyle(e).overflowX))
            .filter(e => !(e.getAttribute('role') === 'region' && e.tabIndex === 0
                && (e.hasAttribute('aria-labelledby') || e.hasAttribute('aria-label'))))
            .map(e => `${e.className} ${e.scrollWidth}/${e.clientWidth} px`)"""
    )
    if hidden:
        problems.append(f"{url}: unmarked scroll boxes: {', '.join(hidden)}")
    # A caption is read whole where the table starts: none wider than its box.
    cut = page.evaluate(
        """() => [...document.querySelectorAll('main [role=region] caption:not(.ds-sr-only)')]
            .filter(c => c.getBoundingClientRect().right
                > c.closest('[role=region]').getBoundingClientRect().right + 1)
            .map(c => c.textContent.trim())"""
    )
    if cut:
        problems.append(f"{url}: captions cut off: {', '.join(cut)}")
    check(page)
    if SCREENSHOTS:
        name = re.sub(r"\W+", "-", url).strip("-") or "start"
        page.screenshot(path=f"{SCREENSHOTS}/{language}-{name}.png", full_page=True)
    return problems


@pytest.mark.parametrize("language", ["sv", "en"])
def test_mobile_staff_pages_fit_a_phone(
    new_page, county, actor_client, live_server, assert_accessible, language
):
    case, child = county["case"], county["child"]
    client = actor_client(actor_of(county["caseworker"]))
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page = phone_page(new_page, live_server, language)
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    urls = [
        "/",
        "/children/",
        f"/children/{child.pk}/",
        "/sip/",
        f"/sip/{case.pk}/",
        f"/sip/{case.pk}/meetings/new/",
        f"/sip/{case.pk}/plan/edit/",
        f"/sip/{case.pk}/plan/v1/",
        f"/sip/{case.pk}/plan/v1/?page=2",
        f"/sip/{case.pk}/?page=2",
        f"/sip/{case.pk}/plan/v1/print/",
        f"/audit/children/{child.pk}/",
        "/sip/overdue/",
        f"/sip/propose/?child={child.pk}",
        f"/sip/{case.pk}/consent/new/",
        f"/sip/{case.pk}/plan/",
        "/directory/",
        f"/directory/{case.initiating_organisation_id}/",
        f"/children/{child.pk}/contact/",
        # Issue 14's second part: the forms the first walk left out.
        f"/sip/meetings/{county['meeting'].pk}/edit/",
        f"/sip/meetings/{county['meeting'].pk}/cancel/",
        f"/sip/meetings/{county['held'].pk}/minutes/",
        f"/sip/{case.pk}/plan/diff/?from=1&to=2",
        f"/sip/{case.pk}/plan/finalise/",
        f"/sip/{case.pk}/coordinator/offer/",
        f"/sip/{case.pk}/parties/new/",
        f"/sip/{case.pk}/close/",
        f"/sip/{case.pk}/consent/maturity/",
        f"/sip/{case.pk}/consent/legal-ground/",
        f"/sip/{case.pk}/consent/{Consent.objects.filter(child=child).first().pk}/withdraw/",
        "/children/new/",
        f"/children/{child.pk}/guardians/new/",
        f"/children/{child.pk}/guardians/{county['guardian'].pk}/contact/",
        f"/children/{child.pk}/guardians/{county['guardian'].pk}/end/",
        # Issue 13: one's sessions, and the second factor asked again before printing.
        "/accounts/sessions/",
        f"/accounts/step-up/?next=/sip/{case.pk}/plan/v1/print/",
    ]
    problems = [p for url in urls for p in measure(page, url, language, assert_accessible)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_mobile_family_pages_fit_a_phone(
    new_page, county, actor_client, live_server, assert_accessible, language
):
    case, child = county["case"], county["child"]
    # A read by staff, for the family's "who read my child's data" log to show.
    client = actor_client(actor_of(county["caseworker"]))
    assert client.get(f"/children/{child.pk}/").status_code == 200
    page = phone_page(new_page, live_server, language)
    problems = measure(page, "/family/login/", language, assert_accessible)
    # The reply link in the invitation's e-mail: no sign-in.
    problems += measure(
        page, f"/sip/reply/{county['invitation'].token}/", language, assert_accessible
    )
    page.goto("/family/login/")
    page.get_by_label(translated("Your personal identity number", language)).fill(
        county["guardian"].identity_number
    )
    page.get_by_label(translated("One-time code", language)).fill(code_for(county["citizen"].user))
    page.get_by_role("button", name=translated("Sign in", language), exact=True).click()
    expect(page).not_to_have_url(re.compile(r"/login/"))
    urls = [
        "/family/",
        f"/family/children/{child.pk}/",
        f"/family/children/{child.pk}/sip/{case.pk}/",
        f"/family/children/{child.pk}/sip/{case.pk}/versions/1/",
        f"/family/children/{child.pk}/log/",
        f"/family/children/{child.pk}/sip/{case.pk}/versions/1/print/",
    ]
    problems += [p for url in urls for p in measure(page, url, language, assert_accessible)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_mobile_sign_in_and_other_roles_fit_a_phone(
    new_page, county, actor_client, live_server, assert_accessible, language
):
    """The sign-in pages (password, code, choosing the unit to act for), the coordinator role
    offered to someone at BUP, and the unit manager's log of the unit and the form recording
    the unit's need to see a protected child's address."""
    case = county["case"]
    # Someone with two units signs in through the pages and chooses one.
    two_units = MembershipFactory(unit=county["bup"], role=Role.CLINICIAN)
    MembershipFactory(staff=two_units.staff, unit=county["caseworker"].unit)
    page = phone_page(new_page, live_server, language)
    problems = measure(page, "/accounts/login/", language, assert_accessible)
    page.locator("#id_username").fill(two_units.staff.user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/code/**")
    problems += measure(page, "/accounts/code/", language, assert_accessible)
    page.locator("#id_token").fill(code_for(two_units.staff.user))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/acting-for/**")
    problems += measure(page, "/accounts/acting-for/", language, assert_accessible)

    # The coordinator role offered to the BUP clinician: the SIP page asks them to accept.
    HandoverFactory(case=case, to_staff=two_units.staff, to_organisation=county["bup"].organisation)
    manager = MembershipFactory(unit=county["caseworker"].unit, role=Role.UNIT_MANAGER)
    # A child with protected identity: the manager records the unit's need to see the address.
    protected = ChildFactory(municipality=county["child"].municipality, protected_identity=True)
    InvolvementFactory(child=protected, unit=manager.unit)
    for membership, urls in (
        (Membership.objects.get(staff=two_units.staff, unit=county["bup"]), [f"/sip/{case.pk}/"]),
        (manager, ["/", "/audit/unit/", f"/children/{protected.pk}/address-need/"]),
    ):
        session = actor_client(actor_of(membership)).cookies[settings.SESSION_COOKIE_NAME].value
        other = phone_page(new_page, live_server, language)
        other.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )
        problems += [p for url in urls for p in measure(other, url, language, assert_accessible)]
    assert not problems, "\n".join(problems)


def test_mobile_plan_editor_keeps_the_save_in_reach(
    new_page, county, actor_client, live_server, assert_accessible
):
    case = county["case"]
    client = actor_client(actor_of(county["caseworker"]))
    page = phone_page(new_page, live_server, "sv")
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto(f"/sip/{case.pk}/plan/edit/")
    save = page.get_by_role("button", name=translated("Save the draft", "sv"), exact=True).last
    # Halfway down a long form, the save is still on the screen, and a focused field is not
    # hidden under it.
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight / 2)")
    expect(save).to_be_in_viewport()
    field = page.get_by_label(translated("How the plan is followed up", "sv"), exact=False)
    field.focus()
    bar = save.locator("xpath=..").bounding_box()
    box = field.bounding_box()
    assert bar
    assert box
    assert box["y"] + box["height"] <= bar["y"], "the focused field is under the save bar"
    assert_accessible(page)
