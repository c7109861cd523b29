"""Fixtures for the children pages: a social-services unit, its manager, and an unrelated BUP."""

from __future__ import annotations

import pytest
from django.test import Client

from samsyn.accounts.tests.helpers import sign_in
from samsyn.directory.models import Membership, Organisation, Principal, Role
from samsyn.directory.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PrincipalFactory,
    UnitFactory,
    actor_of,
)


@pytest.fixture
def kommun() -> Principal:
    return PrincipalFactory(kind=Principal.Kind.MUNICIPALITY)


@pytest.fixture
def social(kommun) -> Membership:
    """A caseworker of a social-services unit."""
    unit = UnitFactory(organisation=OrganisationFactory(principal=kommun), municipality=kommun)
    return MembershipFactory(unit=unit, role=Role.CASEWORKER)


@pytest.fixture
def manager(social) -> Membership:
    """The unit manager of the same unit."""
    return MembershipFactory(unit=social.unit, role=Role.UNIT_MANAGER)


@pytest.fixture
def bup() -> Membership:
    """A clinician of another organisation (BUP), which has no relationship with the child."""
    organisation = OrganisationFactory(
        kind=Organisation.Kind.BUP,
        principal=PrincipalFactory(kind=Principal.Kind.REGION),
    )
    return MembershipFactory(unit=UnitFactory(organisation=organisation), role=Role.CLINICIAN)


@pytest.fixture
def client_for():
    """`client_for(membership)`: a client signed in acting for the membership."""

    def make(membership: Membership) -> Client:
        return sign_in(Client(), actor_of(membership))

    return make
