"""Accounts (konton): who can sign in. Staff details live in `directory`."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device


class User(AbstractUser):
    """A person who signs in. Staff sign in with a password and a TOTP second factor."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class ApiToken(models.Model):
    """A personal API token, acting for one of its owner's unit memberships.

    Only a SHA-256 of the token is stored; the token itself is shown once, at creation.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    membership = models.ForeignKey(
        "directory.Membership", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @staticmethod
    def new_secret() -> str:
        return "ssn_" + secrets.token_urlsafe(32)


class SignedInSession(models.Model):
    """One signed-in browser session, so its owner can see where they are signed in and end it
    (ASVS 3.3.4). The row lives as long as the session: ending it deletes both."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="signed_in_sessions")
    # The key of Django's session row, which holds it in the same database: ending a session
    # elsewhere deletes that row, so the next request on it is signed out.
    session_key = models.CharField(max_length=40, unique=True)
    user_agent = models.CharField(_("device"), max_length=300, blank=True)
    started_at = models.DateTimeField(_("signed in"))
    last_seen_at = models.DateTimeField(_("last active"))

    class Meta:
        verbose_name = _("signed-in session")
        verbose_name_plural = _("signed-in sessions")
        indexes = [models.Index(fields=["user", "-last_seen_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.started_at:%Y-%m-%d %H:%M}"


class ExternalIdentity(models.Model):
    """A person as the organisation's OpenID Connect provider names them (an HSA-id), tied to
    the user they sign in as (docs/adr/0015). Matched on the provider and the subject, never on
    a name or an e-mail address."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="external_identities")
    issuer = models.CharField(_("identity provider"), max_length=300)
    subject = models.CharField(_("external id"), max_length=255)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("external identity")
        verbose_name_plural = _("external identities")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"], name="external_identity_unique_subject"
            )
        ]

    def __str__(self) -> str:
        return self.subject


class ProviderUnit(models.Model):
    """The id a provider gives a unit (its HSA-id, or an organisation number) and the Samsyn
    unit it is. A sign-in naming an id without a row here grants nothing there."""

    external_id = models.CharField(_("external id"), max_length=64, unique=True)
    unit = models.ForeignKey(
        "directory.Unit", on_delete=models.CASCADE, related_name="provider_ids"
    )

    class Meta:
        verbose_name = _("unit at the identity provider")
        verbose_name_plural = _("units at the identity provider")

    def __str__(self) -> str:
        return self.external_id


class ProviderDevice(Device):
    """The organisation's provider as the second factor: its sign-in is strong (SITHS card), so
    the session is OTP-verified through this device. It takes no code; stepping up with it means
    signing in at the provider again."""

    class Meta:
        verbose_name = _("identity provider sign-in")
        verbose_name_plural = _("identity provider sign-ins")
