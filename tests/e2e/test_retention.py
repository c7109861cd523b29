"""DOMAIN RET-1 in the browser: an administrator reads what retention finds due (chart and
table), opens one rule's due records by number, and sets a legal hold on one of them; a unit
manager places a hold on a child's records from the child's page and lifts it, in Swedish and
English. axe-core checks each page, and at 360 px wide no page may scroll sideways."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from staff import heading, sign_in_staff, sv

from samsyn.children.tests.factories import ChildFactory, InvolvementFactory
from samsyn.concerns.tests.factories import InitialAssessmentFactory, ReportFactory
from samsyn.directory.models import Role
from samsyn.directory.tests.factories import MembershipFactory, UnitFactory
from samsyn.retention.models import LegalHold

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def old_report(django_db_serialized_rollback, transactional_db):
    six_years_ago = timezone.now() - datetime.timedelta(days=6 * 366)
    report = ReportFactory(received_at=six_years_ago)
    InitialAssessmentFactory(report=report, not_opened=True, decided_at=six_years_ago)
    return report


def test_ret_1_an_administrator_reads_what_is_due_and_sets_a_hold(
    page: Page, assert_accessible, old_report
):
    admin = MembershipFactory(role=Role.ADMINISTRATOR)
    sign_in_staff(page, admin.staff.user, assert_accessible)
    page.get_by_role("navigation", name=sv("Main menu")).get_by_role(
        "link", name=sv("Retention")
    ).click()
    expect(heading(page)).to_have_text(sv("Retention: what is due for deletion"))
    expect(page.get_by_role("img")).to_be_visible()
    assert_accessible(page)
    row = (
        page.get_by_role("row")
        .filter(has_text="16 kap. 1 §")
        .filter(has_text=sv("reports of concern").capitalize())
    )
    row.get_by_role("link", name="1", exact=True).click()
    expect(page.get_by_role("cell", name=str(old_report.pk), exact=True)).to_be_visible()
    # Records by number only: never the child (a surname alone may be the signed-in staff's).
    child = old_report.child
    assert child.name not in page.content()
    assert child.identity_number not in page.content()
    assert_accessible(page)

    page.goto("/retention/holds/new/")
    assert_accessible(page)
    page.get_by_label(sv("Record type")).select_option("report")
    page.get_by_label(sv("Record number")).fill(str(old_report.pk))
    page.get_by_label(sv("Reason")).fill("Begäran från JO")
    page.get_by_label(sv("Legal reference")).fill("JO dnr 1234-2026")
    page.get_by_role("button", name=sv("Set the hold")).click()
    expect(page).to_have_url(re.compile(r"/retention/$"))
    expect(
        page.get_by_text(sv("The legal hold is set: nothing it keeps is deleted."))
    ).to_be_visible()
    assert LegalHold.objects.filter(record_id=old_report.pk, lifted_at__isnull=True).exists()
    assert_accessible(page)

    page.set_viewport_size(PHONE)
    page.reload()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"
    assert_accessible(page)


def _fits(page: Page, assert_accessible) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"
    assert_accessible(page)


def test_ret_1_a_unit_manager_places_and_lifts_a_hold_from_the_childs_page(
    page: Page, assert_accessible, django_db_serialized_rollback, transactional_db
):
    unit = UnitFactory()
    child = ChildFactory()
    InvolvementFactory(child=child, unit=unit)
    manager = MembershipFactory(role=Role.UNIT_MANAGER, unit=unit)
    page.set_viewport_size(PHONE)
    sign_in_staff(page, manager.staff.user, assert_accessible)
    page.goto(f"/children/{child.pk}/")
    section = page.get_by_role("region", name=sv("Legal hold"))
    expect(section).to_be_visible()
    _fits(page, assert_accessible)
    section.get_by_role("link", name=sv("Place a legal hold")).click()
    expect(heading(page)).to_have_text(sv("Place a legal hold on the child's records"))
    _fits(page, assert_accessible)
    # Sent empty: the errors are on the fields, and the page is still accessible.
    page.get_by_role("button", name=sv("Place the hold")).click()
    _fits(page, assert_accessible)
    page.get_by_label(sv("Reason")).fill("Vårdnadsmål i tingsrätten")
    page.get_by_label(sv("Legal reference")).fill("Örebro tingsrätt T 1234-26")
    page.get_by_role("button", name=sv("Place the hold")).click()
    expect(page).to_have_url(re.compile(rf"/children/{child.pk}/$"))
    expect(
        page.get_by_text(sv("The legal hold is placed: nothing it keeps is deleted."))
    ).to_be_visible()
    section = page.get_by_role("region", name=sv("Legal hold"))
    expect(section.get_by_text("Örebro tingsrätt T 1234-26")).to_be_visible()
    _fits(page, assert_accessible)

    page.get_by_role("button", name="English", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    section = page.get_by_role("region", name="Legal hold")
    expect(section.get_by_text("Legal reference")).to_be_visible()
    _fits(page, assert_accessible)
    section.get_by_role("button", name="Lift the hold").click()
    expect(page.get_by_text("The legal hold is lifted.")).to_be_visible()
    expect(page.get_by_role("link", name="Place a legal hold")).to_be_visible()
    _fits(page, assert_accessible)
    hold = LegalHold.objects.get(record_type="child", record_id=child.pk)
    assert hold.lifted_by == manager.staff
