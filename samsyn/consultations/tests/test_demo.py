"""The demo county's consultations: the named logins find them, answered and waiting, and the
one linked to a pupil is read through access on the guardians' consent."""

from __future__ import annotations

import pytest

from samsyn.children.models import Involvement
from samsyn.consultations import selectors
from samsyn.consultations.models import Consultation
from samsyn.demo.tests.helpers import actor, county_built_today

SEED = 11


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), county_built_today(SEED) as county:
        yield county


def test_kon_1_the_demo_has_consultations_both_ways(county, db):
    counsellor, clinician = actor("kurator"), actor("behandlare")
    asked = list(selectors.consultations_of(counsellor, selectors.ASKED))
    received = list(selectors.consultations_of(clinician, selectors.RECEIVED))
    assert len(asked) >= 3
    assert any(c.answered for c in asked)
    assert any(not c.answered for c in asked)
    assert {c.pk for c in asked if c.consulted_unit_id} <= {c.pk for c in received}
    bvc = actor("dubbelroll", "BVC")
    assert len(list(selectors.consultations_of(bvc, selectors.ASKED))) == 2
    caseworker = actor("handlaggare")
    assert any(c.answered for c in selectors.consultations_of(caseworker, selectors.RECEIVED))


def test_kon_1_the_demos_linked_consultation_is_read_on_consent(county, db):
    linked = Consultation.objects.get(child__isnull=False)
    assert Involvement.objects.filter(
        child=linked.child, unit__organisation=linked.consulted_organisation
    ).exists()
    _c, decision = selectors.consultation_for(actor("behandlare"), consultation_id=linked.pk)
    assert decision.basis == "consent"
    assert selectors.covering_consents(linked.child, linked.consulted_organisation, linked.category)
