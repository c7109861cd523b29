"""Issue 9, item 5 (DOMAIN KON-1) in the browser: a school counsellor asks BUP about a pupil
without naming the pupil, a BUP clinician answers, and the counsellor reads the answer. axe-core
checks every page either of them sees, and the counsellor's pages again at 360 px wide, where no
page may scroll sideways."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from staff import heading, sign_in_staff, sv

from samsyn.consultations.models import Consultation
from samsyn.directory.models import Organisation, Principal, Role
from samsyn.directory.tests.factories import MembershipFactory, PrincipalFactory, UnitFactory

pytestmark = [
    pytest.mark.e2e,
    # The live server needs committed rows; serialized rollback puts back the seeded legal bases.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 360, "height": 740}
QUESTION = "Hur kan vi i elevhälsan stötta en elev som slutat äta lunch i skolan?"
SITUATION = (
    "Flicka i årskurs 8 som har gått ner märkbart i vikt sedan höstlovet, undviker matsalen "
    "och säger att hon inte är hungrig. Vårdnadshavarna är informerade om elevhälsans oro."
)
ANSWER = (
    "Det ni beskriver kan vara början på en ätstörning. Föreslå vårdnadshavarna att söka "
    "vårdcentralen eller BUP direkt; ni kan gärna ringa oss igen."
)


@pytest.fixture
def county(django_db_serialized_rollback, transactional_db):
    region = PrincipalFactory(kind=Principal.Kind.REGION, name="Region Örebro län", code="18")
    orebro = PrincipalFactory(name="Örebro kommun", code="1880")
    school = UnitFactory(
        name="Ekängsskolan", organisation__principal=orebro,
        organisation__kind=Organisation.Kind.SCHOOL,
        organisation__name="Grundskola och elevhälsa Örebro",
    )  # fmt: skip
    bup = UnitFactory(
        name="BUP Örebro (USÖ)", organisation__principal=region,
        organisation__kind=Organisation.Kind.BUP, organisation__name="BUP Region Örebro län",
    )  # fmt: skip
    UnitFactory(name="BUP Lindesberg", organisation=bup.organisation)
    return {
        "bup": bup,
        "counsellor": MembershipFactory(unit=school, role=Role.SCHOOL_COUNSELLOR),
        "clinician": MembershipFactory(unit=bup, role=Role.CLINICIAN),
    }


def fits_a_phone(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide at {PHONE['width']} px"


def test_kon_1_a_counsellor_asks_bup_a_clinician_answers_the_counsellor_reads_it(
    new_page, county, assert_accessible
):
    check = assert_accessible
    bup = county["bup"]

    # 1. The counsellor asks BUP Örebro, first with the pupil's identity number by mistake.
    school = new_page()
    sign_in_staff(school, county["counsellor"].staff.user, check)
    school.get_by_role("link", name=sv("Consultations"), exact=True).first.click()
    expect(heading(school)).to_have_text(sv("Consultations"))
    check(school)
    school.get_by_role("link", name=sv("Ask for a consultation"), exact=True).click()
    expect(heading(school)).to_have_text(sv("Ask for a consultation"))
    expect(school.get_by_text(sv("A consultation is not a report of concern"))).to_be_visible()
    check(school)
    school.get_by_label(sv("Organisation or unit to ask")).select_option(label=bup.name)
    school.get_by_label(sv("13–15 years")).check()
    school.get_by_label(sv("Your question")).fill(QUESTION)
    mistaken = SITUATION + " Personnummer 20110314-2387."
    school.get_by_label(sv("The situation")).fill(mistaken)
    school.get_by_role("button", name=sv("Send the consultation"), exact=True).click()
    expect(school.locator("[data-error-summary]")).to_be_visible()
    expect(school.get_by_label(sv("The situation"))).to_have_value(mistaken)
    expect(school.get_by_label(sv("Your question"))).to_have_value(QUESTION)
    check(school)
    assert not Consultation.objects.exists()
    school.get_by_label(sv("The situation")).fill(SITUATION)
    school.get_by_role("button", name=sv("Send the consultation"), exact=True).click()
    consultation = Consultation.objects.get()
    expect(school).to_have_url(re.compile(rf"/consultations/{consultation.pk}/$"))
    expect(school.get_by_text(sv("The consultation is sent."))).to_be_visible()
    # The receipt: anonymous, and no report of concern.
    expect(school.get_by_text(sv("Anonymous: the consultation names no child."))).to_be_visible()
    expect(school.get_by_text(sv("A consultation is not a report of concern"))).to_be_visible()
    expect(school.get_by_text(sv("Not answered yet."))).to_be_visible()
    check(school)
    assert consultation.child_id is None
    assert consultation.consulted_unit == bup

    # 2. The BUP clinician finds it among the consultations asked of the unit and answers.
    clinic = new_page()
    sign_in_staff(clinic, county["clinician"].staff.user, check)
    clinic.get_by_role("link", name=sv("Consultations"), exact=True).first.click()
    check(clinic)
    clinic.get_by_role("link", name=re.compile(re.escape(QUESTION[:40]))).click()
    expect(heading(clinic)).to_have_text(
        sv("Consultation no. %(number)s") % {"number": consultation.pk}
    )
    check(clinic)
    clinic.get_by_role("link", name=sv("Answer the consultation"), exact=True).click()
    check(clinic)
    clinic.get_by_label(sv("Your answer")).fill(ANSWER)
    clinic.get_by_role("button", name=sv("Send the answer"), exact=True).click()
    expect(clinic.get_by_text(sv("Your answer is sent."))).to_be_visible()
    expect(clinic.get_by_text(ANSWER)).to_be_visible()
    check(clinic)

    # 3. The counsellor reads the answer, on a phone as well.
    school.set_viewport_size(PHONE)
    school.get_by_role("link", name=sv("Consultations"), exact=True).first.click()
    school.get_by_role("link", name=sv("Asked by your unit"), exact=True).click()
    expect(school.get_by_role("cell", name=sv("Answered"), exact=True)).to_be_visible()
    fits_a_phone(school)
    check(school)
    school.get_by_role("link", name=re.compile(re.escape(QUESTION[:40]))).click()
    expect(school.get_by_text(ANSWER)).to_be_visible()
    expect(school.get_by_text(county["clinician"].staff.name).first).to_be_visible()
    fits_a_phone(school)
    check(school)
    school.goto("/consultations/new/")
    fits_a_phone(school)
    check(school)
    # Linking without a consent is refused with the reason, the number typed kept.
    school.goto(f"/consultations/{consultation.pk}/link/")
    expect(heading(school)).to_have_text(sv("Link to a child"))
    school.get_by_label(sv("The child's identity number")).fill("20110314-2387")
    school.get_by_role("button", name=sv("Link to the child"), exact=True).click()
    expect(school.locator("[data-error-summary]")).to_be_visible()
    expect(school.get_by_label(sv("The child's identity number"))).to_have_value("20110314-2387")
    fits_a_phone(school)
    check(school)
    consultation.refresh_from_db()
    assert consultation.child_id is None
