"""Access rules declared on views. Every URL's view carries one; the middleware enforces it and
refuses, closed, any view that declares none (a test walks every URL pattern for the same)."""

from __future__ import annotations

from collections.abc import Callable

PUBLIC = "public"  # no personal data: sign-in, language switch, health check
PASSWORD_VERIFIED = "password_verified"  # noqa: S105 - a rule name, not a password; between the password and the second factor
SIGNED_IN = "signed_in"  # second factor done, acting for no unit yet (choosing one)
ACTOR = "actor"  # acting for a unit; the view's selectors check the rest
CITIZEN = "citizen"  # a guardian (later the child) signed in to the family portal; no actor
API = "api"  # the JSON API: its own authentication (session or token) on every operation


def access_rule(rule: str, permission: str | None = None) -> Callable:
    def mark(view: Callable) -> Callable:
        view.access_rule = rule  # type: ignore[attr-defined]
        view.access_permission = permission  # type: ignore[attr-defined]
        return view

    return mark


public = access_rule(PUBLIC)
password_verified = access_rule(PASSWORD_VERIFIED)
signed_in = access_rule(SIGNED_IN)


def actor_required(permission: str | None = None) -> Callable:
    """The view needs an actor, and, if named, a role permission from `access.rules`."""
    return access_rule(ACTOR, permission)
