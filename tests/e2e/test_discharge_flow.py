"""Issue 10 from end to end in the browser, across the inpatient unit and the receiving units:
BUP's inpatient nurse registers the admission and sends the notices (UTS-1) and later records
the child ready for discharge (UTS-4); social services' intake acknowledges from its start page
(UTS-3); the outpatient clinician acknowledges, becomes the fixed care contact (UTS-2) and opens
the child's SIP from the discharge, records both guardians' consent for social services and
calls the SIP meeting within the 3 days (UTS-5); social services accepts the SIP's invitation and
sees the call on the discharge. Every page is checked by axe-core (WCAG 2.1 AA)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from django.utils.translation import override
from playwright.sync_api import expect
from staff import heading, sign_in_staff, sv
from wards import admit_and_notify, discharge_units

from samsyn.children.tests.factories import (
    ChildFactory,
    GuardianFactory,
    GuardianshipFactory,
    InvolvementFactory,
    identity_number,
)
from samsyn.consent.models import Consent
from samsyn.directory.models import Role
from samsyn.directory.tests.factories import MembershipFactory
from samsyn.discharge.models import PlanningTask
from samsyn.plans.models import Case, Invitation

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def sv_label(choice) -> str:
    with override("sv"):
        return str(choice.label)


@pytest.fixture
def county(django_db_serialized_rollback, transactional_db):
    units = discharge_units()
    child = ChildFactory(
        municipality=units["municipality"], first_name="Alva", last_name="Lindqvist",
        identity_number=identity_number(datetime.date(2011, 4, 7), 31),
    )  # fmt: skip
    guardians = [
        GuardianFactory(
            first_name=first,
            last_name="Lindqvist",
            email=f"{first.lower()}@example.org",
            identity_number=identity_number(datetime.date(1982, 6, 1), serial),
        )  # fmt: skip
        for first, serial in (("Karin", 52), ("Johan", 53))
    ]
    for guardian in guardians:
        GuardianshipFactory(child=child, guardian=guardian)
    InvolvementFactory(child=child, unit=units["inpatient"])
    return {
        **units,
        "child": child,
        "guardians": guardians,
        "nurse": MembershipFactory(unit=units["inpatient"], role=Role.CLINICIAN),
        "caseworker": MembershipFactory(
            unit=units["social"],
            role=Role.CASEWORKER,
            staff__name="Lisa Bergqvist",
            staff__email="lisa@example.org",
        ),  # fmt: skip
        "clinician": MembershipFactory(
            unit=units["outpatient"],
            role=Role.CLINICIAN,
            staff__name="Johan Ekström",
            staff__email="johan@example.org",
        ),  # fmt: skip
    }


def test_uts_1_to_uts_5_from_admission_to_the_sip_meeting(
    new_page, live_server, county, assert_accessible
):
    check = assert_accessible
    child, guardians = county["child"], county["guardians"]

    # 1. The inpatient nurse registers the admission and sends the notices (UTS-1).
    ward = new_page()
    sign_in_staff(ward, county["nurse"].staff.user, check)
    admission = admit_and_notify(
        ward, check, child, county,
        admitted=timezone.localtime() - datetime.timedelta(hours=3),
        expected=timezone.localdate() + datetime.timedelta(days=6),
    )  # fmt: skip

    # 2. Social services' intake sees it on the start page and acknowledges (UTS-3).
    intake = new_page()
    sign_in_staff(intake, county["caseworker"].staff.user, check)
    expect(intake.get_by_role("heading", name=sv("Discharge from inpatient care"))).to_be_visible()
    intake.get_by_role("link", name=sv("Discharge notices received")).click()
    check(intake)
    intake.get_by_role("button", name=re.compile(f"^{sv('Acknowledge')}")).click()
    expect(
        intake.get_by_text(sv("The notice is acknowledged; the unit's planning has started."))
    ).to_be_visible()
    check(intake)
    assert PlanningTask.objects.filter(admission=admission, unit=county["social"]).count() == 3

    # 3. The ward records the child ready for discharge: every notified unit is told (UTS-4).
    ward.reload()
    ward.get_by_role("button", name=sv("Ready for discharge")).click()
    expect(
        ward.get_by_text(sv("Ready for discharge is recorded and sent to every notified unit."))
    ).to_be_visible()
    check(ward)

    # 4. The outpatient clinician acknowledges, is appointed the fixed care contact (UTS-2), and
    # opens the child's SIP from the discharge (UTS-5).
    clinic = new_page()
    sign_in_staff(clinic, county["clinician"].staff.user, check)
    clinic.goto(f"/discharge/received/{admission.pk}/")
    expect(heading(clinic)).to_contain_text(child.name)
    check(clinic)
    clinic.get_by_role("button", name=sv("Acknowledge"), exact=True).first.click()
    expect(
        clinic.get_by_text(sv("The notice is acknowledged; the unit's planning has started."))
    ).to_be_visible()
    clinic.get_by_role("link", name=sv("Appoint the fixed care contact")).click()
    check(clinic)
    clinic.get_by_label(sv("Fixed care contact")).select_option(label="Johan Ekström")
    clinic.get_by_role("button", name=sv("Appoint"), exact=True).click()
    expect(clinic.get_by_text(sv("The fixed care contact is appointed."))).to_be_visible()
    check(clinic)
    clinic.get_by_role("button", name=sv("Open the child's SIP to call the meeting")).click()
    expect(
        clinic.get_by_text(sv("The discharge is in the child's SIP: call the SIP meeting there."))
    ).to_be_visible()
    expect(heading(clinic)).to_have_text(sv("SIP for %(child)s") % {"child": child.name})
    check(clinic)
    case = Case.objects.get(child=child)  # one SIP, opened by the outpatient unit
    assert case.initiating_organisation == county["outpatient"].organisation

    # 5. Both guardians consent to social services receiving the plan; the meeting is called
    # within the 3 days, with the caseworker and both guardians invited.
    social_name = county["social"].organisation.name
    for guardian in guardians:
        clinic.get_by_role("link", name=sv("Record consent"), exact=True).click()
        check(clinic)
        clinic.get_by_label(sv("Guardian: %(name)s") % {"name": guardian.name}).check()
        clinic.get_by_role(
            "group", name=sv("Organisations that may receive the information")
        ).get_by_label(social_name, exact=True).check()
        clinic.get_by_label(sv_label(Consent.Form.WRITTEN), exact=True).check()
        clinic.get_by_role("button", name=sv("Record consent"), exact=True).click()
        expect(heading(clinic)).to_have_text(sv("SIP for %(child)s") % {"child": child.name})
    check(clinic)
    meeting_day = timezone.localdate() + datetime.timedelta(days=2)
    clinic.get_by_role("link", name=sv("Book a meeting"), exact=True).click()
    expect(heading(clinic)).to_have_text(sv("Book a SIP meeting"))
    check(clinic)
    clinic.get_by_label(sv("Date"), exact=True).fill(meeting_day.isoformat())
    clinic.get_by_label(sv("Starts at"), exact=True).fill("13:00")
    clinic.get_by_label(sv("Ends at"), exact=True).fill("14:00")
    clinic.get_by_label(sv("Place"), exact=False).first.fill("BUP Örebro, rum 4")
    clinic.get_by_label("Lisa Bergqvist", exact=False).check()
    for guardian in guardians:
        clinic.get_by_label(f"{guardian.name} ({guardian.email})", exact=True).check()
    clinic.get_by_role("button", name=sv("Book and send the invitations"), exact=True).click()
    expect(heading(clinic)).to_have_text(sv("SIP for %(child)s") % {"child": child.name})
    check(clinic)
    assert Invitation.objects.filter(meeting__case=case).count() == 3

    # The discharge shows the call and the meeting, not overdue.
    clinic.goto(f"/discharge/received/{admission.pk}/")
    sip = clinic.get_by_role("region", name=sv("SIP after discharge"))
    expect(sip).to_contain_text(meeting_day.isoformat())
    expect(sip.get_by_text(sv("overdue"), exact=True)).to_have_count(0)
    check(clinic)

    # 6. Social services takes part: its unit accepts the SIP's invitation and sees the call.
    intake.goto("/sip/")
    accept = sv("Accept SIP no. %(number)s for %(unit)s") % {
        "number": case.pk, "unit": county["social"].name,
    }  # fmt: skip
    intake.get_by_role("button", name=accept).click()
    check(intake)
    intake.goto(f"/discharge/received/{admission.pk}/")
    expect(intake.get_by_role("region", name=sv("SIP after discharge"))).to_contain_text(
        meeting_day.isoformat()
    )
    check(intake)
    assert Case.objects.filter(child=child).count() == 1
