"""Issue 13 as its users meet it, in Swedish and in English: a caseworker with no relationship
opens a child by emergency access (the reason required, what was typed kept, the banner while it
lasts), the unit manager is told on the start page and reviews the month's sample in log
follow-up, where the emergency read is flagged, and records the review (DOMAIN LOG-1, LOG-2);
then goes through the sample's pages by its links, and is told when a link to one is broken
(issue 12). axe-core checks every page; the new pages are walked at 360 px as well."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect
from staff import fits_a_phone, open_as, tr

from samsyn.access.actor import Actor
from samsyn.access.models import EmergencyAccess, Purpose
from samsyn.access.rules import Decision
from samsyn.audit import selectors, services
from samsyn.audit.models import Entry, LogReview
from samsyn.children.tests.factories import ChildFactory, InvolvementFactory, identity_number
from samsyn.directory.models import Organisation, Role
from samsyn.directory.tests.factories import MembershipFactory, OrganisationFactory, UnitFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

REASON = "Barnet är på akuten i natt och ansvarig handläggare nås inte."


@pytest.fixture
def county(django_db_serialized_rollback, transactional_db):
    organisation = OrganisationFactory(kind=Organisation.Kind.SOCIAL_SERVICES)
    # An explicit number: ChildFactory's sequence overflows the serial after 999 children.
    child = ChildFactory(
        first_name="Alva", last_name="Lindqvist",
        identity_number=identity_number(datetime.date(2012, 4, 4), 23),
    )  # fmt: skip
    # Another unit of the organisation has the child as client: the organisation holds data.
    InvolvementFactory(child=child, unit=UnitFactory(organisation=organisation))
    unit = UnitFactory(organisation=organisation, name="Barn och unga – jour")
    return {
        "child": child,
        "caseworker": MembershipFactory(unit=unit, role=Role.CASEWORKER),
        "manager": MembershipFactory(unit=unit, role=Role.UNIT_MANAGER),
    }


@pytest.mark.parametrize("language", ["sv", "en"])
def test_log_2_emergency_access_and_the_managers_log_follow_up(
    new_page, live_server, county, assert_accessible, language
):
    child = county["child"]
    t = lambda msgid: tr(msgid, language)  # noqa: E731

    # The caseworker: no relationship, so the child is not there; emergency access opens it.
    page = open_as(new_page, live_server, county["caseworker"], language, assert_accessible)
    page.goto("/children/")
    page.get_by_role("link", name=t("Emergency access"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Emergency access"))
    assert_accessible(page)
    fits_a_phone(page, assert_accessible)

    page.get_by_label(t("Identity number")).fill(child.identity_number)
    page.get_by_role("button", name=t("Start emergency access")).click()
    # The reason is required; the number typed is kept.
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text(t("This field is required."))
    expect(page.get_by_label(t("Identity number"))).to_have_value(child.identity_number)
    assert_accessible(page)

    page.get_by_label(t("Reason")).fill(REASON)
    page.get_by_role("button", name=t("Start emergency access")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(child.name)
    banner = page.locator(".ds-alert", has=page.get_by_role("heading", name=t("Emergency access")))
    expect(banner).to_contain_text(REASON)
    assert_accessible(page)
    access = EmergencyAccess.objects.get(child=child)
    read = Entry.objects.filter(action="read", object_type="child", child_id=child.pk).get()
    assert read.basis == {"basis": "emergency", "emergency_access_id": access.pk}

    # The unit manager is told, and reviews the month's sample, where the read is flagged.
    page = open_as(new_page, live_server, county["manager"], language, assert_accessible)
    told = page.locator(
        "section", has=page.get_by_role("heading", name=t("Emergency access in your unit"))
    )
    expect(told).to_contain_text(REASON)
    expect(told).to_contain_text(county["caseworker"].staff.name)
    told.get_by_role("link", name=t("Review the reads in log follow-up")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("Log follow-up: the month's sample")
    )
    row = (
        page.get_by_role("row")
        .filter(has_text=t("emergency access"))
        .filter(has_text=county["caseworker"].staff.name)
    )
    expect(row).to_have_count(1)
    assert_accessible(page)
    fits_a_phone(page, assert_accessible)

    page.get_by_label(t("remarks, followed up with the staff concerned")).check()
    page.get_by_role("button", name=t("Record the review")).click()
    expect(page.locator("[data-error-summary]")).to_contain_text(
        t("Write what you found and what was done.")
    )
    assert_accessible(page)
    page.get_by_label(t("Note")).fill("Nödåtkomsten var befogad: barnet var på akuten.")
    page.get_by_role("button", name=t("Record the review")).click()
    expect(page.get_by_text(t("The review is recorded."))).to_be_visible()
    expect(page.get_by_text("Nödåtkomsten var befogad")).to_be_visible()
    assert_accessible(page)
    review = LogReview.objects.get()
    assert read.pk in review.flagged_entry_ids
    assert Entry.objects.filter(
        action="log_review_recorded", staff_id=review.reviewed_by_id
    ).exists()


@pytest.mark.parametrize("language", ["sv", "en"])
def test_log_1_the_samples_pages_in_the_browser(
    new_page, live_server, county, assert_accessible, language
):
    t = lambda msgid: tr(msgid, language)  # noqa: E731
    child, extra = county["child"], 7
    # Reads of a child the unit has no case with: each flagged, so each in the sample.
    caseworker = Actor(county["caseworker"])
    for _ in range(selectors.FOLLOW_UP_PAGE_SIZE + extra):
        services.record_read(
            actor=caseworker, child_id=child.pk, obj="child", obj_id=child.pk,
            purpose=Purpose.INVESTIGATION, decision=Decision(True, "involvement", {}),
        )  # fmt: skip

    page = open_as(new_page, live_server, county["manager"], language, assert_accessible)
    page.goto("/audit/follow-up/")
    sample_rows = page.get_by_role("region", name=t("The sample")).locator("tbody tr")
    expect(sample_rows).to_have_count(selectors.FOLLOW_UP_PAGE_SIZE)
    pages = page.get_by_role("navigation", name=t("Pages of the sample"))
    expect(pages.get_by_role("link", name=t("First page"))).to_have_count(0)
    pages.get_by_role("link", name=t("Next page")).click()
    expect(sample_rows).to_have_count(extra)
    expect(pages.get_by_role("link", name=t("Next page"))).to_have_count(0)
    assert_accessible(page)
    fits_a_phone(page, assert_accessible)
    pages.get_by_role("link", name=t("First page")).click()
    expect(sample_rows).to_have_count(selectors.FOLLOW_UP_PAGE_SIZE)

    # A link to a page changed by hand: said so, and the first page shown.
    response = page.goto("/audit/follow-up/?after=1733000000000000_x")
    assert response is not None
    assert response.status == 400
    expect(page.get_by_role("alert")).to_contain_text(
        t(
            "The link to this page of the sample is broken or has been changed, so the first page"
            " is shown. Go on from there."
        )
    )
    expect(sample_rows).to_have_count(selectors.FOLLOW_UP_PAGE_SIZE)
    assert_accessible(page)
    fits_a_phone(page, assert_accessible)
