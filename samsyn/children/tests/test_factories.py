"""The children factories make what they claim: Swedish people, and a recorded need that shows
a protected address until it expires."""

import pytest
from faker.providers.address.sv_SE import Provider as SwedishAddresses

from samsyn.access import rules
from samsyn.access.models import Purpose
from samsyn.children.tests.factories import (
    ChildFactory,
    GuardianFactory,
    InvolvementFactory,
    ProtectedIdentityNeedFactory,
)
from samsyn.directory.tests.factories import make_actor

pytestmark = pytest.mark.django_db


def test_made_up_people_live_in_sweden():
    # The session fixture in the root conftest.py makes Faker Swedish for every factory.
    for person in (ChildFactory(), GuardianFactory()):
        assert person.city in SwedishAddresses.cities


@pytest.mark.parametrize(("traits", "shown"), [({}, True), ({"expired": True}, False)])
def test_a_need_shows_a_protected_address_until_it_expires(traits, shown):
    need = ProtectedIdentityNeedFactory(**traits)
    InvolvementFactory(child=need.child, unit=need.unit)
    actor = make_actor(unit=need.unit)
    assert need.child.protected_identity
    assert rules.may_see_address(actor, need.child, purpose=Purpose.INVESTIGATION).allowed is shown
