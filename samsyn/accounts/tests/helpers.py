"""Signing a test client in: the one way every page and API test does it."""

from __future__ import annotations

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from samsyn.access.actor import Actor
from samsyn.accounts.backends import PASSWORD_BACKEND
from samsyn.accounts.middleware import SESSION_MEMBERSHIP
from samsyn.accounts.services import totp_device


def sign_in(client: Client, actor: Actor) -> Client:
    """Sign a test client in as the actor: password and second factor done, acting for the
    actor's membership, exactly the session the sign-in views leave behind. Skips the sign-in
    pages on purpose: accounts/tests/test_sign_in.py goes through them."""
    user = actor.staff.user
    device = totp_device(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    client.force_login(user, backend=PASSWORD_BACKEND)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SESSION_MEMBERSHIP] = actor.membership.pk
    session.save()
    client.actor = actor
    return client
