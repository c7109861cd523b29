"""The edges of DOMAIN UTS-1…UTS-6 the other files leave: the information for continued care on
the day of discharge (UTS-4), the SIP call's deadline day itself (UTS-5), a date changed to a
sooner day flagged for short notice where the ready notice gave enough (UTS-4), and the
family's summary never giving a protected child's address (UTS-6)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from samsyn.common import dates
from samsyn.directory.models import Organisation, Role
from samsyn.directory.tests.factories import MembershipFactory, UnitFactory, actor_of
from samsyn.discharge.models import Admission, Notice
from samsyn.discharge.selectors import receiving, ward
from samsyn.discharge.selectors.deadlines import all_settings, short_notice_filter
from samsyn.discharge.services import ward as services
from samsyn.discharge.tests.factories import (
    AdmissionFactory,
    DischargeDateChangeFactory,
    NoticeFactory,
)
from samsyn.discharge.tests.ward_setup import admit, make_ward, notify
from samsyn.plans.tests.factories import CaseFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def _codes(actor, admission) -> set[str]:
    row, _decision = ward.admission_for(actor, admission_id=admission.pk)
    return {flag.code for flag in row.flags}


def test_uts_4_the_information_for_continued_care_is_due_by_the_day_of_discharge():
    w = make_ward()
    admission = notify(w, admit(w, admitted_at=timezone.now() - datetime.timedelta(days=8)))
    discharged = dates.start_of(timezone.localdate()) + datetime.timedelta(hours=10)
    Admission.objects.filter(pk=admission.pk).update(
        ready_at=discharged - datetime.timedelta(days=4), discharged_at=discharged
    )
    # Not sent at all: flagged.
    assert "care_information_late" in _codes(w.clinician, admission)
    # Sent later on the day of discharge: in time.
    Admission.objects.filter(pk=admission.pk).update(
        care_information_sent_at=discharged + datetime.timedelta(hours=8)
    )
    assert "care_information_late" not in _codes(w.clinician, admission)
    # Sent the day after: late.
    Admission.objects.filter(pk=admission.pk).update(
        care_information_sent_at=discharged + datetime.timedelta(days=1)
    )
    assert "care_information_late" in _codes(w.clinician, admission)


def test_uts_4_care_information_recorded_sent_reaches_every_notified_unit():
    w = make_ward()
    admission = notify(w, admit(w))
    services.record_care_information(
        actor=w.clinician, admission_id=admission.pk, version=admission.version
    )
    sent = Notice.objects.filter(admission=admission, kind=Notice.Kind.CARE_INFORMATION)
    assert {n.to_unit for n in sent} == {w.social, w.outpatient}


def _both_notified():
    social = NoticeFactory(admission=AdmissionFactory())
    outpatient = UnitFactory(organisation__kind=Organisation.Kind.BUP)
    NoticeFactory(admission=social.admission, to_unit=outpatient)
    return social


@pytest.mark.parametrize(("days_ago", "overdue"), [(3, False), (4, True)])
def test_uts_5_the_sip_call_is_overdue_only_after_its_deadline_day(days_ago, overdue):
    social = _both_notified()
    ready = timezone.now() - datetime.timedelta(days=days_ago)
    Admission.objects.filter(pk=social.admission_id).update(ready_at=ready)
    NoticeFactory(admission=social.admission, kind=Notice.Kind.READY, sent_at=ready)
    view = receiving.admission_for(
        actor_of(MembershipFactory(unit=social.to_unit, role=Role.CASEWORKER)),
        admission_id=social.admission_id,
    )
    assert view.sip.due == timezone.localdate(ready) + datetime.timedelta(days=3)
    assert view.sip.overdue is overdue


def test_uts_4_a_date_brought_forward_after_a_timely_ready_notice_is_short_notice():
    social = _both_notified()
    admission = social.admission
    ready = timezone.now() - datetime.timedelta(days=1)
    Admission.objects.filter(pk=admission.pk).update(ready_at=ready)
    caseworker = actor_of(MembershipFactory(unit=social.to_unit, role=Role.CASEWORKER))
    assert not receiving.admission_for(caseworker, admission_id=admission.pk).flags.short_notice
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    DischargeDateChangeFactory(admission=admission, to_date=tomorrow)
    Admission.objects.filter(pk=admission.pk).update(expected_discharge_on=tomorrow)
    view = receiving.admission_for(caseworker, admission_id=admission.pk)
    assert view.flags.short_notice
    assert [c.to_date for c in view.admission.date_changes.all()] == [tomorrow]


def test_uts_6_the_familys_summary_never_gives_a_protected_childs_address(actor_client):
    social = _both_notified()
    Admission.objects.filter(pk=social.admission_id).update(
        fixed_care_contact=MembershipFactory(role=Role.CLINICIAN).staff
    )
    child = social.admission.child
    child.protected_identity, child.street_address = True, "Hemliga vägen 7"
    child.save(update_fields=["protected_identity", "street_address"])
    client = actor_client(actor_of(MembershipFactory(unit=social.to_unit, role=Role.CASEWORKER)))
    for url in (
        reverse("discharge:received_summary", args=[social.admission_id]),
        reverse("api:discharge_summary", args=[social.admission_id]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Hemliga vägen" not in response.content.decode(), url


def test_uts_5_the_received_list_flags_a_sip_call_overdue_with_its_rule(actor_client):
    social = _both_notified()
    admission = social.admission
    ready = timezone.now() - datetime.timedelta(days=5)
    Admission.objects.filter(pk=admission.pk).update(ready_at=ready)
    NoticeFactory(admission=admission, kind=Notice.Kind.READY, sent_at=ready)
    caseworker = actor_of(MembershipFactory(unit=social.to_unit, role=Role.CASEWORKER))
    [row] = receiving.received_for(caseworker).rows
    assert row.flags.sip_call_overdue
    page = actor_client(caseworker).get(reverse("discharge:received")).content.decode()
    assert "4 kap. 1, 3 §§" in page
    listed = actor_client(caseworker).get(reverse("api:discharge_received")).json()
    assert listed["expected_discharges"][0]["flags"]["sip_call_overdue"] is True
    # The meeting called in the child's SIP after the admission clears it, list and page alike.
    case = CaseFactory(
        child=admission.child, initiating_organisation=social.to_unit.organisation,
        initiated_by=caseworker.staff,
    )  # fmt: skip
    soon = timezone.now() + datetime.timedelta(days=1)
    MeetingFactory(case=case, starts_at=soon, ends_at=soon + datetime.timedelta(hours=1))
    [row] = receiving.received_for(caseworker).rows
    assert not row.flags.sip_call_overdue
    assert not receiving.admission_for(caseworker, admission_id=admission.pk).flags.sip_call_overdue


HOURS = datetime.timedelta(hours=1)


@pytest.mark.parametrize(
    ("ready_hours_ago", "changes", "expected_in_days", "discharged", "short"),
    [
        (None, [], 7, False, False),  # not yet announced
        (None, [(0, 1)], 1, False, True),  # a date brought to tomorrow, no ready notice
        (None, [(0, 10)], 10, False, False),  # a date put off
        (0, [], 7, False, False),  # ready a week ahead
        (0, [], 1, False, True),  # ready, home tomorrow
        (120, [(0, 1)], 1, False, True),  # ready in time, then brought forward
        (None, [], 0, True, True),  # discharged, never announced (the seed)
        (96, [], 0, True, False),  # discharged four days after the ready notice
        (96, [(1, 0)], 0, True, True),  # … but brought to today an hour before
        (1, [], 0, True, True),  # ready an hour before the discharge
        (None, [(120, 0)], 0, True, False),  # the day announced five days before
    ],
)
def test_uts_4_short_notice_is_one_rule_on_the_ward_at_the_receiving_unit_and_in_the_counts(
    ready_hours_ago, changes, expected_in_days, discharged, short
):
    """One rule, read three ways: the ward's flag, the receiving unit's flag and the SQL the
    counts use (the ward's list, the start page, the radar)."""
    social = _both_notified()
    admission = social.admission
    now = timezone.now()
    for hours_ago, to_days in changes:
        DischargeDateChangeFactory(
            admission=admission, changed_at=now - hours_ago * HOURS,
            to_date=timezone.localdate() + datetime.timedelta(days=to_days),
        )  # fmt: skip
    Admission.objects.filter(pk=admission.pk).update(
        admitted_at=now - datetime.timedelta(days=10),
        needs_judged_at=now - datetime.timedelta(days=10),
        ready_at=None if ready_hours_ago is None else now - ready_hours_ago * HOURS,
        discharged_at=now if discharged else None,
        expected_discharge_on=timezone.localdate() + datetime.timedelta(days=expected_in_days),
    )  # fmt: skip
    ward_staff = actor_of(MembershipFactory(unit=admission.unit, role=Role.CLINICIAN))
    caseworker = actor_of(MembershipFactory(unit=social.to_unit, role=Role.CASEWORKER))
    assert ("short_notice" in _codes(ward_staff, admission)) is short
    assert (
        receiving.admission_for(caseworker, admission_id=admission.pk).flags.short_notice is short
    )
    counted = Admission.objects.filter(short_notice_filter(all_settings()), pk=admission.pk)
    assert counted.exists() is short
