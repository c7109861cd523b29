"""The demo county's referrals and waiting efforts (issue 11, point 0): a referral in each state
from the named logins, the seeds' bounce on the sender's radar (RAD-8), and the seed case's
treatment waiting a year and a half (RAD-2)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from samsyn.demo.referrals import SEED_DECLINE
from samsyn.demo.sips import SEED_REASON
from samsyn.demo.tests.helpers import actor, county_built_today
from samsyn.plans.models import PlanItem
from samsyn.radar.models import Signal
from samsyn.radar.selectors.queue import visible_signals
from samsyn.radar.services.scan import scan
from samsyn.referrals import selectors
from samsyn.referrals.models import Referral

SEED = 11


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker):
    """A small county built today and scanned by the radar, rolled back afterwards."""
    with django_db_blocker.unblock(), county_built_today(SEED) as county:
        scan()
        yield county


def test_a_referral_in_every_state_and_the_seeds_bounce(county, db):
    assert set(Referral.objects.values_list("status", flat=True)) == set(Referral.Status.values)
    bounced = Referral.objects.bounced().get()
    assert bounced.decline_reason == SEED_DECLINE
    assert bounced.sent_by.user.username == "handlaggare"
    assert Referral.objects.filter(status="declined").exclude(next_step="").exists()


def test_each_side_sees_its_referrals(county, db):
    incoming = selectors.referrals_of(actor("behandlare"), selectors.INCOMING)
    assert {r.status for r in incoming} >= {"sent", "accepted", "declined"}
    assert not incoming.filter(status="withdrawn").exists()
    sent = selectors.referrals_of(actor("handlaggare"), selectors.OUTGOING)
    assert sent.count() == 5
    assert selectors.referrals_of(actor("mottagning"), selectors.INCOMING).count() == 1
    assert selectors.referrals_of(actor("kurator"), selectors.OUTGOING).count() == 1
    assert not selectors.referrals_of(actor("bup.lindesberg"), selectors.INCOMING).exists()


def test_rad_8_the_seeds_bounce_is_on_the_caseworkers_radar(county, db):
    bounced = Referral.objects.bounced().get()
    signals = visible_signals(actor("handlaggare")).filter(rule__code="RAD-8")
    assert list(signals.values_list("subject_id", flat=True)) == [bounced.pk]


def test_rad_2_the_seed_case_waits_a_year_and_a_half_for_its_treatment(county, db):
    today = timezone.localdate()
    waiting = PlanItem.objects.get(
        version__case__reason=SEED_REASON, version__number=1, kind=PlanItem.Kind.EFFORT,
        responsible_organisation__kind="bup",
    )  # fmt: skip
    assert waiting.started_on is None
    assert waiting.agreed_on == today - datetime.timedelta(days=548)
    assert Signal.objects.filter(rule__code="RAD-2", subject_id=waiting.pk).exists()
    efforts = PlanItem.objects.filter(kind=PlanItem.Kind.EFFORT, agreed_on__isnull=False)
    assert efforts.filter(started_on__isnull=False).count() > efforts.count() // 2
    assert visible_signals(actor("handlaggare")).filter(rule__code="RAD-2").exists()
