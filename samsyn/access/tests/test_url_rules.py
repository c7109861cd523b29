"""DESIGN invariant 1: every URL declares its access rule, and no page that needs a signed-in
person is reachable signed out (issue 3, items 5 and 7)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse
from django.urls.converters import IntConverter, UUIDConverter
from django.urls.resolvers import RegexPattern, RoutePattern

from samsyn.access import http as rules


@dataclass(frozen=True)
class Route:
    route: str  # the full pattern as written, e.g. "children/<int:child_id>/"
    name: str  # namespaced URL name, or "" when the pattern has none
    callback: object
    converters: dict

    @property
    def rule(self) -> str | None:
        return getattr(self.callback, "access_rule", None)

    def label(self) -> str:
        view = getattr(self.callback, "__qualname__", repr(self.callback))
        module = getattr(self.callback, "__module__", "?")
        return f"/{self.route} (name={self.name or '-'}, view={module}.{view})"


def walk(patterns, prefix: str = "", namespace: str = "", converters=None) -> Iterator[Route]:
    """Every leaf pattern under `patterns`, through includes at any depth."""
    converters = converters or {}
    for entry in patterns:
        here = prefix + str(entry.pattern)
        found = {**converters, **getattr(entry.pattern, "converters", {})}
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, here, inner, found)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else ""
            yield Route(here, name, entry.callback, found)


def undeclared(patterns) -> list[str]:
    return [route.label() for route in walk(patterns) if route.rule is None]


ROUTES = list(walk(get_resolver("samsyn.urls").url_patterns))


def test_walker_sees_the_project_urls():
    # Guards the walker itself: if it stopped descending into includes, every check below
    # would pass on an empty list.
    names = {route.name for route in ROUTES}
    assert {"accounts:login", "children:list", "children:detail", "core:home"} <= names


def test_walker_reports_a_view_without_a_rule():
    def forgotten(request):
        return HttpResponse()

    declared = rules.public(lambda request: HttpResponse())
    nested = SimpleNamespace(urlpatterns=[path("deep/<int:pk>/", forgotten, name="forgotten")])
    patterns = [path("ok/", declared), path("x/", (nested.urlpatterns, "nest", "nest"))]
    assert undeclared(patterns) == [
        f"/x/deep/<int:pk>/ (name=nest:forgotten, view={__name__}."
        "test_walker_reports_a_view_without_a_rule.<locals>.forgotten)"
    ]


def test_every_url_declares_an_access_rule():
    missing = undeclared(get_resolver("samsyn.urls").url_patterns)
    assert not missing, "URL patterns whose view declares no access rule:\n" + "\n".join(missing)


def test_every_declared_rule_is_known():
    known = {
        rules.PUBLIC, rules.PASSWORD_VERIFIED, rules.SIGNED_IN, rules.ACTOR, rules.API,
        rules.CITIZEN,
    }  # fmt: skip
    unknown = [f"{r.label()}: {r.rule!r}" for r in ROUTES if r.rule and r.rule not in known]
    assert not unknown, "\n".join(unknown)


_PLACEHOLDER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")


def concrete_url(route: Route) -> str:
    """The route with every argument filled: ints with 1, uuids with a fixed one, else "x"."""

    def fill(match: re.Match) -> str:
        converter = route.converters.get(match["name"])
        if isinstance(converter, IntConverter):
            return "1"
        if isinstance(converter, UUIDConverter):
            return str(uuid.UUID(int=1))
        return "x"

    if "(?P" in route.route or "^" in route.route:
        # A re_path somewhere on the way: let Django build it from the name.
        assert route.name, f"cannot build a URL for unnamed regex pattern {route.label()}"
        groups = RegexPattern(route.route).regex.groupindex
        return reverse(route.name, kwargs=dict.fromkeys(groups, "1"))
    return "/" + _PLACEHOLDER.sub(fill, route.route)


NEEDS_SIGN_IN = [
    r for r in ROUTES if r.rule in (rules.ACTOR, rules.SIGNED_IN, rules.PASSWORD_VERIFIED)
]
NEEDS_FAMILY_SIGN_IN = [r for r in ROUTES if r.rule == rules.CITIZEN]


def test_there_are_pages_that_need_sign_in():
    # Otherwise the parametrized check below would run zero cases and pass.
    assert {r.name for r in NEEDS_SIGN_IN} >= {"children:list", "children:detail"}


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("route", NEEDS_SIGN_IN, ids=lambda r: r.name or r.route)
def test_signed_out_is_sent_to_sign_in(client, route, method):
    url = concrete_url(route)
    response = getattr(client, method)(url)
    assert response.status_code == 302, f"{method.upper()} {url} answered {response.status_code}"
    assert response.url.startswith(reverse("accounts:login")), response.url


def _no_rule(request):
    return HttpResponse("personal data")


# The real site's patterns too: the 404 page renders the layout, which links to them.
urlpatterns = [path("undeclared/", _no_rule), *get_resolver("samsyn.urls").url_patterns]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_middleware_refuses_a_view_without_a_rule(client):
    # Fail closed: the walker catches it in CI, the middleware at run time.
    assert client.get("/undeclared/").status_code == 404


def test_concrete_url_fills_arguments():
    route = Route(
        "children/<int:child_id>/notes/<slug:kind>/",
        "",
        None,
        RoutePattern("children/<int:child_id>/notes/<slug:kind>/").converters,
    )
    assert concrete_url(route) == "/children/1/notes/x/"


@pytest.mark.django_db
@pytest.mark.parametrize("route", NEEDS_FAMILY_SIGN_IN, ids=lambda r: r.name or r.route)
def test_signed_out_family_pages_send_to_the_family_sign_in(client, route):
    response = client.get(concrete_url(route))
    assert response.status_code == 302
    assert response.url.startswith("/family/login/"), response.url
