"""The SIP state machine under any sequence of actions: no path reaches "finalised" (or leaves
"proposed") without complete consent (SIP-3). Plan finalising is another part's service; here
`check_transition` is driven and the status set as the services would."""

import datetime

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from samsyn.children.tests.factories import ChildFactory, GuardianshipFactory, InvolvementFactory
from samsyn.consent.models import Consent
from samsyn.directory.models import Organisation, Principal, Role
from samsyn.directory.tests.factories import make_actor
from samsyn.plans.models import Case
from samsyn.plans.selectors.consents import sip_consent_status
from samsyn.plans.services import cases
from samsyn.plans.services import consents as consent
from samsyn.plans.state import TRANSITIONS, TransitionRefused, check_transition

pytestmark = pytest.mark.django_db


def _setup():
    municipality = Principal.objects.create(kind="kommun", name="Statskommun", code="1881")
    region = Principal.objects.create(kind="region", name="Statsregion", code="18")
    social = make_actor(
        unit__organisation=Organisation.objects.create(
            principal=municipality, kind=Organisation.Kind.SOCIAL_SERVICES, name="Soc S"
        )
    )
    bup = make_actor(
        unit__organisation=Organisation.objects.create(
            principal=region, kind=Organisation.Kind.BUP, name="BUP S"
        ),
        role=Role.CLINICIAN,
    )
    return municipality, social, bup


@pytest.mark.parametrize("with_consent", [False, True])
@pytest.mark.parametrize(
    ("status", "action", "allowed"),
    [
        (status, action, status in TRANSITIONS[action][0])
        for status in Case.Status.values
        for action in TRANSITIONS
    ],
)
def test_sip_3_no_step_but_close_without_complete_consent(status, action, allowed, with_consent):
    """A table over every state and action: without consent only "close" is ever allowed;
    with it, exactly what TRANSITIONS allows."""
    municipality, social, bup = _setup()
    child = ChildFactory(municipality=municipality)
    InvolvementFactory(child=child, unit=social.unit)
    case = cases.propose_case(
        actor=social, child_id=child.pk, reason="Oro.", party_ids=[bup.organisation.pk]
    )
    if with_consent:
        today = timezone.localdate()
        for guardianship in [GuardianshipFactory(child=child) for _ in range(2)]:
            consent.record_sip_consent(
                actor=social, case_id=case.pk, given_by="guardian",
                guardian_id=guardianship.guardian_id,
                receiving_organisation_ids=[bup.organisation.pk], categories=[], form="oral",
                given_on=today, valid_until=today + datetime.timedelta(days=30),
            )  # fmt: skip
    case.status = status
    if allowed and (with_consent or action == "close"):
        assert check_transition(case, action) == (TRANSITIONS[action][1] or status)
    else:
        with pytest.raises(TransitionRefused):
            check_transition(case, action)


class SipMachine(RuleBasedStateMachine):
    """Random sequences of consent changes and state-machine steps on one SIP."""

    def __init__(self):
        super().__init__()
        social, bup, municipality = self.social, self.bup, self.municipality
        child = ChildFactory(municipality=municipality)
        self.guardians = [GuardianshipFactory(child=child).guardian_id for _ in range(2)]
        InvolvementFactory(child=child, unit=social.unit)
        self.case = cases.propose_case(
            actor=social, child_id=child.pk, reason="Oro.", party_ids=[bup.organisation.pk]
        )
        self.reached_finalised = False

    def _complete(self) -> bool:
        return sip_consent_status(self.case).complete

    @rule(guardian=st.integers(0, 1))
    def guardian_consents(self, guardian):
        if self.case.status == Case.Status.CLOSED:
            return
        today = timezone.localdate()
        consent.record_sip_consent(
            actor=self.social, case_id=self.case.pk, given_by="guardian",
            guardian_id=self.guardians[guardian],
            receiving_organisation_ids=[self.bup.organisation.pk], categories=[], form="oral",
            given_on=today, valid_until=today + datetime.timedelta(days=30),
        )  # fmt: skip
        self.case.refresh_from_db()

    @rule(data=st.data())
    def withdraw(self, data):
        live = list(
            Consent.objects.filter(child=self.case.child, withdrawn_at__isnull=True).values_list(
                "pk", flat=True
            )
        )
        if not live:
            return
        consent.withdraw_sip_consent(
            actor=self.social, case_id=self.case.pk, consent_id=data.draw(st.sampled_from(live))
        )
        self.case.refresh_from_db()

    @rule(action=st.sampled_from(["record_consent", "book_meeting", "draft_plan", "finalise_plan"]))
    def step(self, action):
        complete = self._complete()
        try:
            target = check_transition(self.case, action)
        except TransitionRefused:
            return
        # Any step the machine allows, it allows only with complete consent.
        assert complete
        self.case.status = target
        self.case.save(update_fields=["status"])
        if target == Case.Status.FINALISED:
            self.reached_finalised = True

    @rule()
    def close(self):
        if self.case.status != Case.Status.CLOSED:
            self.case.status = check_transition(self.case, "close")
            self.case.save(update_fields=["status"])

    @invariant()
    def left_proposed_only_with_consent_at_some_point(self):
        if self.case.status not in (Case.Status.PROPOSED, Case.Status.CLOSED):
            # Leaving "proposed" wrote the consent rows first: at least one guardian's per
            # required guardian was once recorded.
            given = set(
                Consent.objects.filter(child=self.case.child).values_list("guardian_id", flat=True)
            )
            assert given >= set(self.guardians)


def test_sip_3_no_sequence_reaches_finalised_without_consent():
    municipality, social, bup = _setup()
    SipMachine.municipality, SipMachine.social, SipMachine.bup = municipality, social, bup
    run_state_machine_as_test(
        SipMachine,
        settings=settings(
            max_examples=30,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),  # fmt: skip
    )
