"""Issue 9, item 4 in the browser: a caseworker of a municipality licensed for BBIC records two
versions of a child's assessment and compares them (BBIC-1, RSF-1). axe-core checks every page,
in Swedish and English and at 360 px wide, where no page may scroll sideways."""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect
from staff import heading, sign_in_staff, sv
from test_mobile import measure, phone_page

from samsyn.assessment.models import AssessmentVersion
from samsyn.assessment.tests.factories import BbicLicenceFactory
from samsyn.children.tests.factories import ChildFactory, InvolvementFactory, identity_number
from samsyn.directory.models import Organisation, Role
from samsyn.directory.tests.factories import (
    MembershipFactory,
    PrincipalFactory,
    UnitFactory,
    actor_of,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def county(django_db_serialized_rollback, transactional_db):
    municipality = PrincipalFactory(name="Örebro kommun", code="1880")
    BbicLicenceFactory(municipality=municipality, reference="Socialstyrelsen dnr 1.2-345/2019")
    unit = UnitFactory(
        name="Barn och unga – utredning", organisation__principal=municipality,
        organisation__kind=Organisation.Kind.SOCIAL_SERVICES,
        organisation__name="Socialtjänsten Örebro",
    )  # fmt: skip
    caseworker = MembershipFactory(unit=unit, role=Role.CASEWORKER)
    child = ChildFactory(
        first_name="Alva", last_name="Lindqvist", municipality=municipality,
        identity_number=identity_number(datetime.date(2012, 9, 3), 41),
    )  # fmt: skip
    InvolvementFactory(child=child, unit=unit)
    return {"caseworker": caseworker, "child": child}


def record_version(page: Page, *, view: str, health: str, risks: str, protective: str) -> None:
    page.get_by_label(sv("Yes, the child was heard")).check()
    page.get_by_label(sv("The child's own view")).fill(view)
    page.get_by_label(f"Hälsa – {sv('rating')}").select_option(label=health)
    page.get_by_label(f"Hälsa – {sv('description')}").fill("Astma, kontakt med BVC.")
    page.get_by_label(sv("Risk factors")).fill(risks)
    page.get_by_label(sv("Protective factors")).fill(protective)
    page.get_by_role("button", name=sv("Save the draft"), exact=True).click()
    expect(page.get_by_text(sv("The draft assessment is saved."))).to_be_visible()
    page.get_by_role("button", name=sv("Finalise this version"), exact=True).click()
    expect(heading(page)).to_have_text(re.compile("Alva Lindqvist"))


def test_bbic_1_a_caseworker_records_two_versions_and_compares_them(
    new_page, county, assert_accessible, live_server, actor_client
):
    check = assert_accessible
    child = county["child"]
    page = new_page()
    sign_in_staff(page, county["caseworker"].staff.user, check)
    page.goto(f"/children/{child.pk}/")
    section = page.get_by_role("region", name=sv("Assessments"))
    expect(section).to_contain_text("Socialstyrelsen dnr 1.2-345/2019")
    check(page)

    section.get_by_role("button", name=sv("Start an assessment"), exact=True).click()
    expect(page.get_by_role("group", name="Barnets behov")).to_be_visible()
    check(page)
    record_version(
        page, view="Jag vill bo kvar hos mamma.", health="2 – Vissa brister",
        risks="Skolfrånvaro\nKonflikter hemma", protective="Stöttande mormor",
    )  # fmt: skip
    check(page)

    page.get_by_role("button", name=sv("Start a new assessment version"), exact=True).click()
    expect(heading(page)).to_contain_text("2")
    record_version(
        page, view="Det är bättre nu.", health="3 – Små brister",
        risks="Skolfrånvaro", protective="Stöttande mormor\nFotbollslaget",
    )  # fmt: skip
    assert AssessmentVersion.objects.filter(status="final").count() == 2

    # The comparison: Hälsa went from 2 to 3; a risk factor is no longer named, one is new.
    health = page.get_by_role("row", name=re.compile("^Hälsa"))
    expect(health).to_contain_text(sv("better"))
    expect(page.get_by_role("row", name=re.compile("^Konflikter hemma"))).to_contain_text(
        sv("no longer named")
    )
    expect(page.get_by_role("row", name=re.compile("^Fotbollslaget"))).to_contain_text(sv("new"))
    expect(page.get_by_role("img", name=re.compile("^Hälsa"))).to_be_visible()
    check(page)
    detail = page.url

    page.get_by_role("link", name=sv("Version %(number)s") % {"number": 1}).first.click()
    expect(page.get_by_text("Jag vill bo kvar hos mamma.")).to_be_visible()
    check(page)
    version = page.url

    # A third version left as a draft, so the edit page is walked at phone size too.
    page.goto(detail)
    page.get_by_role("button", name=sv("Start a new assessment version"), exact=True).click()
    edit = page.url

    for language in ("sv", "en"):
        # Signed in by the session cookie: a second sign-in would replay the same code.
        session = (
            actor_client(actor_of(county["caseworker"])).cookies[settings.SESSION_COOKIE_NAME].value
        )
        phone = phone_page(new_page, live_server, language)
        phone.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )
        problems = []
        for url in (f"/children/{child.pk}/", detail, version, edit):
            problems += measure(phone, url, language, check)
        assert not problems, "\n".join(problems)
        if language == "en":
            # The mark is never translated: the English page names the areas in Swedish.
            phone.goto(version)
            expect(phone.get_by_text("Känslo- och beteendemässig utveckling")).to_be_visible()
            expect(phone.get_by_role("heading", name="The child's own view")).to_be_visible()
