"""Issue 14 for issue 9's pages: reports of concern, intake, investigations, consultations and the
BBIC assessment at phone size. Each person's pages are opened at 360×740 CSS pixels in Swedish
and English; none may scroll sideways, axe-core must find nothing, and inline actions are
44×44 px (`test_mobile.measure` says what each page is checked for). The records carry the long,
unbroken words real ones have (an e-mail, a place), which must wrap."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page
from test_mobile import LONG_EMAIL, LONG_PLACE, measure, phone_page

from samsyn.assessment.tests.factories import (
    AssessmentFactory,
    BbicLicenceFactory,
    VersionFactory,
    name_factor,
    rate,
)
from samsyn.children.tests.factories import ChildFactory, InvolvementFactory, identity_number
from samsyn.concerns.models import Report
from samsyn.concerns.tests.factories import (
    FeedbackFactory,
    InitialAssessmentFactory,
    IntakeFactory,
    MeetingOfferFactory,
    ProtectionAssessmentFactory,
    ReportFactory,
)
from samsyn.consultations.tests.factories import ConsultationFactory
from samsyn.directory.models import Organisation, Principal, Role
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

SEEN = (
    "Alva har kommit till skolan utan mat och utan jacka fyra dagar i rad, och berättade i dag "
    "att hon inte vågar gå hem när pappa har druckit. Mer finns i elevhälsojournalen "
    "(elevhälsojournalsanteckningen-2026-11-30-kuratorssamtal)."
)


@pytest.fixture
def county(django_db_serialized_rollback, transactional_db):
    """Örebro: social services with its intake and investigators, licensed for BBIC; a school,
    BUP; a child with reports in every state, an investigation, consultations, an assessment."""
    region = PrincipalFactory(kind=Principal.Kind.REGION, name="Region Örebro län", code="18")
    municipality = PrincipalFactory(name="Örebro kommun", code="1880")
    BbicLicenceFactory(municipality=municipality, reference="Socialstyrelsen dnr 1.2-345/2019")
    intake = IntakeFactory(
        municipality=municipality, organisation__name="Socialtjänsten Örebro",
        organisation__phone="019-21 10 00", unit__name="Mottagningsenheten barn och unga",
    )  # fmt: skip
    investigators = UnitFactory(organisation=intake.organisation, name="Barn och unga – utredning")
    school = UnitFactory(
        name="Vivallaskolans elevhälsa", municipality=municipality,
        organisation__principal=municipality, organisation__kind=Organisation.Kind.SCHOOL,
        organisation__name="Vivallaskolan",
    )  # fmt: skip
    bup = UnitFactory(
        name="BUP Örebro (USÖ)", organisation__principal=region,
        organisation__kind=Organisation.Kind.BUP, organisation__name="BUP Region Örebro län",
    )  # fmt: skip
    counsellor = MembershipFactory(unit=school, role=Role.SCHOOL_COUNSELLOR)
    child = ChildFactory(
        first_name="Alva", last_name="Lindqvist", municipality=municipality,
        identity_number=identity_number(datetime.date(2012, 9, 3), 41),
        street_address=LONG_PLACE, city="Örebro",
    )  # fmt: skip
    received = timezone.now() - datetime.timedelta(days=3)
    school_report = dict(
        intake=intake, reporter_staff=counsellor.staff, reporter_unit=school,
        reporter_email=LONG_EMAIL, what_seen=SEEN, received_at=received,
        feedback_requested_at=received,
    )  # fmt: skip
    # Waiting for every step: a school's report with a meeting offered.
    waiting = ReportFactory(child=child, **school_report)
    MeetingOfferFactory(report=waiting)
    # Linked to nobody yet: named by name and a long address only.
    ReportFactory(
        intake=intake, unlinked=True, given_name="Alva Lindqvist", given_address=LONG_PLACE,
        what_seen=SEEN, received_at=received,
    )  # fmt: skip
    # Done: protection assessed, an investigation opened, the school answered.
    done = ReportFactory(child=child, urgency=Report.Urgency.ACUTE, **school_report)
    ProtectionAssessmentFactory(report=done)
    decided = InitialAssessmentFactory(report=done, opened=True, investigation__unit=investigators)
    FeedbackFactory(report=done, answer=decided.decision)
    # From the public, anonymous.
    ReportFactory(intake=intake, public=True, anonymous=True, reporter_name="", child=child)
    # Consultations: one the school asked BUP, answered; one unanswered.
    ConsultationFactory(
        asked_by=counsellor.staff, asking_unit=school, consulted_unit=bup, answered=True
    )
    asked = ConsultationFactory(asked_by=counsellor.staff, asking_unit=school, consulted_unit=bup)
    # The BBIC assessment: two versions final, a third a draft.
    assessment = AssessmentFactory(unit=investigators, child=child)
    InvolvementFactory(child=child, unit=investigators)
    for number in (1, 2, 3):
        version = VersionFactory(assessment=assessment, number=number, final=number < 3)
        rate(version, "health", 1 + number, "Astma, kontakt med BVC och barnhälsovården.")
        rate(version, "safety", 1, "Våld i hemmet.")
        name_factor(version, "risk", "Skolfrånvaro")
        name_factor(version, "protective", "Stöttande mormor")
    return {
        "intake": MembershipFactory(unit=intake.unit, role=Role.CASEWORKER),
        "investigator": MembershipFactory(unit=investigators, role=Role.CASEWORKER),
        "counsellor": counsellor,
        "clinician": MembershipFactory(unit=bup, role=Role.CLINICIAN),
        "waiting": waiting,
        "unlinked": Report.objects.get(child=None),
        "done": done,
        "investigation": decided.investigation,
        "consultation": asked,
        "assessment": assessment,
    }


def signed_in(new_page, live_server, actor_client, membership, language: str) -> Page:
    """A phone-sized page signed in as the member, by a session cookie: signing in twice
    through the pages would replay the same one-time code."""
    session = actor_client(actor_of(membership)).cookies[settings.SESSION_COOKIE_NAME].value
    page = phone_page(new_page, live_server, language)
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    return page


def walk(page: Page, urls: list[str], language: str, check) -> list[str]:
    return [problem for url in urls for problem in measure(page, url, language, check)]


LANGUAGES = pytest.mark.parametrize("language", ["sv", "en"])


@LANGUAGES
def test_mobile_the_public_report_form_and_receipt_fit_a_phone(
    new_page, county, live_server, assert_accessible, language
):
    page = phone_page(new_page, live_server, language)
    problems = measure(page, "/anmalan/", language, assert_accessible)
    # The receipt belongs to the browser that filed: file a report to see it.
    page.locator("#id_municipality").select_option(label="Örebro kommun")
    page.locator("#id_child_name").fill("Alva")
    page.locator("#id_child_address").fill(LONG_PLACE)
    page.locator("#id_what_seen").fill(SEEN)
    page.locator("input[name=urgency][value=not_acute]").check()
    page.locator("#id_anonymous").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/anmalan/kvitto/")
    problems += measure(page, "/anmalan/kvitto/", language, assert_accessible)
    assert not problems, "\n".join(problems)


@LANGUAGES
def test_mobile_a_reporters_pages_fit_a_phone(
    new_page, county, live_server, actor_client, assert_accessible, language
):
    page = signed_in(new_page, live_server, actor_client, county["counsellor"], language)
    consultation = county["consultation"]
    urls = [
        "/concerns/reports/new/",
        "/concerns/reports/mine/",
        f"/concerns/reports/mine/{county['waiting'].pk}/",
        f"/concerns/reports/mine/{county['done'].pk}/",
        "/consultations/",
        "/consultations/?box=asked",
        "/consultations/new/",
        f"/consultations/{consultation.pk}/",
        f"/consultations/{consultation.pk}/link/",
    ]
    problems = walk(page, urls, language, assert_accessible)
    assert not problems, "\n".join(problems)


@LANGUAGES
def test_mobile_a_consulted_clinicians_pages_fit_a_phone(
    new_page, county, live_server, actor_client, assert_accessible, language
):
    page = signed_in(new_page, live_server, actor_client, county["clinician"], language)
    consultation = county["consultation"]
    urls = [
        "/consultations/",
        f"/consultations/{consultation.pk}/",
        f"/consultations/{consultation.pk}/answer/",
    ]
    problems = walk(page, urls, language, assert_accessible)
    assert not problems, "\n".join(problems)


@LANGUAGES
def test_mobile_intakes_pages_fit_a_phone(
    new_page, county, live_server, actor_client, assert_accessible, language
):
    page = signed_in(new_page, live_server, actor_client, county["intake"], language)
    waiting, done, unlinked = county["waiting"].pk, county["done"].pk, county["unlinked"].pk
    urls = [
        "/",
        "/concerns/intake/",
        "/concerns/intake/?done=on",
        f"/concerns/intake/{waiting}/",
        f"/concerns/intake/{done}/",
        f"/concerns/intake/{unlinked}/",
        f"/concerns/intake/{unlinked}/link/",
        f"/concerns/intake/{waiting}/protection/",
        f"/concerns/intake/{waiting}/decision/",
        f"/concerns/intake/{waiting}/extend/",
        f"/concerns/intake/{waiting}/feedback/",
        f"/concerns/intake/{unlinked}/feedback/request/",
        f"/concerns/intake/{unlinked}/meeting/",
        f"/concerns/intake/{waiting}/meeting/answer/",
    ]
    problems = walk(page, urls, language, assert_accessible)
    assert not problems, "\n".join(problems)


@LANGUAGES
def test_mobile_an_investigators_pages_fit_a_phone(
    new_page, county, live_server, actor_client, assert_accessible, language
):
    page = signed_in(new_page, live_server, actor_client, county["investigator"], language)
    investigation, assessment = county["investigation"].pk, county["assessment"].pk
    urls = [
        "/",
        f"/concerns/investigations/{investigation}/",
        f"/concerns/investigations/{investigation}/extend/",
        f"/concerns/investigations/{investigation}/finish/",
        f"/concerns/intake/{county['done'].pk}/",
        f"/assessment/{assessment}/",
        f"/assessment/{assessment}/versions/1/",
        f"/assessment/{assessment}/draft/",
    ]
    problems = walk(page, urls, language, assert_accessible)
    assert not problems, "\n".join(problems)
