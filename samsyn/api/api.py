"""The Samsyn JSON API (django-ninja). Every operation needs an actor, by session or token, and
reads through the same selectors, access rules and audit as the pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from samsyn.api import (
    assessment,
    children,
    concerns,
    consultations,
    directory,
    discharge_receiving,
    discharge_ward,
    radar,
    referrals,
    reports,
    sip,
)
from samsyn.api.auth import BearerToken, SessionActor

DESCRIPTION = """\
The JSON API of Samsyn: the same data, access rules and audit log as the web pages.

Authenticate with either

* the browser session of a signed-in person acting for a unit (unsafe methods need the CSRF
  token, as on the pages), or
* a personal API token, made at `/accounts/tokens/`: `Authorization: Bearer ssn_…`. A token acts
  for the membership (unit and role) it was made for.

Every read of a child names a purpose and is written to the audit log. A child you may not see
answers 404, exactly as one that does not exist.
"""

api = NinjaAPI(
    title="Samsyn",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=[BearerToken(), SessionActor()],
    # The interactive docs page loads Swagger UI; the strict CSP and the closed network are
    # better served by the document alone, which any local OpenAPI viewer can open.
    docs_url=None,
)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(
        request, {"detail": _("Sign in, or send a valid API token.")}, status=401
    )
    response["WWW-Authenticate"] = 'Bearer realm="samsyn"'
    return response


api.add_router("/directory", directory.router)
api.add_router("/children", children.router)
api.add_router("/sip", sip.router)
api.add_router("/reports", reports.router)
api.add_router("/concerns", concerns.router)
api.add_router("/consultations", consultations.router)
api.add_router("/referrals", referrals.router)
api.add_router("/assessments", assessment.router)
api.add_router("/discharge", discharge_ward.router)
api.add_router("/discharge", discharge_receiving.router)
api.add_router("/radar", radar.router)
