"""Who is calling the API: a browser session or a personal API token, either way an `Actor`.

Both run on every operation (the middleware lets API views through on the API's word, see
`samsyn.access.http.API`), so an operation without an actor never runs.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.accounts import token_services
from samsyn.audit import services as audit


class BearerToken(HttpBearer):
    """`Authorization: Bearer ssn_…`: a personal API token acting for one membership."""

    def authenticate(self, request: HttpRequest, token: str) -> Actor:
        actor = token_services.actor_for_token(token)
        if actor is None:
            # A token that was sent but fails is refused outright, not retried as a session:
            # a script with a revoked token must learn so, whatever cookies it carries.
            raise AuthenticationError
        request.actor = actor  # type: ignore[attr-defined]
        return actor


class SessionActor(APIKeyCookie):
    """The browser session of a signed-in, second-factor-verified person acting for a unit.

    `ActorMiddleware` has already resolved the session to `request.actor` (None unless the
    second factor is verified and a membership chosen). CSRF is checked for unsafe methods, as
    for any cookie-authenticated request.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        # No session cookie, nothing a forged request could ride on: skip the CSRF check so a
        # caller without a session gets 401, not 403.
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Actor | None:
        if key is None:
            return None
        return getattr(request, "actor", None)


def permitted(request: HttpRequest, permission: str) -> Actor:
    """The caller, if its role carries `permission`; otherwise the refusal is logged and
    AccessDenied raised, which the router's refusals answer 403."""
    actor: Actor = request.auth  # type: ignore[attr-defined]
    if not rules.can(actor, permission):
        audit.record_refused_role(actor=actor, permission=permission)
        raise rules.AccessDenied(permission)
    return actor
