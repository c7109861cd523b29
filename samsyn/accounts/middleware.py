"""Puts the actor on the request and enforces each view's declared access rule."""

from __future__ import annotations

import functools
from urllib.parse import urlencode

from django.contrib import auth
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device

from samsyn.access import http as rules
from samsyn.access.actor import Actor
from samsyn.access.rules import can
from samsyn.accounts import session_services
from samsyn.accounts.backends import ACTING_FOR, CONFIRMED_DEVICES, SESSION_MEMBERSHIP_ID
from samsyn.audit import services as audit

SESSION_MEMBERSHIP = "samsyn_membership_id"
SESSION_PASSWORD_USER = "samsyn_password_user_id"  # noqa: S105 - a session key


class SessionLimitsMiddleware:
    """Ends a session past 15 idle minutes or 12 hours (ASVS 3.3.2), before anything reads who
    is signed in; otherwise moves its last-seen mark, at most once a minute."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        now = timezone.now()
        limit = session_services.expired(request.session, now)
        if limit:
            auth.logout(request)
            request.session[session_services.ENDED] = limit
        else:
            session_services.touch(request.session, now)
        return self.get_response(request)


class SecondFactorMiddleware(OTPMiddleware):
    """django-otp's middleware without its statement per request: the session's device counts
    when it is among the confirmed devices read with the user (`accounts.backends`). The device
    row itself loads only where a view uses it (the step-up page); anything else, a device
    deleted or unconfirmed since, takes django-otp's own way and is refused there."""

    def _verify_user_sync(self, request, user):
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
        if persistent_id and persistent_id in getattr(user, CONFIRMED_DEVICES, ()):
            self._init_user_fields(user)
            user.otp_device = SimpleLazyObject(
                functools.partial(Device.from_persistent_id, persistent_id)
            )
            return user
        return super()._verify_user_sync(request, user)


class ActorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.actor = None
        membership_id = request.session.get(SESSION_MEMBERSHIP)
        # The user, loaded here first, reads the membership in its own statement.
        scope = SESSION_MEMBERSHIP_ID.set(membership_id or None)
        try:
            user = request.user
            verified = user.is_authenticated and user.is_verified()
        finally:
            SESSION_MEMBERSHIP_ID.reset(scope)
        if verified and membership_id:
            request.actor = _actor(user, membership_id)
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        rule = getattr(view_func, "access_rule", None)
        if rule is None:
            # Fail closed: a view nobody declared a rule for is not served.
            raise Http404
        if rule in (rules.PUBLIC, rules.API):
            return None
        if rule == rules.PASSWORD_VERIFIED:
            if request.session.get(SESSION_PASSWORD_USER) is None:
                return redirect("accounts:login")
            return None
        verified = request.user.is_authenticated and request.user.is_verified()
        is_citizen = verified and hasattr(request.user, "citizen")
        if rule == rules.CITIZEN:
            if not is_citizen:
                return redirect(f"/family/login/?{urlencode({'next': request.get_full_path()})}")
            return None
        if not verified:
            return redirect(f"/accounts/login/?{urlencode({'next': request.get_full_path()})}")
        if is_citizen:
            # A family member's session never reaches a staff page.
            raise Http404
        if rule == rules.SIGNED_IN:
            return None
        if request.actor is None:
            return redirect(f"/accounts/acting-for/?{urlencode({'next': request.get_full_path()})}")
        permission = getattr(view_func, "access_permission", None)
        if permission and not can(request.actor, permission):
            audit.record_refused_role(
                actor=request.actor, permission=permission, child_id=_child_id(view_kwargs)
            )
            raise PermissionDenied(permission)
        return None


def _actor(user, membership_id: int) -> Actor | None:
    """The actor for the session's membership: the one read with the user where it was
    (`accounts.backends.signed_in_user`), otherwise read now."""
    read_with_user = getattr(user, ACTING_FOR, None)
    if read_with_user is not None and read_with_user[0] == membership_id:
        membership = read_with_user[1]
        return Actor(membership, memo={}) if membership is not None else None
    return Actor.for_membership(membership_id, user_id=user.pk)


def _child_id(view_kwargs: dict) -> int | None:
    # The child a refused page was about, where its URL names one, for the child's own log.
    child_id = view_kwargs.get("child_id")
    return child_id if isinstance(child_id, int) else None
