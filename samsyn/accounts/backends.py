"""Loading the signed-in user: one statement per request for the user, whether they are a
family member, and which second-factor devices they hold confirmed (issue 12)."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from samsyn.accounts.models import ProviderDevice, User

PASSWORD_BACKEND = "samsyn.accounts.backends.PasswordBackend"  # noqa: S105 - a dotted path
# The attribute the user carries: the persistent ids of its confirmed devices, read with it.
CONFIRMED_DEVICES = "samsyn_confirmed_devices"
DEVICE_MODELS: tuple[type[Device], ...] = (TOTPDevice, ProviderDevice)


def signed_in_user(user_id) -> User | None:
    """The session's user with its family-member row and guardian (or their absence) and the
    persistent ids of its confirmed devices, in one statement;
    `accounts.middleware.SecondFactorMiddleware` reads the ids instead of loading the session's
    device."""
    annotations = {
        f"_confirmed_{model._meta.model_name}": ArraySubquery(
            model.objects.filter(user=OuterRef("pk"), confirmed=True).values("pk")
        )
        for model in DEVICE_MODELS
    }
    user = (
        User.objects.select_related("citizen__guardian")
        .annotate(**annotations)
        .filter(pk=user_id)
        .first()
    )
    if user is None:
        return None
    setattr(
        user,
        CONFIRMED_DEVICES,
        frozenset(
            f"{model._meta.label_lower}/{pk}"
            for model in DEVICE_MODELS
            for pk in getattr(user, f"_confirmed_{model._meta.model_name}")
        ),
    )
    return user


class PasswordBackend(ModelBackend):
    """Django's password backend, loading the signed-in user as `signed_in_user` does."""

    def get_user(self, user_id):
        user = signed_in_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
