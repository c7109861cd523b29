"""ASVS 8.2.1 / 14.3.2: no page or API answer with personal data is stored by a browser or a
proxy (issue 13: only the PDF and the token page said so)."""

import pytest
from django.test import Client
from django.urls import reverse

from samsyn.accounts.tests.helpers import sign_in
from samsyn.api.tests.conftest import token_client
from samsyn.children.tests.factories import (
    ChildFactory,
    GuardianFactory,
    GuardianshipFactory,
    InvolvementFactory,
)
from samsyn.directory.tests.factories import MembershipFactory, actor_of
from samsyn.plans.tests.factories import CaseFactory
from samsyn.plans.tests.test_versions import _finalise, bup, case, complete_draft, social  # noqa: F401
from samsyn.portal.services import enrol_citizen
from samsyn.portal.tests.conftest import KEY, make_version, sign_in_citizen

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


def test_sip_print_and_family_pages_are_never_stored(complete_draft, case, social):  # noqa: F811
    """The pages issue 13 named, SIP pages, printing and the family's pages included, and the
    signed-in person's own pages (sessions, step-up)."""
    _finalise(social, case)
    staff = sign_in(Client(), social)
    for url in (
        reverse("plans:detail", args=[case.pk]),
        reverse("plans:plan_version", args=[case.pk, 1]),
        reverse("plans:plan_print", args=[case.pk, 1]),
        reverse("plans:plan_pdf", args=[case.pk, 1]),
        reverse("children:detail", args=[case.child.pk]),
        reverse("accounts:sessions"), reverse("accounts:step_up"), reverse("tokens:list"),
        f"/api/sip/{case.pk}",
    ):  # fmt: skip
        response = staff.get(url)
        assert response.status_code == 200, url
        assert _no_store(response), url
    guardian, child = GuardianFactory(), ChildFactory()
    GuardianshipFactory(child=child, guardian=guardian)
    sip = CaseFactory(child=child)
    make_version(sip, 1)
    family = sign_in_citizen(enrol_citizen(guardian=guardian, totp_key=KEY))
    for url in (
        reverse("portal:home"), reverse("portal:child", args=[child.pk]),
        reverse("portal:plan", args=[child.pk, sip.pk]),
        reverse("portal:print", args=[child.pk, sip.pk, 1]),
        reverse("portal:extract", args=[child.pk]),
    ):  # fmt: skip
        response = family.get(url)
        assert response.status_code == 200, url
        assert _no_store(response), url
