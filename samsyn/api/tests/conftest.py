"""Fixtures for the API tests: a social-services caseworker with a child, and an unrelated BUP
clinician, made as the fuzz command makes its identities; clients signed in by session or by
token."""

from __future__ import annotations

import pytest
from django.test import Client

from samsyn.accounts import token_services
from samsyn.accounts.tests.helpers import sign_in
from samsyn.api import identities
from samsyn.children.models import Child
from samsyn.directory.models import Membership, Principal
from samsyn.directory.tests.factories import PrincipalFactory, actor_of


def token_client(membership: Membership, *, days: int = 30) -> tuple[Client, str]:
    _, secret = token_services.create_token(actor=actor_of(membership), name="script", days=days)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}"), secret


@pytest.fixture
def kommun() -> Principal:
    return PrincipalFactory(kind=Principal.Kind.MUNICIPALITY)


@pytest.fixture
def social(kommun) -> Membership:
    return identities.caseworker(kommun)


@pytest.fixture
def bup() -> Membership:
    """With no relationship to the child."""
    return identities.clinician()


@pytest.fixture
def child(social, kommun) -> Child:
    return identities.client_child(social, kommun)


@pytest.fixture
def session_client():
    def make(membership: Membership) -> Client:
        return sign_in(Client(), actor_of(membership))

    return make
