"""A small OpenID Connect provider for the tests, on a thread of the test process: discovery,
JWKS, an authorize page with a sign-in button, a token endpoint that checks the client, the
code, the redirect URI and PKCE and answers an RS256-signed ID token (joserfc), and an
end-session endpoint (RP-initiated logout) that checks the ID token it is handed.

Samsyn's code path is the real one: the browser is redirected here and back, Samsyn fetches the
token and the keys over HTTP, and verifies the signature. `person` is who signs in next;
`token_overrides` lets a test make the provider lie (another issuer, audience, nonce…).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from django.utils.csp import CSP
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

CLIENT_ID = "samsyn-test"
CLIENT_SECRET = "test-secret-" + "x" * 20


class Provider:
    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig"})
        # A key the provider does not publish: a token signed with it must be refused.
        self.stranger_key = RSAKey.generate_key(2048, parameters={"kid": "test-key"})
        self.person: dict = {}
        self.token_overrides: dict = {}
        self.sign_with_stranger = False
        self.authorize_requests: list[dict] = []
        # The subjects whose session here was ended through the end-session endpoint.
        self.signed_out: list[str] = []
        self.codes: dict[str, dict] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "end_session_endpoint": f"{self.issuer}/end-session",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }

    def jwks(self) -> dict:
        return {"keys": [self.key.as_dict(private=False, alg="RS256")]}

    def approve(self, query: dict) -> str:
        """The person signed in at the provider: where the browser goes back to."""
        code = secrets.token_urlsafe(16)
        self.codes[code] = {**query, "auth_time": int(time.time()), "person": dict(self.person)}
        back = {"code": code, "state": query["state"]}
        return f"{query['redirect_uri']}?{urlencode(back)}"

    def token(self, form: dict) -> tuple[int, dict]:
        grant = self.codes.pop(form.get("code", ""), None)
        if (
            grant is None
            or form.get("client_id") != CLIENT_ID
            or form.get("client_secret") != CLIENT_SECRET
            or form.get("redirect_uri") != grant["redirect_uri"]
            or _challenge(form.get("code_verifier", "")) != grant.get("code_challenge")
        ):
            return 400, {"error": "invalid_grant"}
        now = int(time.time())
        claims = {
            "iss": self.issuer, "aud": CLIENT_ID, "iat": now, "exp": now + 300,
            "auth_time": grant["auth_time"], "nonce": grant.get("nonce"), **grant["person"],
            **self.token_overrides,
        }  # fmt: skip
        key = self.stranger_key if self.sign_with_stranger else self.key
        id_token = jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, key)
        return 200, {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer",
                     "id_token": id_token, "expires_in": 300}  # fmt: skip

    def end_session(self, query: dict) -> str | None:
        """Ends the session the ID token names, if this provider issued it for this client:
        where the browser goes next (None: stay on the provider's page)."""
        try:
            hint = jwt.decode(query.get("id_token_hint", ""), self.key).claims
        except JoseError:
            return None
        if hint.get("iss") != self.issuer or hint.get("aud") != query.get("client_id", CLIENT_ID):
            return None
        self.signed_out.append(hint["sub"])
        return query.get("post_logout_redirect_uri")


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _handler(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def _answer(self, status: int, body: bytes, content_type: str, **headers: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, data: dict) -> None:
            self._answer(status, json.dumps(data).encode(), "application/json")

        def do_GET(self) -> None:
            url = urlparse(self.path)
            if url.path == "/.well-known/openid-configuration":
                return self._json(200, provider.discovery())
            if url.path == "/jwks":
                return self._json(200, provider.jwks())
            if url.path == "/authorize":
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                provider.authorize_requests.append(query)
                fields = "".join(
                    f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                    for k, v in query.items()
                )
                page = (
                    '<!doctype html><html lang="sv"><head><title>Testleverantör</title></head>'
                    '<body><main><h1>Testleverantör</h1><form method="post" action="/authorize">'
                    f'{fields}<button type="submit">Legitimera</button></form></main></body></html>'
                )
                return self._answer(200, page.encode(), "text/html; charset=utf-8")
            if url.path == "/end-session":
                back = provider.end_session({k: v[0] for k, v in parse_qs(url.query).items()})
                if back:
                    return self._answer(302, b"", "text/plain", Location=back)
                return self._answer(400, b"", "text/plain")
            return self._json(404, {"error": "not_found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if self.path == "/authorize":
                return self._answer(302, b"", "text/plain", Location=provider.approve(form))
            if self.path == "/token":
                return self._json(*provider.token(form))
            return self._json(404, {"error": "not_found"})

    return Handler


@pytest.fixture(name="oidc_provider")
def oidc_provider_fixture(settings) -> Iterator[Provider]:
    """A running provider, and Samsyn configured for it from its discovery document."""
    provider = Provider()
    thread = threading.Thread(target=provider.server.serve_forever, daemon=True)
    thread.start()
    found = provider.discovery()
    settings.SAMSYN_OIDC_ISSUER = found["issuer"]
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = found["authorization_endpoint"]
    settings.OIDC_OP_TOKEN_ENDPOINT = found["token_endpoint"]
    settings.OIDC_OP_JWKS_ENDPOINT = found["jwks_uri"]
    settings.SAMSYN_OIDC_END_SESSION_ENDPOINT = found["end_session_endpoint"]
    # What the settings derive from the endpoint when the environment names it.
    settings.SECURE_CSP = {**settings.SECURE_CSP, "form-action": [CSP.SELF, provider.issuer]}
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.SAMSYN_OIDC_ROLES = {"SOC-HANDL": "handlaggare"}
    yield provider
    provider.server.shutdown()
    provider.server.server_close()
