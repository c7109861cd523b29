"""The legal-ground factories make what they claim: a ground in force opens the child to its
organisation's unit taking part; an ended or expired one opens nothing."""

import pytest

from samsyn.access import rules
from samsyn.access.models import Category, Purpose
from samsyn.access.tests.factories import LegalBasisFactory, LegalGroundFactory
from samsyn.directory.models import Role
from samsyn.directory.tests.factories import UnitFactory, make_actor
from samsyn.plans.tests.factories import PartyFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("traits", "basis"),
    [({}, "legal_ground"), ({"ended": True}, "none"), ({"expired": True}, "none")],
    ids=["in_force", "ended", "expired"],
)
def test_legal_ground_traits_open_what_they_claim(traits, basis):
    ground = LegalGroundFactory(**traits)
    unit = UnitFactory(organisation=ground.receiving_organisation)
    # SEK-4: the unit's relationship with the child, which a ground needs as well.
    PartyFactory(case__child=ground.child, accepted_for=unit)
    clinician = make_actor(unit=unit, role=Role.CLINICIAN)
    decision = rules.decide(
        clinician, ground.child, purpose=Purpose.PLANNING, category=Category.PLAN
    )
    assert decision.basis == basis


def test_a_ground_covers_what_its_basis_does_and_a_code_finds_its_basis():
    basis = LegalBasisFactory(categories=[Category.HEALTH], purposes=[Purpose.TREATMENT])
    ground = LegalGroundFactory(basis=basis)
    assert (ground.categories, ground.purposes) == ([Category.HEALTH], [Purpose.TREATMENT])
    assert LegalBasisFactory(code=basis.code) == basis
