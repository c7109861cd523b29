"""What grows on a SIP is shown a page at a time (issue 12): the plan's items on a version's
page, the versions, the SIP's consents, in the pages and the API alike; the printed plan is
whole."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

from samsyn.plans.models import PlanItem, PlanVersion
from samsyn.plans.selectors.consents import PAGE_SIZE as CONSENTS_PAGE
from samsyn.plans.selectors.versions import PAGE_SIZE
from samsyn.plans.tests import test_query_counts as shapes

pytestmark = pytest.mark.django_db


@pytest.fixture
def sip():
    case, social, bup = shapes._setting()
    shapes._more(case, social, bup, PAGE_SIZE + 5, offset=0)
    return case, social


def test_the_version_page_shows_one_page_of_the_items_and_the_print_all(sip, actor_client):
    case, social = sip
    client = actor_client(social)
    items = list(
        PlanItem.objects.filter(version__case=case, version__number=1).order_by("position")
    )
    url = reverse("plans:plan_version", args=[case.pk, 1])
    first, second = client.get(url).content.decode(), client.get(url + "?page=2").content.decode()
    shown = [i for i in items if f"<p>{i.text}</p>" in first]
    assert len(shown) == PAGE_SIZE
    assert all(f"<p>{i.text}</p>" in second for i in items if i not in shown)
    assert 'aria-label="Pages"' in first or 'aria-label="Sidor"' in first
    # The goal on page 2 still names the need it serves, which is on page 1.
    assert "need 0" in second or "need 0" in first
    printed = client.get(reverse("plans:plan_print", args=[case.pk, 1])).content.decode()
    assert all(f"<p>{i.text}</p>" in printed for i in items)


def test_the_versions_and_consents_are_paged_on_the_page_and_in_the_api(sip, actor_client):
    case, social = sip
    client = actor_client(social)
    versions = client.get(reverse("plans:plan_versions", args=[case.pk])).content.decode()
    assert versions.count('<th scope="row">') == PAGE_SIZE
    assert f"v{shapes.DRAFT_NUMBER}/" in versions  # the newest first
    detail = client.get(reverse("plans:detail", args=[case.pk])).content.decode()
    assert detail.count(_("Withdraw") + "<span") <= CONSENTS_PAGE
    body = client.get(f"/api/sip/{case.pk}").json()
    assert len(body["consents"]) == CONSENTS_PAGE
    assert body["consents_count"] == PAGE_SIZE + 5
    assert body["consents_pages"] == 2
    assert len(client.get(f"/api/sip/{case.pk}?consents_page=2").json()["consents"]) == 5
    assert body["versions_count"] == PlanVersion.objects.filter(case=case).count()
    assert len(body["versions"]) == PAGE_SIZE
    assert body["versions"][-1]["number"] == shapes.DRAFT_NUMBER
