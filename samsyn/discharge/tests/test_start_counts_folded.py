"""Issue 12: the start page's discharge counts are one aggregate over the admissions the actor may
see, built once. They must equal the counts as separate statements, each over its own restricted
set, for a unit that may and may not see each admission it is told of."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from samsyn.access import rules
from samsyn.access.models import Category
from samsyn.directory.models import Organisation, Role
from samsyn.directory.tests.factories import MembershipFactory, UnitFactory, actor_of
from samsyn.discharge.models import Admission, Notice
from samsyn.discharge.selectors import receiving, start
from samsyn.discharge.selectors.deadlines import all_settings, short_notice_filter
from samsyn.discharge.selectors.ward import is_inpatient_actor, ward_admissions
from samsyn.discharge.tests.factories import (
    AdmissionFactory,
    DischargeDateChangeFactory,
    NoticeFactory,
)

pytestmark = pytest.mark.django_db


def separate_counts(actor) -> start.StartCounts:
    """The counts as the start page made them before: one restricted set and statement each."""
    counts = {}
    short = short_notice_filter(all_settings())
    since = timezone.now() - datetime.timedelta(days=start.RECENT_DAYS)
    current = Q(discharged_at__isnull=True) | Q(discharged_at__gte=since)
    if receiving.may_receive(actor):
        visible = rules.restrict(actor, Admission.objects.all(), purpose=receiving.PURPOSE)
        told = visible.filter(
            Q(notices__to_unit_id=actor.unit.pk) | Q(outpatient_unit_id=actor.unit.pk)
        )
        told = Admission.objects.filter(pk__in=told.values("pk"))
        soon = timezone.localdate() + datetime.timedelta(days=start.SOON_DAYS)
        counts["unacknowledged"] = Notice.objects.filter(
            to_unit_id=actor.unit.pk,
            acknowledged_at__isnull=True,
            admission__in=rules.restrict(
                actor, Admission.objects.all(), purpose=receiving.PURPOSE
            ).values("pk"),
        ).count()
        counts["expected_soon"] = told.filter(
            discharged_at__isnull=True, expected_discharge_on__lte=soon
        ).count()
        counts["short_notice"] = told.filter(current).filter(short).count()
    if rules.can(actor, "discharge.ward") and is_inpatient_actor(actor):
        counts["ward_short_notice"] = ward_admissions(actor).filter(current, short).count()
    return start.StartCounts(**counts)


def discharged_same_day(**admission) -> Admission:
    now = timezone.now()
    when = {
        "admitted_at": now - datetime.timedelta(days=6),
        "ready_at": now - datetime.timedelta(hours=2),
        "discharged_at": now - datetime.timedelta(hours=1),
    }
    return AdmissionFactory(**(when | admission))


@pytest.fixture
def county():
    """A BUP ward and its outpatient unit, a social-services unit told of admissions: some it may
    see, some whose notice's ground does not cover health data (it may not), and some told to
    another unit; each admission a case of each count, some of them twice over."""
    ward = UnitFactory(organisation__kind=Organisation.Kind.BUP)
    bup = ward.organisation
    outpatient = UnitFactory(organisation=bup)
    social = UnitFactory(organisation__kind=Organisation.Kind.SOCIAL_SERVICES)
    now = timezone.now()
    soon = timezone.localdate() + datetime.timedelta(days=1)
    in_bup = {"unit": ward, "organisation": bup}
    hidden = {"legal_ground__categories": [Category.BASIC]}
    for grounds in ({}, hidden):
        # Two notices to the unit about one admission, one acknowledged: one to acknowledge.
        told_twice = NoticeFactory(to_unit=social, admission__expected_discharge_on=soon, **grounds)
        NoticeFactory(
            to_unit=social, admission=told_twice.admission, acknowledged_at=now,
            legal_ground=told_twice.legal_ground,
        )  # fmt: skip
        NoticeFactory(to_unit=social, acknowledged_at=now, **grounds)  # in a week: not soon
        NoticeFactory(
            to_unit=social, admission=discharged_same_day(**in_bup), acknowledged_at=now, **grounds
        )
        ready_long_before = discharged_same_day(ready_at=now - datetime.timedelta(days=3))
        changed = NoticeFactory(to_unit=social, admission=ready_long_before, **grounds)
        DischargeDateChangeFactory(admission=changed.admission, changed_at=now)
        long_ago = now - datetime.timedelta(days=20)
        NoticeFactory(
            to_unit=social,
            admission=discharged_same_day(ready_at=long_ago, discharged_at=long_ago, **in_bup),
            **grounds,
        )  # fmt: skip
    NoticeFactory(admission__expected_discharge_on=soon)  # told to another unit
    discharged_same_day(**in_bup, outpatient_unit=outpatient)
    AdmissionFactory(**in_bup, outpatient_unit=outpatient, expected_discharge_on=soon)
    discharged_same_day(unit=outpatient, organisation=bup)  # the other unit's own discharge
    discharged_same_day()  # another organisation's ward
    return {"ward": ward, "outpatient": outpatient, "social": social}


@pytest.mark.parametrize(
    ("unit", "role"),
    [
        ("social", Role.CASEWORKER),
        ("social", Role.UNIT_MANAGER),
        ("ward", Role.UNIT_MANAGER),
        ("ward", Role.CLINICIAN),
        ("outpatient", Role.UNIT_MANAGER),
        ("outpatient", Role.CLINICIAN),
    ],
)
def test_uts_4_the_folded_counts_equal_the_separate_ones(county, unit, role):
    actor = actor_of(MembershipFactory(unit=county[unit], role=role))
    folded = start.counts_for(actor)
    assert folded == separate_counts(actor)


def test_uts_4_the_setting_has_every_case(county):
    """The comparison above means something: each count is non-zero for someone, and the unit
    told of admissions it may not see would count more without access."""
    social = actor_of(MembershipFactory(unit=county["social"], role=Role.CASEWORKER))
    counts = start.counts_for(social)
    assert (counts.unacknowledged, counts.expected_soon, counts.short_notice) == (3, 1, 2)
    unrestricted = Notice.objects.filter(to_unit=county["social"], acknowledged_at__isnull=True)
    assert unrestricted.count() > counts.unacknowledged
    manager = actor_of(MembershipFactory(unit=county["ward"], role=Role.UNIT_MANAGER))
    assert start.counts_for(manager).ward_short_notice >= 1
    outpatient = actor_of(MembershipFactory(unit=county["outpatient"], role=Role.CLINICIAN))
    assert start.counts_for(outpatient).short_notice >= 1


def test_the_four_counts_are_one_statement(county):
    actor = actor_of(MembershipFactory(unit=county["outpatient"], role=Role.UNIT_MANAGER))
    with CaptureQueriesContext(connection) as queries:
        counts = start.counts_for(actor)
    assert counts.ward_short_notice
    assert counts.short_notice
    assert len([q for q in queries if "COUNT(" in q["sql"]]) == 1
