"""The Samsyn JSON API (django-ninja). Every operation needs an actor, by session or token, and
reads through the same selectors, access rules and audit as the pages."""

from __future__ import annotations

import json
from typing import Any

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

# What each refusal means, for every operation that can give it; the framework's own phrases
# ("Unprocessable Entity") said nothing of the rules' refusals of input that fits the schema.
ANSWERS = {
    "400": "The body is not JSON this operation can read.",
    "401": "No signed-in session acting for a unit, and no valid API token.",
    "403": "The actor may not take this step (its role or unit), or a session's unsafe request "
    "came without its CSRF token.",
    "404": "No such record, or one the actor may not see: the same answer.",
    "409": "The state of things refuses the step (a stale version, a state that does not allow "
    "it); `messages` names each reason.",
    "422": "The input does not fit this document (`loc` names where), or it fits and the rules "
    'refuse it: a refusal of the whole request at `loc` `["body"]`, of one field at '
    '`["body", field]`.',
}
# Where a router answers 400 for a refusal by the rules as well (`RefusedOut`).
REFUSED_400 = (
    "The body is not JSON this operation can read, or the rules refuse the step for input "
    "that fits the schema: each reason in `messages`, by field in `fields`."
)


class SamsynAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """Every answer an operation can give, described: ninja answers 400 for a body it cannot
        parse before the operation runs, so the operation's own map does not name it."""
        schema = super().get_openapi_schema(**kwargs)
        malformed = {"$ref": "#/components/schemas/ErrorOut"}
        for methods in schema["paths"].values():
            for operation in methods.values():
                # ninja keys the responses by int; the document's keys are strings.
                responses = {str(status): r for status, r in operation["responses"].items()}
                if "requestBody" in operation:
                    responses.setdefault(
                        "400", {"content": {"application/json": {"schema": malformed}}}
                    )
                for status, response in responses.items():
                    if status in ANSWERS:
                        refused = status == "400" and "RefusedOut" in json.dumps(response)
                        response["description"] = REFUSED_400 if refused else ANSWERS[status]
                operation["responses"] = responses
        return schema


api = SamsynAPI(
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
