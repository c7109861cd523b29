"""The consent factories make what they claim: a guardian's consent lets its organisation
receive the SIP's plan, the child's own counts once the child is assessed mature, a withdrawn
or expired one opens nothing; the region's setting lets one guardian suffice."""

import pytest

from samsyn.access import rules
from samsyn.access.models import Category, Purpose
from samsyn.children.tests.factories import ChildFactory, GuardianshipFactory
from samsyn.children.tests.helpers import takes_part
from samsyn.consent.selectors import child_is_mature, missing_consent
from samsyn.consent.tests.factories import ConsentFactory, ConsentSettingsFactory
from samsyn.directory.models import Role
from samsyn.directory.tests.factories import UnitFactory, make_actor

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("traits", "opens"),
    [
        ({}, True),
        ({"by_child": True}, True),
        ({"withdrawn": True}, False),
        ({"expired": True}, False),
    ],
    ids=["by_guardian", "by_child", "withdrawn", "expired"],
)
def test_consent_traits_open_what_they_claim(traits, opens):
    consent = ConsentFactory(**traits)
    child, organisation = consent.child, consent.receiving_organisation
    assert missing_consent(child, [organisation], category=Category.PLAN).complete is opens
    unit = UnitFactory(organisation=organisation)
    takes_part(child, unit)
    clinician = make_actor(unit=unit, role=Role.CLINICIAN)
    decision = rules.decide(clinician, child, purpose=Purpose.PLANNING, category=Category.PLAN)
    assert decision.basis == ("consent" if opens else "none")


def test_by_child_is_the_childs_own_after_a_maturity_assessment():
    consent = ConsentFactory(by_child=True)
    assert (consent.given_by, consent.guardian) == ("child", None)
    assert child_is_mature(consent.child_id)


def test_consent_settings_let_one_guardian_suffice_for_the_factories_children():
    child = ChildFactory()
    first, _ = GuardianshipFactory.create_batch(2, child=child)
    organisation = ConsentFactory(child=child, guardian=first.guardian).receiving_organisation
    assert not missing_consent(child, [organisation], category=Category.PLAN).complete
    ConsentSettingsFactory(both_guardians_must_consent=False)
    assert missing_consent(child, [organisation], category=Category.PLAN).complete
