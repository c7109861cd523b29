"""Loading the signed-in user: one statement per request for the user, whether they are a
family member, which second-factor devices they hold confirmed, and the membership the session
acts for (issue 12)."""

from __future__ import annotations

import functools
from contextvars import ContextVar

from django.contrib.auth.backends import ModelBackend
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import FilteredRelation, OuterRef, Q, QuerySet
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from samsyn.accounts.models import ProviderDevice, User

PASSWORD_BACKEND = "samsyn.accounts.backends.PasswordBackend"  # noqa: S105 - a dotted path
# The attribute the user carries: the persistent ids of its confirmed devices, read with it.
CONFIRMED_DEVICES = "samsyn_confirmed_devices"
DEVICE_MODELS: tuple[type[Device], ...] = (TOTPDevice, ProviderDevice)
# The membership the session acts for, while `accounts.middleware.ActorMiddleware` loads the
# user; the user then carries it (`ACTING_FOR`: the active membership of the user's own staff
# row with that id, or None), so the actor costs no statement of its own.
SESSION_MEMBERSHIP_ID: ContextVar[int | None] = ContextVar("samsyn_membership_id", default=None)
ACTING_FOR = "samsyn_acting_for"


def signed_in_user(user_id) -> User | None:
    """The session's user with its family-member row and guardian (or their absence) and the
    persistent ids of its confirmed devices, in one statement;
    `accounts.middleware.SecondFactorMiddleware` reads the ids instead of loading the session's
    device."""
    users = _users()
    membership_id = SESSION_MEMBERSHIP_ID.get()
    if membership_id is not None:
        users = users.annotate(
            acting_for=FilteredRelation(
                "staff__memberships",
                condition=Q(staff__memberships__pk=membership_id, staff__memberships__active=True),
            )
        ).select_related("staff", "acting_for__unit__organisation__principal")
    # By its key, so no ordering to compose: the one row or none.
    user = next(iter(users.filter(pk=user_id)[:1]), None)
    if user is None:
        return None
    if membership_id is not None:
        membership = getattr(user, "acting_for", None)
        if membership is not None:
            membership.staff = user.staff
        setattr(user, ACTING_FOR, (membership_id, membership))
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


@functools.cache
def _users() -> QuerySet[User]:
    """The part of `signed_in_user`'s query every request shares, composed once per process:
    each request filters a copy, and this queryset itself is never read."""
    annotations = {
        f"_confirmed_{model._meta.model_name}": ArraySubquery(
            model.objects.filter(user=OuterRef("pk"), confirmed=True).values("pk")
        )
        for model in DEVICE_MODELS
    }
    return User.objects.select_related("citizen__guardian").annotate(**annotations)


class PasswordBackend(ModelBackend):
    """Django's password backend, loading the signed-in user as `signed_in_user` does."""

    def get_user(self, user_id):
        user = signed_in_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
