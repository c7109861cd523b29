"""Staff sign-in through the organisation's OpenID Connect provider (docs/adr/0015): which
tokens are accepted, and which person, units and roles their claims name.

The provider is the source of an OIDC user's assignments: each sign-in makes the memberships it
names active and ends the others. Nothing is created for a sign-in that names no unit and role
Samsyn knows.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection, transaction

from samsyn.accounts.models import ExternalIdentity, ProviderDevice, ProviderUnit, User
from samsyn.directory.models import Membership, Role, Staff, Unit

# Clocks differ a little between the provider and Samsyn.
CLOCK_SKEW_SECONDS = 30


class SignInRefused(Exception):
    """The provider's answer cannot sign anyone in. `reason` is a code for the page and the
    log; `detail` what the log keeps of the claims (ids, never a name)."""

    def __init__(self, reason: str, detail: dict | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail or {}


def enabled() -> bool:
    return bool(settings.SAMSYN_OIDC_ISSUER)


def check_token(claims: Mapping, *, authenticated_since: float | None = None) -> None:
    """The ID token (signature, expiry and nonce already checked) was issued by the configured
    provider, for Samsyn. For a step-up, the person must have authenticated at the provider
    after Samsyn asked (prompt=login, max_age=0): a remembered provider session will not do."""
    issuer = settings.SAMSYN_OIDC_ISSUER
    client_id = settings.OIDC_RP_CLIENT_ID
    if claims.get("iss") != issuer:
        raise SignInRefused("issuer", {"iss": str(claims.get("iss", ""))[:300]})
    audience = claims.get("aud")
    audiences = [audience] if isinstance(audience, str) else list(audience or [])
    if client_id not in audiences or (len(audiences) > 1 and claims.get("azp") != client_id):
        raise SignInRefused("audience", {"aud": [str(a)[:100] for a in audiences]})
    if not isinstance(claims.get("exp"), int | float):
        raise SignInRefused("expiry")
    if authenticated_since is not None:
        auth_time = claims.get("auth_time")
        if not isinstance(auth_time, int | float) or (
            auth_time < authenticated_since - CLOCK_SKEW_SECONDS
        ):
            raise SignInRefused("not_authenticated_again")


def _role(code: object) -> str | None:
    code = str(code)
    mapped = settings.SAMSYN_OIDC_ROLES.get(code, code)
    return mapped if mapped in Role.values else None


def assignments(claims: Mapping) -> tuple[list[tuple[int, str]], list[dict]]:
    """The (unit id, role) pairs the claims name that Samsyn knows, and those it does not."""
    listed = claims.get(settings.SAMSYN_OIDC_ASSIGNMENTS_CLAIM)
    if not isinstance(listed, list):
        return [], []
    named = [
        (str(item.get("unit", ""))[:64], str(item.get("role", ""))[:64])
        for item in listed
        if isinstance(item, Mapping)
    ]
    units = dict(
        ProviderUnit.objects.filter(external_id__in=[unit for unit, _ in named]).values_list(
            "external_id", "unit_id"
        )
    )
    known, unknown = [], []
    for unit, code in named:
        role = _role(code)
        if unit in units and role is not None:
            known.append((units[unit], role))
        else:
            unknown.append({"unit": unit, "role": code})
    return known, unknown


def _name(claims: Mapping, subject: str) -> str:
    name = claims.get("name") or " ".join(
        str(part) for part in (claims.get("given_name"), claims.get("family_name")) if part
    )
    return str(name or subject)[:200]


def _one_sign_in_at_a_time(issuer: str, subject: str) -> None:
    """Until this transaction ends, no other sign-in of the person maps their claims. A first
    sign-in finished in two tabs at once would otherwise create the person twice and answer one
    tab with an error; the second waits here and then reads the first's rows (READ COMMITTED:
    each statement sees what committed before it). A lock, not a retry after the unique
    constraint fails: the user, the staff member and each membership would each need one."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
            [f"oidc:{issuer}\n{subject}"],
        )


@transaction.atomic
def staff_for_claims(claims: Mapping) -> User:
    """The user the verified claims sign in: matched by the stored external id, or created with
    the memberships the claims name. Refused when they name no unit and role Samsyn knows."""
    subject = claims.get(settings.SAMSYN_OIDC_SUBJECT_CLAIM)
    if not isinstance(subject, str) or not subject.strip():
        raise SignInRefused("no_subject")
    subject = subject.strip()
    known, unknown = assignments(claims)
    if not known:
        raise SignInRefused("unknown_assignment", {"subject": subject, "unknown": unknown})
    issuer = settings.SAMSYN_OIDC_ISSUER
    _one_sign_in_at_a_time(issuer, subject)
    identity = (
        ExternalIdentity.objects.select_related("user")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    if identity is None:
        user = User(username=f"oidc:{subject}"[:150])
        # A provider's user has no password here: the local sign-in can never reach them.
        user.set_unusable_password()
        user.save()
        ExternalIdentity.objects.create(user=user, issuer=issuer, subject=subject)
    else:
        user = identity.user
        if not user.is_active:
            raise SignInRefused("inactive", {"subject": subject})
    email = str(claims.get("email", ""))[:254]
    staff, created = Staff.objects.get_or_create(
        user=user, defaults={"name": _name(claims, subject), "email": email}
    )
    if not created:
        staff.name = _name(claims, subject)
        staff.email = email or staff.email
        staff.save(update_fields=["name", "email"])
    kept = [
        Membership.objects.update_or_create(
            staff=staff, unit_id=unit_id, role=role, defaults={"active": True}
        )[0].pk
        for unit_id, role in known
    ]
    # An assignment the provider no longer names has ended at the source.
    staff.memberships.exclude(pk__in=kept).update(active=False)
    return user


# The session's key for the ID token of the sign-in (the library's name for it).
ID_TOKEN = "oidc_id_token"  # noqa: S105 - a session key, not a secret


def sign_out_url(session, *, back_to: str) -> str | None:
    """Where the browser goes to end the person's session at the provider as well (OpenID
    Connect RP-Initiated Logout): its end-session endpoint, naming the session by the ID token
    it issued and asking to come back to `back_to`. None for a local sign-in, or a provider
    that has no such endpoint."""
    endpoint = settings.SAMSYN_OIDC_END_SESSION_ENDPOINT
    id_token = session.get(ID_TOKEN)
    if not (enabled() and endpoint and id_token):
        return None
    query = {
        "id_token_hint": id_token,
        "post_logout_redirect_uri": back_to,
        "client_id": settings.OIDC_RP_CLIENT_ID,
    }
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(query)}"


def provider_device(user: User) -> ProviderDevice:
    device, _ = ProviderDevice.objects.get_or_create(
        user=user, defaults={"name": settings.SAMSYN_OIDC_PROVIDER_NAME, "confirmed": True}
    )
    return device


def connect_unit(*, external_id: str, unit_id: int) -> ProviderUnit:
    """The provider's id of a unit (HSA-id or organisation number) names this Samsyn unit."""
    connection, _ = ProviderUnit.objects.update_or_create(
        external_id=external_id.strip(), defaults={"unit": Unit.objects.get(pk=unit_id)}
    )
    return connection


def disconnect_unit(*, external_id: str) -> bool:
    """Sign-ins naming this id grant nothing from now on; memberships already held end at the
    person's next sign-in."""
    deleted, _ = ProviderUnit.objects.filter(external_id=external_id.strip()).delete()
    return deleted > 0
