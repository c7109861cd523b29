from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from samsyn.access.http import password_verified, public, signed_in
from samsyn.accounts import oidc_services, services, session_services
from samsyn.accounts.backends import PASSWORD_BACKEND
from samsyn.accounts.forms import ActingForForm, PasswordForm, TokenForm
from samsyn.accounts.middleware import SESSION_MEMBERSHIP, SESSION_PASSWORD_USER
from samsyn.accounts.models import User


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


@public
@require_http_methods(["GET", "POST"])
def login(request):
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.check_password(request, **form.cleaned_data)
        if user is None:
            form.add_error(None, _("The username or password is wrong."))
        elif services.totp_device(user) is None:
            form.add_error(
                None,
                _("Your account has no second factor. Ask your administrator to enrol one."),
            )
        else:
            request.session.cycle_key()
            request.session[SESSION_PASSWORD_USER] = user.pk
            return redirect(f"/accounts/code/?next={_next(request)}")
    context = {"form": form, "next": _next(request)}
    if oidc_services.enabled():
        context["provider"] = settings.SAMSYN_OIDC_PROVIDER_NAME
        context["provider_query"] = urlencode({"next": _next(request)})
    if request.method == "GET":
        # Why the person is here again, once: a session ended by its idle or absolute limit.
        context["ended"] = request.session.pop(session_services.ENDED, None)
        context["idle_minutes"] = int(settings.SAMSYN_SESSION_IDLE.total_seconds() // 60)
        context["absolute_hours"] = int(settings.SAMSYN_SESSION_ABSOLUTE.total_seconds() // 3600)
    return render(request, "accounts/login.html", context)


@password_verified
@require_http_methods(["GET", "POST"])
def code(request):
    user = User.objects.get(pk=request.session[SESSION_PASSWORD_USER])
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.totp_device(user)
        if device is None or not services.verify_totp(device, form.cleaned_data["token"]):
            form.add_error("token", _("The code is wrong or has expired. Try the next code."))
        else:
            del request.session[SESSION_PASSWORD_USER]
            auth.login(request, user, backend=PASSWORD_BACKEND)
            otp_login(request, device)
            memberships = list(services.memberships_of(user))
            if len(memberships) == 1:
                request.session[SESSION_MEMBERSHIP] = memberships[0].pk
                return redirect(_next(request))
            return redirect(f"/accounts/acting-for/?next={_next(request)}")
    return render(request, "accounts/code.html", {"form": form, "next": _next(request)})


@signed_in
@require_http_methods(["GET", "POST"])
def acting_for(request):
    memberships = list(services.memberships_of(request.user))
    form = ActingForForm(request.POST or None, memberships=memberships)
    if request.method == "POST" and form.is_valid():
        request.session[SESSION_MEMBERSHIP] = form.cleaned_data["membership"]
        return redirect(_next(request))
    return render(request, "accounts/acting_for.html", {"form": form, "next": _next(request)})


@public
@require_POST
def logout(request):
    # Read before the session is flushed: the provider's sign-out names its ID token.
    at_provider = oidc_services.sign_out_url(
        request.session, back_to=request.build_absolute_uri(reverse("accounts:login"))
    )
    auth.logout(request)
    return redirect(at_provider or "accounts:login")
