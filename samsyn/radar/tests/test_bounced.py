"""RAD-8: a referral declined by the receiving organisation with no agreed next step — the child
"bounces" (the seed's "BUP does not take the case because the social situation is messy"). The
sender must act; agreeing a next step, or referring the child on, resolves it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from samsyn.children.tests.factories import InvolvementFactory
from samsyn.directory.models import Role
from samsyn.directory.tests.factories import MembershipFactory, UnitFactory, actor_of
from samsyn.radar.models import Signal
from samsyn.radar.selectors.queue import open_count, queue_for
from samsyn.radar.services.scan import scan
from samsyn.referrals import services
from samsyn.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db

SEED = "BUP tar inte ärendet eftersom den sociala situationen är rörig."


def live():
    return Signal.objects.filter(rule__code="RAD-8", cleared_at__isnull=True)


def sender_of(referral):
    """The caseworker who sent it, in the sending unit that has the child as client."""
    InvolvementFactory(child=referral.child, unit=referral.from_unit)
    return actor_of(
        MembershipFactory(staff=referral.sent_by, unit=referral.from_unit, role=Role.CASEWORKER)
    )


def test_rad_8_the_seeds_bounce_lands_on_the_sender():
    referral = ReferralFactory(bounced=True, decline_reason=SEED)
    scan()
    signal = live().get()
    assert (signal.subject_type, signal.subject_id) == ("referral", referral.pk)
    assert (signal.organisation_id, signal.unit_id, signal.staff_id) == (
        referral.from_organisation_id, referral.from_unit_id, referral.sent_by_id,
    )  # fmt: skip
    assert signal.child_id == referral.child_id
    assert signal.due_on == timezone.localdate(referral.answered_at)


def test_rad_8_a_decline_with_an_agreed_next_step_or_no_answer_yet_is_not_a_signal():
    ReferralFactory(declined=True)
    ReferralFactory()
    ReferralFactory(accepted=True)
    ReferralFactory(withdrawn=True)
    scan()
    assert not live().exists()


def test_rad_8_agreeing_the_next_step_clears_the_signal():
    referral = ReferralFactory(bounced=True, decline_reason=SEED)
    actor = sender_of(referral)
    scan()
    assert live().count() == 1
    services.agree_next_step(
        actor=actor, referral_id=referral.pk,
        next_step="Gemensamt nätverksmöte med BUP och skolan; BUP bedömer efter mötet.",
    )  # fmt: skip
    scan()
    assert not live().exists()


def test_rad_8_referring_the_child_on_and_being_accepted_clears_the_signal():
    bounced = ReferralFactory(
        bounced=True, decline_reason=SEED,
        answered_at=timezone.now() - datetime.timedelta(days=3),
    )  # fmt: skip
    scan()
    assert live().count() == 1
    ReferralFactory(
        child=bounced.child, from_unit=bounced.from_unit, sent_at=timezone.now(), accepted=True,
        effort="Stöd från habiliteringen.",
    )  # fmt: skip
    scan()
    assert not live().exists()
    assert Signal.objects.get(subject_id=bounced.pk).cleared_at is not None


def test_rad_8_an_answer_from_another_organisation_does_not_resolve_the_bounce():
    bounced = ReferralFactory(
        bounced=True, decline_reason=SEED,
        answered_at=timezone.now() - datetime.timedelta(days=3),
    )  # fmt: skip
    ReferralFactory(child=bounced.child, sent_at=timezone.now(), accepted=True)
    scan()
    assert live().filter(subject_id=bounced.pk).exists()


def test_rad_8_the_signal_opens_only_to_the_sending_unit(actor_client):
    """Point 7: the signal belongs to the sender's organisation and opens to its unit that has
    the child; the receiver who declined, and another unit of the sender's organisation, see
    nothing of it."""
    referral = ReferralFactory(bounced=True, decline_reason=SEED)
    sender = sender_of(referral)
    scan()
    assert open_count(sender) == 1
    page = actor_client(sender).get(reverse("radar:queue"))
    assert reverse("referrals:detail", args=[referral.pk]) in page.content.decode()
    receiver = actor_of(MembershipFactory(unit=referral.to_unit, role=Role.CLINICIAN))
    colleague = actor_of(
        MembershipFactory(unit=UnitFactory(organisation=referral.from_organisation),
                          role=Role.CASEWORKER)
    )  # fmt: skip
    for outsider in (receiver, colleague):
        assert open_count(outsider) == 0
        assert queue_for(outsider).rows == []
        assert queue_for(outsider, scope="unit").rows == []
