"""An HTTP client for the trials: signs a demo staff member in as a browser would (password,
then the TOTP code), makes personal API tokens on the token page, and calls the JSON API.

Only the standard library: the trials run wherever Samsyn runs, without the dev tools.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django_otp.oath import TOTP

from samsyn.demo.logins import DEMO_PASSWORD, DEMO_TOTP_KEY

# A save blocked behind a killed database must not hang a trial.
TIMEOUT = 15.0
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_TOKEN_SECRET = re.compile(r'id="new-token"[^>]*value="(ssn_[^"]+)"')


@dataclass
class Answer:
    status: int
    body: dict | list | None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # the caller sees the 302 and follows it itself


def opener(cookies: http.cookiejar.CookieJar | None = None) -> urllib.request.OpenerDirector:
    handlers: list = [_NoRedirect()]
    if cookies is not None:
        handlers.append(urllib.request.HTTPCookieProcessor(cookies))
    return urllib.request.build_opener(*handlers)


def request(
    client: urllib.request.OpenerDirector,
    url: str,
    *,
    method: str = "GET",
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, bytes, str]:
    """(status, body, Location). A refused status is an answer, not an exception; a broken
    connection (the server killed) raises OSError."""
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})  # noqa: S310
    try:
        with client.open(req, timeout=TIMEOUT) as response:
            return response.status, response.read(), response.headers.get("Location", "")
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read(), error.headers.get("Location", "")


def totp_code(at: float | None = None) -> str:
    """The demo key's code for this moment, as an authenticator app shows it."""
    totp = TOTP(bytes.fromhex(DEMO_TOTP_KEY), step=30, t0=0, digits=6)
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"


class Browser:
    """One signed-in session, used only to make API tokens."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = opener(self.cookies)

    def _form(self, path: str, fields: dict[str, str]) -> tuple[int, bytes, str]:
        status, page, _location = request(self.opener, self.base + path)
        if status != 200:
            raise TrialError(f"GET {path} answered {status}")
        match = _CSRF_INPUT.search(page.decode())
        if match is None:
            raise TrialError(f"GET {path} has no CSRF token")
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": match.group(1)})
        return request(
            self.opener, self.base + path, method="POST", data=data.encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded",
                     "Referer": self.base + path},
        )  # fmt: skip

    def sign_in(self, username: str) -> None:
        status, _body, location = self._form(
            "/accounts/login/", {"username": username, "password": DEMO_PASSWORD, "next": "/"}
        )
        if status != 302 or "/accounts/code/" not in location:
            raise TrialError(f"the password step for {username} answered {status}")
        # Each code signs in once: a code already used in this 30 s window waits for the next.
        for at in (time.time(), time.time() + 30):
            status, _body, location = self._form("/accounts/code/", {"token": totp_code(at)})
            if status == 302:
                break
        if status != 302 or "/accounts/" in location:
            raise TrialError(f"the code step for {username} answered {status} ({location})")

    def make_token(self, name: str) -> str:
        status, page, _location = self._form("/accounts/tokens/", {"name": name, "days": "1"})
        match = _TOKEN_SECRET.search(page.decode())
        if status != 200 or match is None:
            raise TrialError(f"making an API token answered {status}")
        return match.group(1)


class Api:
    """The JSON API with one personal token: one editor."""

    def __init__(self, base: str, token: str) -> None:
        self.base = base + "/api"
        self.headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        self.opener = opener()

    def call(self, method: str, path: str, payload: dict | None = None) -> Answer:
        headers = dict(self.headers)
        data = None
        if payload is not None:
            data = json.dumps(payload).encode()
            headers["Content-Type"] = "application/json"
        status, body, _location = request(
            self.opener, self.base + path, method=method, data=data, headers=headers
        )
        try:
            parsed = json.loads(body) if body else None
        except ValueError:
            parsed = None
        return Answer(status, parsed)


class TrialError(Exception):
    """The trial itself could not go on (setup failed): not a finding about Samsyn."""
