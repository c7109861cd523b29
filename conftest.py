"""Shared fixtures. The embedded PostgreSQL serves the tests too (DESIGN: PostgreSQL only)."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from samsyn.access.actor import Actor
from samsyn.accounts.middleware import SESSION_MEMBERSHIP


def sign_in(client: Client, actor: Actor) -> Client:
    """Sign a test client in as the actor: password and second factor done, acting for the
    actor's membership, exactly the session the sign-in views leave behind."""
    from samsyn.accounts.services import totp_device

    user = actor.staff.user
    device = totp_device(user)
    if device is None:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SESSION_MEMBERSHIP] = actor.membership.pk
    session.save()
    client.actor = actor
    return client


@pytest.fixture
def actor_client(db):
    """A factory of signed-in test clients: `actor_client(actor)` with an Actor (e.g. from
    `samsyn.directory.tests.factories.make_actor`), or `actor_client(**membership_fields)` to
    make one on the spot (`actor_client(role=Role.UNIT_MANAGER, unit=unit)`). Each call returns
    a new Client with `.actor` set."""
    from samsyn.directory.tests.factories import make_actor

    def make(actor: Actor | None = None, **membership_fields) -> Client:
        if actor is None:
            actor = make_actor(**membership_fields)
        return sign_in(Client(), actor)

    return make
