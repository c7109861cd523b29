"""No dead ends across apps: a page links to another only where that page opens for its reader."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from samsyn.access.models import Purpose
from samsyn.audit.models import Entry
from samsyn.children.tests.factories import ChildFactory
from samsyn.children.tests.helpers import give_consent, record_legal_ground
from samsyn.directory.models import Organisation, Role
from samsyn.directory.tests.factories import OrganisationFactory, UnitFactory, make_actor

pytestmark = pytest.mark.django_db


def links(html: str, prefix: str) -> list[str]:
    return [
        unescape(href) for href in re.findall(r'href="([^"]+)"', html) if href.startswith(prefix)
    ]


@pytest.mark.parametrize(
    ("kind", "role", "purpose", "ground"),
    [
        (Organisation.Kind.BUP, Role.CLINICIAN, Purpose.TREATMENT, "consent"),
        (Organisation.Kind.POLICE, Role.POLICE_OFFICER, Purpose.INVESTIGATION, "legal_ground"),
        # A consent for planning only: the page is read for planning, the log follows it.
        (Organisation.Kind.BUP, Role.CLINICIAN, Purpose.PLANNING, "consent"),
    ],
)
def test_log_1_the_child_page_links_its_log_for_a_reader_on_a_ground(
    actor_client, kind, role, purpose, ground
):
    # Neither a consent nor a legal ground ever covers log review; the log opens all the same
    # for whoever the child's page opens for.
    child = ChildFactory()
    reader = make_actor(unit=UnitFactory(organisation=OrganisationFactory(kind=kind)), role=role)
    if ground == "consent":
        give_consent(child, reader.unit, purposes=[purpose])
    else:
        legal_ground = record_legal_ground(child, reader.unit)
        legal_ground.purposes = [purpose]
        legal_ground.save(update_fields=["purposes"])
    client = actor_client(reader)
    page = client.get(reverse("children:detail", args=[child.pk]), {"purpose": purpose})
    assert page.status_code == 200
    [log_url] = links(page.text, reverse("audit:child", args=[child.pk]))
    log = client.get(log_url)
    assert log.status_code == 200
    review = Entry.objects.filter(staff_id=reader.staff.pk, object_type="audit_log").get()
    assert (review.purpose, review.basis["basis"]) == (Purpose.LOG_REVIEW, ground)
    # …and back: to the child's page read for the purpose that opened it.
    [back] = links(log.text, reverse("children:detail", args=[child.pk]))
    assert client.get(back).status_code == 200
