"""Personal API tokens: create, revoke, list, and resolve a presented token to an actor.

Only the SHA-256 digest of a token is stored, so a database dump yields no usable tokens; the
token itself is shown once, when it is made.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from samsyn.access.actor import Actor
from samsyn.accounts.models import ApiToken
from samsyn.audit import services as audit

TOKEN_PREFIX = "ssn_"  # noqa: S105 - the public prefix, not a secret
MAX_DAYS = 365
# Writing last_used_at on every request would turn each read into a write; a minute is precise
# enough to tell a live token from a forgotten one.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenNotFound(Exception):
    """No such token of this user: the same for "missing" and "someone else's"."""


def tokens_of(user_id: int) -> QuerySet[ApiToken]:
    return (
        ApiToken.objects.filter(user_id=user_id)
        .select_related("membership__unit__organisation")
        .order_by("-created_at", "-pk")
    )


@transaction.atomic
def create_token(*, actor: Actor, name: str, days: int) -> tuple[ApiToken, str]:
    """A token acting for the actor's current membership. Returns the row and the secret, which
    is never stored and cannot be shown again."""
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(days)
    secret = ApiToken.new_secret()
    now = timezone.now()
    token = ApiToken(
        user_id=actor.user_id,
        membership=actor.membership,
        name=name,
        digest=ApiToken.digest_of(secret),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    token.full_clean()
    token.save()
    # A token is a standing key to children's data: who made one, and when, is a finding.
    audit.record_change(
        actor=actor, child_id=None, obj="api_token", obj_id=token.pk, event="api_token_created",
        purpose="", detail={"name": name, "expires_at": token.expires_at.isoformat()},
    )  # fmt: skip
    return token, secret


@transaction.atomic
def revoke_token(*, actor: Actor, token_id: int) -> None:
    """Delete one of the actor's own tokens: a revoked token must not authenticate, and a row
    kept only to say so would be one more digest to protect."""
    token = ApiToken.objects.filter(pk=token_id, user_id=actor.user_id).first()
    if token is None:
        raise TokenNotFound(token_id)
    audit.record_change(
        actor=actor, child_id=None, obj="api_token", obj_id=token.pk, event="api_token_revoked",
        purpose="", detail={"name": token.name},
    )  # fmt: skip
    token.delete()


def actor_for_token(secret: str) -> Actor | None:
    """The actor a presented token acts for, or None when it is unknown, expired, or its
    membership or user is no longer active."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related(
            "membership__staff", "membership__unit__organisation__principal"
        )
        .filter(
            digest=ApiToken.digest_of(secret),
            expires_at__gt=now,
            membership__active=True,
            user__is_active=True,
        )
        .first()
    )
    # The membership must still be the token owner's own: a membership moved to another staff
    # member must not carry the token with it.
    if token is None or token.membership.staff.user_id != token.user_id:
        return None
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_RESOLUTION:
        # Conditional, so concurrent requests with one token write at most once a minute.
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
        ).update(last_used_at=now)
    # Resolved anew for each request, like a session's actor: it keeps the request's memo.
    return Actor(token.membership, memo={})
