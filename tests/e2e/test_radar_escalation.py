"""Issue 11, points 3 and 4 in the browser: a caseworker chooses to be e-mailed at once about
late reports of concern (RAD-6), and a signal left unresolved past the region's ladder reaches
the officials' group, whose member — acting for the region's management, with no relationship
to the child — sees it as a count, never the child (RAD-9, GOV-3). axe-core checks every page,
in Swedish and in English."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from staff import heading, sign_in_staff, sv

from samsyn.common.dates import start_of
from samsyn.concerns.tests.factories import IntakeFactory, ReportFactory
from samsyn.directory.models import Organisation, Role
from samsyn.directory.tests.factories import MembershipFactory, PrincipalFactory, UnitFactory
from samsyn.notifications.models import Preference
from samsyn.radar.models import CollaborationBody, EscalationStep, Signal
from samsyn.radar.services.escalation import escalate
from samsyn.radar.services.scan import scan

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def county(django_db_serialized_rollback, transactional_db):
    region = PrincipalFactory(region=True)
    municipality = PrincipalFactory(name="Lindesbergs kommun", code="1885")
    intake = IntakeFactory(
        municipality=municipality, organisation__name="Socialtjänsten Lindesberg",
        unit__name="Mottagningen",
    )  # fmt: skip
    caseworker = MembershipFactory(unit=intake.unit, role=Role.CASEWORKER)
    report = ReportFactory(intake=intake, received_at=timezone.now() - datetime.timedelta(days=3))
    body = CollaborationBody.objects.create(
        region=region, kind=CollaborationBody.Kind.OFFICIALS,
        name="Tjänstemannagruppen barn och unga",
    )  # fmt: skip
    EscalationStep.objects.create(region=region, level=2, body=body, after_days=10)
    official = MembershipFactory(
        role=Role.ADMINISTRATOR,
        unit=UnitFactory(
            name="Regionledningen", organisation__principal=region,
            organisation__kind=Organisation.Kind.ADMINISTRATION,
        ),
    )  # fmt: skip
    body.members.add(official.staff)
    scan()
    signal = Signal.objects.select_related("rule").get(subject_id=report.pk)
    # The signal waits past the rule's days (to the unit manager), then past the step's.
    day = signal.due_on + datetime.timedelta(days=signal.rule.escalate_after_days)
    escalate(start_of(day) + datetime.timedelta(hours=12))
    escalate(start_of(day + datetime.timedelta(days=10)) + datetime.timedelta(hours=12))
    return {"caseworker": caseworker, "official": official, "body": body, "report": report}


def to_english(page: Page) -> None:
    page.get_by_role("button", name="English", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_rad_9_a_person_chooses_e_mail_and_the_officials_group_sees_counts(
    new_page, county, assert_accessible
):
    # The caseworker of the intake unit: e-mail at once about late reports of concern.
    page = new_page()
    sign_in_staff(page, county["caseworker"].staff.user, assert_accessible)
    page.get_by_role("link", name=sv("Notifications"), exact=True).first.click()
    expect(heading(page)).to_have_text(sv("Notifications"))
    assert_accessible(page)
    page.get_by_role("link", name=sv("Choose how you are told")).click()
    expect(heading(page)).to_have_text(sv("How you are told"))
    assert_accessible(page)
    rad_6 = page.get_by_role("group", name=re.compile("^RAD-6 "))
    rad_6.get_by_label(sv("Also by e-mail, at once")).check()
    page.get_by_role("button", name=sv("Save"), exact=True).click()
    expect(page.get_by_text(sv("Your choices are saved."))).to_be_visible()
    assert_accessible(page)
    assert Preference.objects.get(staff=county["caseworker"].staff, kind="RAD-6").delivery == (
        "immediate"
    )
    to_english(page)
    expect(heading(page)).to_have_text("How you are told")
    expect(
        page.get_by_role("group", name=re.compile("^RAD-6 ")).get_by_label(
            "Also by e-mail, at once"
        )
    ).to_be_checked()
    assert_accessible(page)

    # The officials' group: the signal escalated past the unit manager, as a count.
    report, body = county["report"], county["body"]
    page = new_page()
    sign_in_staff(page, county["official"].staff.user, assert_accessible)
    page.get_by_role("link", name=body.name).click()
    expect(heading(page)).to_have_text(body.name)
    table = page.get_by_role("table", name=sv("Escalated items per rule and organisation"))
    row = table.get_by_role("row").filter(has_text="RAD-6")
    expect(row).to_contain_text("Socialtjänsten Lindesberg")
    expect(row).to_contain_text(sv("fewer than 5"))
    expect(page.get_by_text(report.child.name)).to_have_count(0)
    assert_accessible(page)
    to_english(page)
    expect(
        page.get_by_role("table", name="Escalated items per rule and organisation")
    ).to_contain_text("fewer than 5")
    assert_accessible(page)
    # The escalation told the member, in Samsyn.
    page.get_by_role("link", name="Notifications", exact=True).first.click()
    expect(page.get_by_role("link", name=re.compile("^RAD-6 "))).to_be_visible()
    assert_accessible(page)

    # At 360 px wide neither page scrolls sideways.
    page.set_viewport_size(PHONE)
    for url in (f"/radar/bodies/{body.pk}/", "/accounts/notifications/settings/"):
        page.goto(url)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{url}: the page is {width} px wide"
        assert_accessible(page)
