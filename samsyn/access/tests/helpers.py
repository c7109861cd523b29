"""Helpers the access, page and browser tests share."""

from __future__ import annotations

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from samsyn.accounts.middleware import SESSION_MEMBERSHIP
from samsyn.directory.models import Membership


def sign_in_client(client: Client, membership: Membership) -> Client:
    """Sign `client` in as the membership's person, second factor done, acting for it.

    Skips the sign-in pages on purpose (they have their own tests in accounts/tests): this sets
    the same three session keys a real sign-in leaves behind.
    """
    user = membership.staff.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    assert device is not None, "a signed-in staff member needs a confirmed TOTP device"
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SESSION_MEMBERSHIP] = membership.pk
    session.save()
    return client
