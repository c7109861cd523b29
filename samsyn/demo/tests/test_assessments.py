"""The demo county's assessments: the BBIC licence for some municipalities (Örebro, not Kumla),
one or two versions for some children with an open involvement of social services, and the demo
caseworkers see theirs through access, with the triangle or without it (BBIC-1, RSF-1)."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.assessment.models import Assessment, AssessmentVersion, BbicLicence
from samsyn.demo import services
from samsyn.directory.models import Membership, Role

SEED, CHILDREN, YEAR = 11, 200, 2026


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield services.build_county(
            seed=SEED, children=CHILDREN, year=YEAR, today=datetime.date(2026, 11, 23)
        )
        transaction.set_rollback(True)


def visible_to(username: str):
    membership = Membership.objects.get(staff__user__username=username, role=Role.CASEWORKER)
    actor = Actor.for_membership(membership.pk, user_id=membership.staff.user_id)
    return rules.restrict(actor, Assessment.objects.all(), purpose=rules.default_purpose(actor))


def test_bbic_1_the_demo_licenses_some_municipalities_and_not_others(county, db):
    licensed = set(BbicLicence.objects.values_list("municipality__code", flat=True))
    assert "1880" in licensed
    assert "1881" not in licensed
    assert 0 < len(licensed) < 12


def test_bbic_1_the_demo_caseworkers_see_assessments_with_and_without_the_triangle(county, db):
    orebro = visible_to("handlaggare")
    kumla = visible_to("handlaggare.kumla")
    assert orebro.count() >= 6
    assert AssessmentVersion.objects.filter(assessment__in=orebro, bbic=True).exists()
    assert AssessmentVersion.objects.filter(assessment__in=kumla).exists()
    assert not AssessmentVersion.objects.filter(assessment__in=kumla, bbic=True).exists()
    assert AssessmentVersion.objects.filter(assessment__in=orebro, number=2).exists()


def test_rsf_1_every_demo_version_names_its_risk_and_protective_factors(county, db):
    versions = AssessmentVersion.objects.all()
    assert versions.exists()
    assert not versions.filter(factors__isnull=True).exists()
    assert not versions.filter(bbic=True, areas__isnull=True).exists()
