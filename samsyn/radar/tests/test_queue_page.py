"""The queue's page offers a unit manager the unit's items, and nobody else."""

from __future__ import annotations

import pytest
from django.urls import reverse

from samsyn.directory.models import Role
from samsyn.directory.tests.factories import MembershipFactory, UnitFactory, actor_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("role", "offered"), [(Role.UNIT_MANAGER, True), (Role.CASEWORKER, False)])
def test_the_unit_manager_is_offered_the_units_items(actor_client, role, offered):
    actor = actor_of(MembershipFactory(unit=UnitFactory(), role=role))
    page = actor_client(actor).get(reverse("radar:queue")).content.decode()
    assert ('href="?scope=unit"' in page) is offered
