"""Issue 10, the receiving side in the browser: a caseworker of the notified social services
finds the notice from the start page and acknowledges it, and the unit's planning tasks appear
(UTS-3); a clinician of the notified outpatient unit appoints a colleague as the fixed care
contact (UTS-2), sees the SIP call's due date with its rule, and opens the family's summary
(UTS-6). axe-core checks every page, and the pages again at 360 px wide."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from staff import heading, sign_in_staff, sv
from test_mobile import PHONE

from samsyn.directory.models import Organisation, Role
from samsyn.directory.tests.factories import MembershipFactory, UnitFactory
from samsyn.discharge.models import Admission, PlanningTask
from samsyn.discharge.tests.factories import AdmissionFactory, NoticeFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def ward(django_db_serialized_rollback, transactional_db):
    admission = AdmissionFactory(child__first_name="Ella", child__last_name="Lind")
    social = NoticeFactory(admission=admission, to_unit__name="Barn och unga")
    outpatient = UnitFactory(
        name="BUP öppenvård", organisation__kind=Organisation.Kind.BUP,
        organisation__name="BUP Region Örebro län öppenvård",
    )  # fmt: skip
    health = NoticeFactory(admission=admission, to_unit=outpatient)
    caseworker = MembershipFactory(unit=social.to_unit, role=Role.CASEWORKER)
    clinician = MembershipFactory(unit=outpatient, role=Role.CLINICIAN)
    nurse = MembershipFactory(
        unit=outpatient, role=Role.CLINICIAN, staff__name="Sara Ek", staff__phone="019-60 20 000"
    )
    return {
        "admission": admission, "social": social, "health": health,
        "caseworker": caseworker, "clinician": clinician, "nurse": nurse,
    }  # fmt: skip


def fits(page: Page, check) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url}: the page is {width} px wide"
    check(page)


def test_uts_2_uts_3_uts_6_social_services_acknowledge_and_outpatient_care_appoints(
    new_page, ward, live_server, assert_accessible
):
    admission = ward["admission"]
    page = new_page()
    sign_in_staff(page, ward["caseworker"].staff.user, assert_accessible)
    expect(page.get_by_role("heading", name=sv("Discharge from inpatient care"))).to_be_visible()
    page.get_by_role("link", name=sv("Discharge notices received")).click()
    expect(heading(page)).to_have_text(sv("Discharge notices received"))
    assert_accessible(page)
    page.get_by_role("button", name=re.compile(f"^{sv('Acknowledge')}")).click()
    expect(
        page.get_by_text(sv("The notice is acknowledged; the unit's planning has started."))
    ).to_be_visible()
    expect(page.get_by_text(sv("Contact the guardians"), exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name=re.compile(sv("Contact the guardians"))).click()
    expect(page.get_by_text(sv("The task is marked done."))).to_be_visible()
    assert (
        PlanningTask.objects.filter(
            admission=admission, unit=ward["social"].to_unit, done_at__isnull=False
        ).count()
        == 1
    )
    social_cookies = page.context.cookies()

    # The outpatient clinician appoints a colleague and opens the family's summary.
    clinic = new_page()
    sign_in_staff(clinic, ward["clinician"].staff.user, assert_accessible)
    clinic.goto(f"/discharge/received/{admission.pk}/")
    assert_accessible(clinic)
    clinic.get_by_role("link", name=sv("Appoint the fixed care contact")).click()
    assert_accessible(clinic)
    clinic.get_by_label(sv("Fixed care contact")).select_option(label="Sara Ek")
    clinic.get_by_role("button", name=sv("Appoint"), exact=True).click()
    expect(clinic.get_by_text(sv("The fixed care contact is appointed."))).to_be_visible()
    assert Admission.objects.get(pk=admission.pk).fixed_care_contact == ward["nurse"].staff
    expect(
        clinic.get_by_role("button", name=sv("Open the child's SIP to call the meeting"))
    ).to_be_visible()
    clinic.get_by_role("link", name=sv("Summary for the family")).click()
    expect(heading(clinic)).to_have_text(sv("After the hospital stay"))
    expect(clinic.get_by_text("019-60 20 000")).to_be_visible()
    assert_accessible(clinic)
    clinic.get_by_label(re.compile(sv("Care given, in plain words for the family"))).fill(
        "Ella har vårdats i tio dagar och mår bättre."
    )
    clinic.get_by_role("button", name=sv("Save"), exact=True).click()
    expect(
        clinic.get_by_role("paragraph").filter(has_text="Ella har vårdats i tio dagar")
    ).to_be_visible()

    # The same pages at phone size.
    for cookies, urls in [
        (social_cookies, ["/", "/discharge/received/", f"/discharge/received/{admission.pk}/"]),
        (
            clinic.context.cookies(),
            [
                f"/discharge/received/{admission.pk}/",
                f"/discharge/received/{admission.pk}/fixed-care-contact/",
                f"/discharge/received/{admission.pk}/summary/",
            ],
        ),
    ]:
        phone = new_page()
        phone.set_viewport_size(PHONE)
        phone.context.add_cookies(cookies)
        for url in urls:
            phone.goto(url)
            fits(phone, assert_accessible)
