"""Sign-in: a password, then a TOTP code, then the unit the person acts for."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from samsyn.accounts.models import User
from samsyn.directory.models import Membership


def check_password(request: HttpRequest, *, username: str, password: str) -> User | None:
    # Through authenticate() so django-axes counts failures and locks out guessing.
    return authenticate(request, username=username, password=password)


def totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def verify_totp(device: TOTPDevice, token: str) -> bool:
    return device.verify_token(token.strip())


def memberships_of(user: User):
    return (
        Membership.objects.filter(staff__user=user, active=True)
        .select_related("unit__organisation", "staff")
        .order_by("unit__organisation__name", "unit__name")
    )
