"""Staff sign-in through the organisation's OpenID Connect provider (docs/adr/0015): the start,
the provider's way back, and the page of a refused sign-in. Also the step-up of a person who
signed in there: they authenticate at the provider again."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from samsyn.access.http import public
from samsyn.accounts import oidc_services, services, session_services
from samsyn.accounts.middleware import SESSION_MEMBERSHIP
from samsyn.accounts.models import ProviderDevice
from samsyn.accounts.oidc import STEP_UP_SINCE
from samsyn.audit import services as audit

BACKEND = "samsyn.accounts.oidc.StaffProviderBackend"


def _steps_up(request) -> bool:
    user = request.user
    return (
        request.GET.get("step_up") == "1"
        and user.is_authenticated
        and user.is_verified()
        and isinstance(user.otp_device, ProviderDevice)
    )


class _Start(OIDCAuthenticationRequestView):
    def get(self, request):
        if not oidc_services.enabled():
            raise Http404
        if _steps_up(request):
            request.session[STEP_UP_SINCE] = time.time()
        else:
            request.session.pop(STEP_UP_SINCE, None)
        return super().get(request)

    def get_extra_params(self, request):
        if request.session.get(STEP_UP_SINCE) is not None:
            # Not the provider's remembered session: the person authenticates again now.
            return {"prompt": "login", "max_age": "0"}
        return {}


class _Callback(OIDCAuthenticationCallbackView):
    def get(self, request):
        if not oidc_services.enabled():
            raise Http404
        try:
            return super().get(request)
        except oidc_services.SignInRefused as refused:
            return _refuse(request, refused.reason, refused.detail)
        except SuspiciousOperation:
            # A state this browser never sent, a nonce or signature that does not match.
            return _refuse(request, "invalid_answer", {})

    def login_failure(self):
        return _refuse(self.request, "failed", {"error": self.request.GET.get("error", "")[:100]})

    def login_success(self):
        request = self.request
        since = request.session.pop(STEP_UP_SINCE, None)
        if since is not None and request.user.is_authenticated and request.user == self.user:
            session_services.step_up(request.session)
            actor = getattr(request, "actor", None)
            if actor is not None:
                audit.record_change(
                    actor=actor, child_id=None, obj="step_up",
                    obj_id=request.user.otp_device.persistent_id, event="step_up_confirmed",
                    purpose="",
                )  # fmt: skip
            return redirect(self.success_url)
        auth.login(request, self.user, backend=BACKEND)
        otp_login(request, oidc_services.provider_device(self.user))
        memberships = list(services.memberships_of(self.user))
        if len(memberships) == 1:
            request.session[SESSION_MEMBERSHIP] = memberships[0].pk
            return redirect(self.success_url)
        return redirect(f"/accounts/acting-for/?{urlencode({'next': self.success_url})}")


def _refuse(request, reason: str, detail: dict):
    audit.record_sign_in_refused(reason=reason, detail=detail)
    if reason == "unknown_assignment":
        message = _(
            "Your organisation's sign-in names no unit and role that Samsyn knows, so you "
            "cannot be signed in. Ask your administrator to connect your assignment (the unit's "
            "HSA-id and your role) to Samsyn."
        )
    elif reason == "not_authenticated_again":
        message = _("You were not asked to sign in again at your organisation. Try once more.")
    else:
        message = _(
            "The sign-in through your organisation could not be completed. Try again, or ask "
            "your administrator."
        )
    return render(
        request,
        "accounts/oidc_refused.html",
        {"message": message, "provider": settings.SAMSYN_OIDC_PROVIDER_NAME},
        status=403,
    )


start = public(_Start.as_view())
callback = public(_Callback.as_view())
