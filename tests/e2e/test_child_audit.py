"""Issue 3, item 10, as a user meets it: sign in with a password and a TOTP code, open a child,
see the read in the child's log; another organisation gets 404 and its attempt is logged; the
language switches to English and back. axe-core checks every page on the way."""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext, override
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from samsyn.audit.models import Entry
from samsyn.children.tests.factories import ChildFactory, InvolvementFactory, identity_number
from samsyn.directory.models import Organisation, Role
from samsyn.directory.tests.factories import MembershipFactory, UnitFactory

pytestmark = [
    pytest.mark.e2e,
    # The live server needs committed rows, so each test ends with a flush of every table;
    # serialized rollback puts back what the migrations seeded (the legal bases of SEK-1),
    # which a flush would otherwise take from every later test of a reused database.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

STOCKHOLM = ZoneInfo("Europe/Stockholm")
PASSWORD = "correct horse battery"  # the factories' password


def sv(msgid: str) -> str:
    # Locate controls by the translation of their English msgid under Swedish, so the test holds
    # before and after the Swedish catalogue is filled in.
    with override("sv"):
        return gettext(msgid)


def en(msgid: str) -> str:
    with override("en"):
        return gettext(msgid)


def current_code(user) -> str:
    device = TOTPDevice.objects.get(user=user)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in(page: Page, user, assert_accessible) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    assert_accessible(page)
    page.get_by_label(sv("Username"), exact=True).fill(user.username)
    page.get_by_label(sv("Password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=sv("Continue"), exact=True).click()

    expect(page).to_have_url(re.compile(r"/accounts/code/"))
    assert_accessible(page)
    page.get_by_label(sv("Code from your authenticator app")).fill(current_code(user))
    page.get_by_role("button", name=sv("Sign in"), exact=True).click()
    expect(page).not_to_have_url(re.compile(r"/accounts/"))


@pytest.fixture
def county(django_db_serialized_rollback, transactional_db):
    social_unit = UnitFactory(organisation__kind=Organisation.Kind.SOCIAL_SERVICES)
    caseworker = MembershipFactory(unit=social_unit, role=Role.CASEWORKER)
    # An explicit number: ChildFactory's sequence overflows the serial after 999 children.
    number = identity_number(datetime.date(2011, 5, 5), 17)
    child = ChildFactory(first_name="Alva", last_name="Lindqvist", identity_number=number)
    InvolvementFactory(child=child, unit=social_unit)
    bup_unit = UnitFactory(organisation__kind=Organisation.Kind.BUP)
    clinician = MembershipFactory(unit=bup_unit, role=Role.CLINICIAN)
    return {"child": child, "caseworker": caseworker, "clinician": clinician}


def child_log_url(child_id: int) -> str | None:
    try:
        return reverse("audit:child", kwargs={"child_id": child_id})
    except NoReverseMatch:
        return None


def test_sign_in_open_a_child_and_see_the_read_in_its_log(page, county, assert_accessible):
    child, caseworker = county["child"], county["caseworker"]
    sign_in(page, caseworker.staff.user, assert_accessible)
    assert_accessible(page)  # the start page

    page.get_by_role("link", name=sv("Children"), exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Children"))
    assert_accessible(page)

    page.get_by_role("link", name=child.name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(child.name)
    assert_accessible(page)

    # The read just made is in the log, with who and on what ground (LOG-1).
    # The page reads the child and its timeline: the child's own row is the one.
    read = Entry.objects.filter(
        child_id=child.pk, action="read", outcome="allowed", staff_id=caseworker.staff.pk,
        object_type="child",
    ).get()  # fmt: skip
    assert (read.unit_id, read.basis["basis"]) == (caseworker.unit.pk, "involvement")

    url = child_log_url(child.pk)
    assert url, "the child's audit view (URL name audit:child) is missing"
    page.goto(url)
    assert_accessible(page)
    # The row of that very read: by this person, at that second (Swedish time). Viewing the
    # log may log itself too, so other rows by the same person are expected; the child page's
    # other reads in the same second (who takes part in the child's SIPs) name their object.
    at = read.at.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M:%S")
    row = (
        page.get_by_role("row")
        .filter(has_text=caseworker.staff.name)
        .filter(has_text=at)
        .filter(has_not=page.locator(".samsyn-muted"))
    )
    expect(row).to_have_count(1)


def test_sek_1_another_organisation_gets_404_and_the_attempt_is_logged(
    page, county, assert_accessible
):
    child, clinician = county["child"], county["clinician"]
    sign_in(page, clinician.staff.user, assert_accessible)

    response = page.goto(f"/children/{child.pk}/")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_text(child.last_name)).to_have_count(0)
    assert_accessible(page)

    denied = Entry.objects.filter(child_id=child.pk, staff_id=clinician.staff.pk).get()
    assert (denied.outcome, denied.organisation_id) == ("denied", clinician.unit.organisation_id)

    # Nor is the child in the clinician's list.
    page.goto("/children/")
    expect(page.get_by_role("link", name=child.name)).to_have_count(0)


def test_language_switch_to_english_and_back(page, county, assert_accessible):
    sign_in(page, county["caseworker"].staff.user, assert_accessible)
    page.goto("/children/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")

    page.get_by_role("button", name="English", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/children/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(en("Children"))
    assert_accessible(page)

    page.get_by_role("button", name="Svenska", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Children"))


def test_axe_helper_reports_violations(page, live_server, browser):
    # The helper must be able to fail: a page with no language and an image without text.
    import axe

    page.route(
        f"{live_server.url}/axe-self-test",
        lambda route: route.fulfill(
            content_type="text/html", body="<html><body><img src='/x.png'></body></html>"
        ),
    )
    # The image's request never reaches the live server: a request still in flight when the
    # test ends holds a lock the teardown's flush then deadlocks on.
    page.route(f"{live_server.url}/x.png", lambda route: route.fulfill(status=404))
    page.goto("/axe-self-test")
    found = {violation["id"] for violation in axe.violations(browser, page)}
    assert {"html-has-lang", "image-alt"} <= found
    with pytest.raises(AssertionError, match="image-alt"):
        axe.assert_accessible(browser, page)
