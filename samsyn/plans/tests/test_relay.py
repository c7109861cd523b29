"""BTI-2, the relay (stafett): every offer of the coordinator role is kept in the SIP's relay
log, answered or not, and the role passes only when the offered person accepts."""

import pytest

from samsyn.plans.models import Case
from samsyn.plans.selectors import cases as selectors
from samsyn.plans.services import cases
from samsyn.plans.tests import test_cases

pytestmark = pytest.mark.django_db

# The SIP tests' consented SIP: the social services coordinate, BUP takes part with consent.
child, case, consented = test_cases.child, test_cases.case, test_cases.consented


def _holder(case_id: int) -> tuple[int, int]:
    case = Case.objects.get(pk=case_id)
    return case.coordinator_id, case.coordinator_organisation_id


def test_bti_2_the_relay_log_keeps_every_offer_and_the_role_passes_only_on_acceptance(
    social, bup, consented
):
    before = (social.staff.pk, social.organisation.pk)
    declined = cases.offer_handover(
        actor=social, case_id=consented.pk, membership_id=bup.membership.pk
    )
    assert _holder(consented.pk) == before
    cases.decline_handover(actor=bup, case_id=consented.pk, handover_id=declined.pk)
    assert _holder(consented.pk) == before

    accepted = cases.offer_handover(
        actor=social, case_id=consented.pk, membership_id=bup.membership.pk, note="BUP tar över."
    )
    assert _holder(consented.pk) == before
    cases.accept_handover(actor=bup, case_id=consented.pk, handover_id=accepted.pk)
    assert _holder(consented.pk) == (bup.staff.pk, bup.organisation.pk)

    # The log starts with the first coordinator, who held the role from the proposal.
    relay = selectors.relay_of(consented)
    assert [
        (step.pk, step.from_staff_id, step.to_staff_id, step.to_organisation_id) for step in relay
    ] == [
        (relay[0].pk, None, social.staff.pk, social.organisation.pk),
        (declined.pk, social.staff.pk, bup.staff.pk, bup.organisation.pk),
        (accepted.pk, social.staff.pk, bup.staff.pk, bup.organisation.pk),
    ]
    assert [(step.declined_at is None, step.accepted_at is None) for step in relay] == [
        (True, False),
        (False, True),
        (True, False),
    ]
    assert relay[2].note == "BUP tar över."
