"""One-time form tokens against double submits.

Each form page issues a token; the first POST that carries it spends it and records where it
led, so a second identical POST (a double click, a reload) goes to the same result instead of
saving twice. An unknown token (expired, forged) keeps what was typed and asks to submit again.
"""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

SESSION_KEY = "samsyn_form_tokens"
MAX_TOKENS = 20
UNKNOWN = object()


def issue(request: HttpRequest) -> str:
    tokens = dict(request.session.get(SESSION_KEY, {}))
    token = secrets.token_urlsafe(16)
    tokens[token] = None
    # Oldest first (dicts keep insertion order): a bounded session whatever the tab count.
    request.session[SESSION_KEY] = dict(list(tokens.items())[-MAX_TOKENS:])
    return token


def state(request: HttpRequest, token: str) -> object:
    """None: unused; a URL: already used, and where it led; UNKNOWN: expired or forged."""
    return request.session.get(SESSION_KEY, {}).get(token, UNKNOWN)


def spend(request: HttpRequest, token: str, url: str) -> None:
    tokens = dict(request.session.get(SESSION_KEY, {}))
    tokens[token] = url
    request.session[SESSION_KEY] = tokens


def already_saved(request: HttpRequest, url: str) -> HttpResponse:
    messages.info(request, _("This form was already saved. Here is the result."))
    return redirect(url)
