"""ASVS 8.2.1 / 14.3.2: no page or API answer with personal data is stored by a browser or a
proxy (issue 13: only the PDF and the token page said so)."""

import pytest
from django.urls import reverse

from samsyn.api.tests.conftest import token_client
from samsyn.children.tests.factories import ChildFactory, InvolvementFactory
from samsyn.directory.tests.factories import MembershipFactory, actor_of

pytestmark = pytest.mark.django_db


def _no_store(response) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "")


def test_pages_and_api_answers_with_a_childs_data_are_never_stored(actor_client, client):
    membership = MembershipFactory()
    child = ChildFactory()
    InvolvementFactory(child=child, unit=membership.unit)
    staff = actor_client(actor_of(membership))
    for url in (
        reverse("core:home"), reverse("children:list"),
        reverse("children:detail", args=[child.pk]), reverse("plans:list"),
    ):  # fmt: skip
        response = staff.get(url)
        assert response.status_code == 200, url
        assert _no_store(response), url
    api = token_client(membership)[0]
    for url in ("/api/children", f"/api/children/{child.pk}"):
        response = api.get(url)
        assert response.status_code == 200, url
        assert _no_store(response), url
    # Refusals and the sign-in page too: nothing a person was shown is kept.
    assert _no_store(staff.get(reverse("children:detail", args=[child.pk + 1000])))
    assert _no_store(client.get(reverse("accounts:login")))
