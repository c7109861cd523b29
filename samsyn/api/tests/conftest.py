"""Fixtures for the API tests: a social-services caseworker with a child, and an unrelated BUP
clinician; clients signed in by session or by token."""

from __future__ import annotations

import pytest
from django.test import Client

from samsyn.accounts import token_services
from samsyn.accounts.tests.helpers import sign_in
from samsyn.children.tests.factories import (
    ChildFactory,
    GuardianFactory,
    GuardianshipFactory,
    InvolvementFactory,
)
from samsyn.directory.models import Membership, Organisation, Principal, Role
from samsyn.directory.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PrincipalFactory,
    UnitFactory,
    actor_of,
)


def token_client(membership: Membership, *, days: int = 30) -> tuple[Client, str]:
    _, secret = token_services.create_token(actor=actor_of(membership), name="script", days=days)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}"), secret


@pytest.fixture
def kommun() -> Principal:
    return PrincipalFactory(kind=Principal.Kind.MUNICIPALITY)


@pytest.fixture
def social(kommun) -> Membership:
    """A caseworker of a social-services unit."""
    unit = UnitFactory(organisation=OrganisationFactory(principal=kommun), municipality=kommun)
    return MembershipFactory(unit=unit, role=Role.CASEWORKER)


@pytest.fixture
def bup() -> Membership:
    """A clinician of another organisation (BUP), with no relationship to the child."""
    organisation = OrganisationFactory(
        kind=Organisation.Kind.BUP, principal=PrincipalFactory(kind=Principal.Kind.REGION)
    )
    return MembershipFactory(unit=UnitFactory(organisation=organisation), role=Role.CLINICIAN)


@pytest.fixture
def child(social, kommun):
    """A child the social-services unit has as client, with two guardians."""
    child = ChildFactory(municipality=kommun)
    InvolvementFactory(child=child, unit=social.unit)
    for _ in range(2):
        GuardianshipFactory(child=child, guardian=GuardianFactory())
    return child


@pytest.fixture
def session_client():
    def make(membership: Membership) -> Client:
        return sign_in(Client(), actor_of(membership))

    return make
