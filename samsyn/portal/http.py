"""The family portal's own gate. The staff middleware knows the "citizen" rule too; this check
in the view keeps the portal closed to anyone else even if the middleware changes."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.shortcuts import redirect

from samsyn.access.http import access_rule
from samsyn.portal.models import Citizen

CITIZEN = "citizen"


def citizen_of(request) -> Citizen | None:
    user = request.user
    if not (user.is_authenticated and user.is_verified()):
        return None
    if getattr(request, "actor", None) is not None:
        return None  # a staff session is never a citizen's
    # Read with the user and its guardian (accounts.backends.signed_in_user): no statement here.
    return getattr(user, "citizen", None)


def citizen_required(view):
    """Signed in as a citizen with the second step done; else to the family sign-in."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        citizen = citizen_of(request)
        if citizen is None:
            return redirect(f"/family/login/?{urlencode({'next': request.get_full_path()})}")
        request.citizen = citizen
        return view(request, *args, **kwargs)

    return access_rule(CITIZEN)(wrapped)
