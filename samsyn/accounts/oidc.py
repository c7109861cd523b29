"""The authentication backend of the staff sign-in through the organisation's provider
(docs/adr/0015). mozilla-django-oidc exchanges the code (with PKCE) and checks the ID token's
signature against the provider's keys, its expiry and the nonce; this adds the issuer, the
audience and, for a step-up, a fresh authentication, and reads the person from the token."""

from __future__ import annotations

from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from samsyn.accounts import oidc_services
from samsyn.accounts.backends import signed_in_user

# Set by the start view, in the session, when the sign-in is a step-up: the time Samsyn asked
# the provider to authenticate the person again.
STEP_UP_SINCE = "samsyn_oidc_step_up_since"


class StaffProviderBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        # Only the callback passes a nonce: a password sign-in never reaches the provider.
        if request is None or "nonce" not in kwargs or not oidc_services.enabled():
            return None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        claims = super().verify_token(token, **kwargs)
        oidc_services.check_token(
            claims, authenticated_since=self.request.session.get(STEP_UP_SINCE)
        )
        return claims

    def get_user(self, user_id):
        return signed_in_user(user_id)

    def get_userinfo(self, access_token, id_token, payload):
        # The signed ID token is the only source of claims: no second, unsigned answer.
        return payload

    def store_tokens(self, access_token, id_token):
        # The library keeps them before the claims are mapped; a refused sign-in must leave no
        # token in the session for a later sign-out to name. See get_or_create_user.
        pass

    def get_or_create_user(self, access_token, id_token, payload):
        user = oidc_services.staff_for_claims(payload)
        # Names this sign-in's session at the provider when the person signs out (RP-initiated
        # logout); server side, in the session row, which goes with the session.
        self.request.session[oidc_services.ID_TOKEN] = id_token
        return user
