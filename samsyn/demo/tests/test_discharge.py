"""The demo county's admissions (issue 10, item 7): BUP's inpatient unit with a nurse and a
manager to sign in as, an admission in each state, the seed's same-day discharge flagged for
short notice, and what the receiving units and the fixed care contact see of them."""

from __future__ import annotations

import pytest
from django.utils import timezone

from samsyn.demo.discharge import STATES
from samsyn.demo.tests.helpers import actor, county_built_today
from samsyn.discharge.models import Admission, DischargeDateChange, Notice
from samsyn.discharge.selectors import receiving, start, ward

SEED = 5


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker):
    """A small county built today, rolled back afterwards."""
    with django_db_blocker.unblock(), county_built_today(SEED) as county:
        yield county


def test_an_admission_in_each_state(county, db):
    admissions = Admission.objects.filter(unit__name="BUP heldygnsvård")
    assert admissions.count() == len(STATES)
    assert admissions.filter(notices__isnull=True).count() == 2  # just admitted; overdue
    assert admissions.filter(ready_at__isnull=False, discharged_at__isnull=True).exists()
    assert admissions.filter(discharged_at__isnull=False).count() == 2
    assert admissions.filter(compulsory_outpatient_care=True).count() == 1
    assert admissions.filter(child__protected_identity=True).count() == 1
    assert DischargeDateChange.objects.filter(admission__in=admissions).count() == 1
    assert Notice.objects.filter(kind=Notice.Kind.DATE_CHANGED).count() == 2
    assert Notice.objects.filter(acknowledged_at__isnull=True).exists()
    assert Notice.objects.filter(acknowledged_at__isnull=False).exists()


def test_uts_4_the_seeds_same_day_discharge_is_flagged_on_the_ward_and_at_social_services(
    county, db
):
    [seed] = [
        admission
        for admission in Admission.objects.filter(discharged_at__isnull=False)
        if timezone.localdate(admission.ready_at) == timezone.localdate(admission.discharged_at)
    ]
    assert not seed.compulsory_outpatient_care
    nurse = actor("heldygn")
    row, _decision = ward.admission_for(nurse, admission_id=seed.pk)
    codes = {flag.code for flag in row.flags}
    assert {"short_notice", "care_information_late"} <= codes
    assert start.counts_for(actor("heldygn.chef")).ward_short_notice >= 1
    intake = actor("mottagning")
    assert start.counts_for(intake).short_notice >= 1
    view = receiving.admission_for(intake, admission_id=seed.pk)
    assert view.flags.short_notice
    assert not view.notices[0].acknowledged_at  # nobody at social services has seen it yet


def test_uts_1_the_ward_lists_its_admitted_children_with_late_notices(county, db):
    listed = ward.ward_page_for(actor("heldygn"))
    assert len(listed.rows) == len(STATES) - 2  # the discharged are not current
    assert listed.late_notice_count >= 2  # sent late, and not yet sent after 30 hours


def test_uts_5_the_fixed_care_contact_sees_a_sip_call_due_overdue_and_called(county, db):
    contact = actor("behandlare")
    views = [
        receiving.admission_for(contact, admission_id=a.pk)
        for a in Admission.objects.filter(fixed_care_contact=contact.staff)
    ]
    assert any(v.sip.overdue for v in views)
    assert any(v.sip.due and not v.sip.overdue and not v.sip.called_at for v in views)
    called = [v for v in views if v.sip.called_at]
    assert len(called) == 1
    assert called[0].sip.sip is not None
    assert called[0].sip.meeting_at
