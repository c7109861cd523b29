"""Issue 10, the inpatient side in the browser: a BUP inpatient clinician registers an admission,
sends its notices to social services and the outpatient unit, changes the expected date and
records the child ready for discharge (UTS-1, UTS-4). axe-core checks every page, and the list
and the admission fit a 360 px phone."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from staff import sign_in_staff, sv
from test_mobile import PHONE, measure
from wards import admit_and_notify, discharge_units

from samsyn.children.tests.factories import ChildFactory, InvolvementFactory
from samsyn.directory.models import Role
from samsyn.directory.tests.factories import MembershipFactory
from samsyn.discharge.models import Notice

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def ward(django_db_serialized_rollback, transactional_db):
    units = discharge_units()
    child = ChildFactory(municipality=units["municipality"], first_name="Alva", last_name="Lind")
    InvolvementFactory(child=child, unit=units["inpatient"])
    clinician = MembershipFactory(unit=units["inpatient"], role=Role.CLINICIAN)
    return {**units, "child": child, "clinician": clinician}


def test_uts_1_uts_4_register_notify_change_date_ready(
    new_page, live_server, ward, assert_accessible
):
    page = new_page()
    sign_in_staff(page, ward["clinician"].staff.user, assert_accessible)
    expected = timezone.localdate() + datetime.timedelta(days=9)
    admission = admit_and_notify(
        page, assert_accessible, ward["child"], ward,
        admitted=timezone.localtime() - datetime.timedelta(hours=2), expected=expected,
    )  # fmt: skip

    page.get_by_role("link", name=sv("Change the expected discharge date")).click()
    assert_accessible(page)
    new = expected - datetime.timedelta(days=3)
    page.get_by_label(sv("New expected discharge date")).fill(new.isoformat())
    page.get_by_label(sv("Reason")).fill("Snabbare förbättring än väntat.")
    page.get_by_role("button", name=sv("Record and notify")).click()
    expect(page.get_by_text("Snabbare förbättring än väntat.")).to_be_visible()

    page.get_by_role("button", name=sv("Ready for discharge"), exact=True).click()
    expect(
        page.get_by_text(sv("Ready for discharge is recorded and sent to every notified unit."))
    ).to_be_visible()
    assert_accessible(page)
    assert admission.notices.filter(kind=Notice.Kind.READY).count() == 2
    assert admission.notices.filter(kind=Notice.Kind.DATE_CHANGED).count() == 2

    # The same session on a phone (a second sign-in would reuse the one-time code).
    page.set_viewport_size(PHONE)
    problems = []
    for url in ("/discharge/ward/", f"/discharge/admissions/{admission.pk}/"):
        problems += measure(page, url, "sv", assert_accessible)
    assert not problems, "\n".join(problems)
    expect(page).to_have_url(re.compile(r"/discharge/admissions/"))
