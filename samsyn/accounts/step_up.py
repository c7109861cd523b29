"""Step-up (ASVS 6.3.x, issue 13): exporting, printing and emergency access ask for the second
factor again, and the confirmation holds a few minutes (`SAMSYN_STEP_UP_VALID`).

    @actor_required(PERMISSION)
    @step_up_required
    def plan_pdf(request, …): …

A family member's session steps up the same way: the code is checked against the device the
session signed in with, staff or citizen alike.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from samsyn.access.http import public
from samsyn.accounts import services, session_services
from samsyn.accounts.forms import TokenForm
from samsyn.accounts.models import ProviderDevice
from samsyn.audit import services as audit


def step_up_required(view):
    """The view runs only within a few minutes of the second factor entered again; otherwise
    the person is asked for it and comes back. A POST is not replayed: after the code the
    person is back on the page to send it again."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if session_services.stepped_up(request.session):
            return view(request, *args, **kwargs)
        back = request.get_full_path() if request.method == "GET" else _referer(request)
        return redirect(f"/accounts/step-up/?{urlencode({'next': back})}")

    return wrapped


def _referer(request) -> str:
    return _safe(request, request.headers.get("Referer", ""))


def _safe(request, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return "/"


# Public to the access middleware because staff and family members alike step up here; the
# view itself serves only a session that has passed its second factor.
@public
@require_http_methods(["GET", "POST"])
def step_up(request):
    target = _safe(request, request.POST.get("next") or request.GET.get("next", ""))
    user = request.user
    if not (user.is_authenticated and user.is_verified()):
        return redirect(f"/accounts/login/?{urlencode({'next': target})}")
    if isinstance(user.otp_device, ProviderDevice):
        # Signed in at the organisation's provider: stepping up is signing in there again.
        return redirect(f"/accounts/oidc/start/?{urlencode({'next': target, 'step_up': '1'})}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = user.otp_device
        actor = getattr(request, "actor", None)
        # django-otp's throttling slows each wrong guess down, here as at sign-in.
        if services.verify_totp(device, form.cleaned_data["token"]):
            session_services.step_up(request.session)
            if actor is not None:
                audit.record_change(
                    actor=actor, child_id=None, obj="step_up", obj_id=device.persistent_id,
                    event="step_up_confirmed", purpose="",
                )  # fmt: skip
            return redirect(target)
        if actor is not None:
            audit.record_denied(
                actor=actor, child_id=None, obj="step_up", obj_id=device.persistent_id,
                purpose="", action="step_up_confirmed",
            )  # fmt: skip
        form.add_error("token", _("The code is wrong or has expired. Try the next code."))
    minutes = int(settings.SAMSYN_STEP_UP_VALID.total_seconds() // 60)
    return render(
        request, "accounts/step_up.html", {"form": form, "next": target, "valid_minutes": minutes}
    )
