import pytest
from django.utils import timezone

from samsyn.children.tests.factories import GuardianshipFactory
from samsyn.consent.tests.factories import (
    ConsentFactory,
    ConsentSettingsFactory,
    MaturityAssessmentFactory,
)
from samsyn.directory.models import Organisation
from samsyn.directory.tests.factories import OrganisationFactory, PrincipalFactory
from samsyn.plans.selectors.consents import sip_consent_status
from samsyn.plans.state import TransitionRefused, check_transition
from samsyn.plans.tests.factories import CaseFactory, PartyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    case = CaseFactory(child__municipality=PrincipalFactory(name="Örebro kommun", code="1880"))
    for _ in range(2):
        GuardianshipFactory(child=case.child)
    return case


@pytest.fixture
def bup(case):
    organisation = OrganisationFactory(kind=Organisation.Kind.BUP)
    PartyFactory(case=case, organisation=organisation)
    return organisation


def _consent(case, organisation, **traits):
    return ConsentFactory(
        child=case.child, receiving_organisation=organisation, recorded_by=case.initiated_by,
        recorded_for=case.initiating_organisation, **traits,
    )  # fmt: skip


def test_sip_3_no_other_party_means_nobody_to_share_with(case):
    assert not sip_consent_status(case).complete
    with pytest.raises(TransitionRefused):
        check_transition(case, "record_consent")


def test_sip_4_sek_3_each_guardian_consents_separately_both_by_default(case, bup):
    first, second = [g.guardian for g in case.child.guardianships.all()]
    _consent(case, bup, guardian=first)
    status = sip_consent_status(case)
    assert len(status.missing) == 1
    _consent(case, bup, guardian=second)
    assert sip_consent_status(case).complete
    assert check_transition(case, "record_consent") == "consented"


def test_sip_4_one_guardian_is_enough_where_the_region_says_so(case, bup):
    ConsentSettingsFactory(both_guardians_must_consent=False)
    _consent(case, bup, guardian=case.child.guardianships.first().guardian)
    assert sip_consent_status(case).complete


def test_sip_4_sek_3_a_mature_child_consents_for_themself(case, bup):
    MaturityAssessmentFactory(
        child=case.child, assessed_by=case.initiated_by, assessed_for=case.initiating_organisation
    )
    for guardianship in case.child.guardianships.all():
        _consent(case, bup, guardian=guardianship.guardian)
    assert not sip_consent_status(case).complete
    _consent(case, bup, by_child=True)
    assert sip_consent_status(case).complete


def test_sip_3_withdrawal_makes_consent_incomplete_at_once(case, bup):
    consents = [_consent(case, bup, guardian=g.guardian) for g in case.child.guardianships.all()]
    assert sip_consent_status(case).complete
    consents[0].withdrawn_at = timezone.now()
    consents[0].save()
    assert not sip_consent_status(case).complete
    with pytest.raises(TransitionRefused):
        check_transition(case, "record_consent")
