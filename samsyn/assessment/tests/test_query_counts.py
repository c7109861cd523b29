"""DESIGN invariant 7 for the assessment's pages: the child's page with its assessments section,
the assessment page with its comparison, one version and the draft each make as many queries
with 10 versions as with many. `pytest … -s` prints the counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samsyn.assessment.models import AreaRating, AssessmentVersion, Factor, RatingLevel
from samsyn.assessment.tests.factories import (
    AssessmentFactory,
    BbicLicenceFactory,
    caseworker_of,
)
from samsyn.assessment.triangle import AREAS

pytestmark = pytest.mark.django_db

SMALL, MANY = 10, 300
# The counts measured (with the session, the actor, access and the audit rows): pinned, so a
# page that starts to cost more per request fails here too. The child's page is other apps'
# as well (their sections change its count): only its growth is pinned here.
PINNED = {"child": None, "detail": 14, "detail_page_2": 14, "version": 10, "edit": 12}


def grow(assessment, upto: int) -> None:
    """Versions 1…upto, all finalised but the last (a draft), each with every area rated and
    two factors of each kind: written in bulk, so the test measures the page, not the set-up."""
    start = assessment.versions.count()
    staff = assessment.created_by
    levels = list(RatingLevel.objects.order_by("value"))
    now = timezone.now()
    AssessmentVersion.objects.filter(assessment=assessment, status="draft").update(
        status="final", finalised_at=now, finalised_by=staff
    )
    versions = AssessmentVersion.objects.bulk_create(
        AssessmentVersion(
            assessment=assessment, number=n, bbic=True, created_by=staff,
            status="draft" if n == upto else "final", child_view="Bra.",
            finalised_at=None if n == upto else now, finalised_by=None if n == upto else staff,
        )
        for n in range(start + 1, upto + 1)
    )  # fmt: skip
    AreaRating.objects.bulk_create(
        AreaRating(version=v, area=area.code, level=levels[(v.number + i) % 4], description="…")
        for v in versions
        for i, area in enumerate(AREAS)
    )
    Factor.objects.bulk_create(
        Factor(version=v, kind=kind, name=f"{kind} {(v.number + i) % 5}", position=i)
        for v in versions
        for kind in ("risk", "protective")
        for i in range(2)
    )


def count(client, url: str) -> int:
    # Warm: the first audit row of a process checks the month's partition once.
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("page", ["child", "detail", "version", "edit", "detail_page_2"])
def test_the_assessment_pages_cost_the_same_at_10_and_many_versions(actor_client, page):
    assessment = AssessmentFactory()
    BbicLicenceFactory(municipality=assessment.organisation.principal)
    client = actor_client(caseworker_of(assessment))
    urls = {
        "child": reverse("children:detail", args=[assessment.child_id]),
        "detail": reverse("assessment:detail", args=[assessment.pk]),
        "detail_page_2": reverse("assessment:detail", args=[assessment.pk]) + "?page=2",
        "version": reverse("assessment:version", args=[assessment.pk, 3]),
        "edit": reverse("assessment:edit", args=[assessment.pk]),
    }
    grow(assessment, SMALL)
    small = count(client, urls[page])
    grow(assessment, MANY)
    many = count(client, urls[page])
    print(f"\n{page}: {small} queries at {SMALL} versions, {many} at {MANY}")
    assert many == small
    assert PINNED[page] in (None, small)
