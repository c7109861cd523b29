"""The start page's discharge counts (issue 10, items 3 and 6): the receiving unit sees what
needs action — notices to acknowledge, discharges within days, discharges with short notice
(UTS-4) — and the inpatient unit and its manager see their own discharges with short notice.
Counts only: no child is named."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from samsyn.directory.models import Role
from samsyn.directory.tests.factories import MembershipFactory, actor_of
from samsyn.discharge.models import Notice
from samsyn.discharge.selectors import start
from samsyn.discharge.tests.factories import AdmissionFactory, NoticeFactory

pytestmark = pytest.mark.django_db


def same_day_discharge(**admission):
    """The seed case: BUP says the child is ready and discharges the same day."""
    now = timezone.now()
    notice = NoticeFactory(
        admission=AdmissionFactory(
            admitted_at=now - datetime.timedelta(days=6),
            ready_at=now - datetime.timedelta(hours=2),
            discharged_at=now - datetime.timedelta(hours=1), **admission,
        )
    )  # fmt: skip
    NoticeFactory(
        admission=notice.admission, to_unit=notice.to_unit, kind=Notice.Kind.READY,
        legal_ground=notice.legal_ground,
    )  # fmt: skip
    return notice


def test_uts_4_the_receiving_unit_sees_short_notice_and_what_comes_within_days(actor_client):
    seed = same_day_discharge(child__last_name="Utskrivensson")
    unit = seed.to_unit
    # Discharged with short notice three weeks ago: no longer on the start page.
    old = same_day_discharge()
    long_ago = timezone.now() - datetime.timedelta(days=20)
    old.admission.ready_at, old.admission.discharged_at = long_ago, long_ago
    old.admission.save()
    Notice.objects.filter(admission=old.admission).update(to_unit=unit)
    NoticeFactory(
        to_unit=unit,
        admission__child__last_name="Snarthemsson",
        admission__expected_discharge_on=timezone.localdate() + datetime.timedelta(days=2),
    )
    NoticeFactory(to_unit=unit)  # expected in a week: not yet
    Notice.objects.filter(admission__in=[seed.admission, old.admission]).update(
        acknowledged_at=timezone.now()
    )
    caseworker = actor_of(MembershipFactory(unit=unit, role=Role.CASEWORKER))
    counts = start.counts_for(caseworker)
    assert (counts.unacknowledged, counts.expected_soon, counts.short_notice) == (2, 1, 1)
    assert counts.ward_short_notice == 0
    text = actor_client(caseworker).get(reverse("core:home")).content.decode()
    assert 'id="discharge-heading"' in text
    assert "samsyn-late" in text
    assert reverse("discharge:received") in text
    # Counts only: no child on the start page.
    assert "Utskrivensson" not in text
    assert "Snarthemsson" not in text


def test_uts_4_the_inpatient_units_manager_sees_the_units_short_notice_discharges(actor_client):
    seed = same_day_discharge()
    AdmissionFactory(unit=seed.admission.unit, organisation=seed.admission.organisation)
    manager = actor_of(MembershipFactory(unit=seed.admission.unit, role=Role.UNIT_MANAGER))
    assert start.counts_for(manager).ward_short_notice == 1
    text = actor_client(manager).get(reverse("core:home")).content.decode()
    assert reverse("discharge:ward") in text
    # Another inpatient unit's manager counts only their own.
    other = actor_of(MembershipFactory(role=Role.UNIT_MANAGER, unit__organisation__kind="bup"))
    assert start.counts_for(other).ward_short_notice == 0


def test_nothing_to_act_on_shows_no_discharge_section(actor_client):
    client = actor_client(role=Role.CASEWORKER)
    assert reverse("discharge:received") not in client.get(reverse("core:home")).content.decode()
