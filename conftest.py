"""Shared fixtures. The embedded PostgreSQL serves the tests too (DESIGN: PostgreSQL only)."""

from __future__ import annotations

import factory
import pytest
from django.test import Client

from samsyn.access.actor import Actor


@pytest.fixture(scope="session", autouse=True)
def swedish_fake_data():
    """Names and addresses the factories make up are Swedish, like the people Samsyn serves
    (STYLE: Faker sv_SE in a session fixture, as data-hub-api does)."""
    with factory.Faker.override_default_locale("sv_SE"):
        yield


@pytest.fixture
def actor_client(db):
    """A factory of signed-in test clients: `actor_client(actor)` with an Actor (e.g. from
    `samsyn.directory.tests.factories.make_actor`), or `actor_client(**membership_fields)` to
    make one on the spot (`actor_client(role=Role.UNIT_MANAGER, unit=unit)`). Each call returns
    a new Client with `.actor` set. Outside a test function, sign a client in with
    `samsyn.accounts.tests.helpers.sign_in`, which this uses."""
    # Imported here: the models behind them load only once pytest-django has set Django up.
    from samsyn.accounts.tests.helpers import sign_in
    from samsyn.directory.tests.factories import make_actor

    def make(actor: Actor | None = None, **membership_fields) -> Client:
        if actor is None:
            actor = make_actor(**membership_fields)
        return sign_in(Client(), actor)

    return make
