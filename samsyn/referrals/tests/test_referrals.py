"""Referrals (issue 11, point 0): sent under a ground of their own (SEK-1), opened only to the
sending and the receiving unit (SEK-4), answered once by the receiver, withdrawn by the sender;
every read and change audited, every refusal logged (LOG-1, LOG-3)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from samsyn.access.models import Category, LegalBasis, LegalGround, Purpose
from samsyn.children.models import Involvement
from samsyn.children.selectors import ChildNotFound
from samsyn.children.tests.factories import ChildFactory
from samsyn.common.errors import AccessDenied
from samsyn.consent.tests.factories import ConsentFactory
from samsyn.referrals import selectors, services
from samsyn.referrals.models import Referral
from samsyn.referrals.selectors import ReferralNotFound
from samsyn.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def send(county, *, basis: str | None = "osl-26-9", **fields) -> Referral:
    values = {
        "actor": county.caseworker, "child_id": county.child.pk,
        "to_unit_id": county.bup_unit.pk,
        "reason": "Ångest och hög frånvaro; familjen har stöd hos oss sedan i våras.",
        "effort": "Bedömning och behandling av ångest.",
        "basis_id": LegalBasis.objects.get(code=basis).pk if basis else None,
        **fields,
    }  # fmt: skip
    return services.send_referral(**values)


def test_sek_1_a_referral_is_sent_under_a_legal_ground_recorded_with_it(county):
    referral = send(county)
    assert (referral.status, referral.category) == (Referral.Status.SENT, Category.SOCIAL)
    ground = LegalGround.objects.get(pk=referral.legal_ground_id)
    assert ground.basis.reference == "OSL 26 kap. 9 §"
    assert ground.receiving_organisation_id == county.bup_unit.organisation_id
    sent = county.entries(action="referral_sent").pop()
    assert (sent.child_id, sent.object_id) == (county.child.pk, str(referral.pk))
    assert sent.detail["legal_ground_id"] == ground.pk
    assert county.entries(action="legal_ground_recorded")


def test_sek_1_without_a_consent_the_referral_names_the_ground_it_needs(county):
    with pytest.raises(ValidationError) as refused:
        send(county, basis=None)
    assert "ground" in refused.value.message_dict
    assert not Referral.objects.exists()
    for guardian in county.guardians:
        ConsentFactory(
            child=county.child, guardian=guardian,
            receiving_organisation=county.bup_unit.organisation,
            categories=[Category.SOCIAL], purposes=list(Purpose.values),
        )  # fmt: skip
    referral = send(county, basis=None)
    assert referral.consent_id is not None
    assert referral.legal_ground_id is None


def test_sek_1_a_basis_that_does_not_reach_the_receiver_is_refused(county):
    # OSL 26 kap. 9 § reaches social services and health care, never a school.
    with pytest.raises(ValidationError) as refused:
        send(county, to_unit_id=county.school_unit.pk)
    assert "ground" in refused.value.message_dict


def test_log_3_a_child_the_unit_does_not_know_cannot_be_referred_and_the_try_is_logged(county):
    stranger = ChildFactory()
    with pytest.raises(ChildNotFound):
        send(county, child_id=stranger.pk)
    assert county.entries(outcome="denied", child_id=stranger.pk)


def test_sek_4_only_the_receiving_unit_sees_the_referral_not_the_rest_of_its_organisation(
    county,
):
    referral = send(county)
    assert [r.pk for r in selectors.referrals_of(county.clinician, selectors.INCOMING)] == [
        referral.pk
    ]
    assert [r.pk for r in selectors.referrals_of(county.caseworker, selectors.OUTGOING)] == [
        referral.pk
    ]
    for outsider in (county.other_clinician, county.counsellor):
        assert not selectors.referrals_of(outsider, selectors.INCOMING).exists()
        with pytest.raises(ReferralNotFound):
            selectors.referral_for(outsider, referral_id=referral.pk)
    assert county.entries(action="read", outcome="denied", object_type="referral")


def test_the_receiver_reads_under_the_ground_and_loses_it_when_the_ground_ends(county):
    referral = send(county)
    _referral, decision = selectors.referral_for(county.clinician, referral_id=referral.pk)
    assert decision.basis == "legal_ground"
    LegalGround.objects.filter(pk=referral.legal_ground_id).update(ended_at="2020-01-01T00:00Z")
    assert not selectors.referrals_of(county.clinician, selectors.INCOMING).exists()


def test_accepting_makes_the_child_the_units_patient_and_is_answered_once(county):
    referral = send(county)
    services.accept_referral(actor=county.clinician, referral_id=referral.pk)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACCEPTED
    assert referral.answered_by_id == county.clinician.staff.pk
    assert Involvement.objects.filter(child=county.child, unit=county.bup_unit).exists()
    with pytest.raises(ValidationError):
        services.decline_referral(
            actor=county.clinician, referral_id=referral.pk, reason="Ångrar oss."
        )
    assert county.entries(action="referral_accepted")


def test_only_the_receiving_unit_answers_and_only_the_sender_withdraws(county):
    referral = send(county)
    with pytest.raises(AccessDenied):
        services.accept_referral(actor=county.caseworker, referral_id=referral.pk)
    with pytest.raises(AccessDenied):
        services.withdraw_referral(actor=county.clinician, referral_id=referral.pk)
    with pytest.raises(ReferralNotFound):
        services.accept_referral(actor=county.other_clinician, referral_id=referral.pk)


def test_a_decline_needs_a_reason_and_without_a_next_step_it_has_bounced(county):
    first, second = send(county), send(county)
    with pytest.raises(ValidationError) as refused:
        services.decline_referral(actor=county.clinician, referral_id=first.pk, reason=" ")
    assert "decline_reason" in refused.value.message_dict
    services.decline_referral(
        actor=county.clinician, referral_id=first.pk,
        reason="BUP tar inte ärendet eftersom den sociala situationen är rörig.",
    )  # fmt: skip
    services.decline_referral(
        actor=county.clinician, referral_id=second.pk, reason="Fel mottagning.",
        next_step="Remissen går till BUP Lindesberg, som vi har talat med.",
    )  # fmt: skip
    assert list(Referral.objects.bounced()) == [first]
    services.agree_next_step(
        actor=county.caseworker, referral_id=first.pk,
        next_step="Gemensamt möte med BUP och skolan nästa vecka.",
    )  # fmt: skip
    assert not Referral.objects.bounced().exists()
    assert county.entries(action="referral_next_step_agreed")


def test_a_withdrawn_referral_no_longer_reaches_the_receiver(county):
    referral = send(county)
    services.withdraw_referral(actor=county.caseworker, referral_id=referral.pk)
    assert not selectors.referrals_of(county.clinician, selectors.INCOMING).exists()
    with pytest.raises(ReferralNotFound):
        selectors.referral_for(county.clinician, referral_id=referral.pk)
    with pytest.raises(ValidationError):
        services.withdraw_referral(actor=county.caseworker, referral_id=referral.pk)


def test_log_3_answering_a_referral_of_another_unit_is_not_found_and_logged(county, actor_client):
    referral = ReferralFactory(child=county.child, from_unit=county.social_unit)
    client = actor_client(county.other_clinician)
    answer = client.post(reverse("referrals:accept", args=[referral.pk]))
    assert answer.status_code == 404
    denied = county.entries(outcome="denied", object_type="referral", staff_id=(
        county.other_clinician.staff.pk))  # fmt: skip
    assert denied
    assert denied[-1].child_id == county.child.pk


def test_log_3_a_step_for_the_other_side_is_refused_403_and_logged(county, actor_client):
    referral = send(county)
    client = actor_client(county.clinician)
    answer = client.post(reverse("referrals:withdraw", args=[referral.pk]))
    assert answer.status_code == 403
    denied = county.entries(outcome="denied", staff_id=county.clinician.staff.pk)
    assert [(e.object_type, e.object_id) for e in denied] == [("referral", str(referral.pk))]
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SENT
