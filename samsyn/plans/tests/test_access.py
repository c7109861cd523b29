import datetime

import pytest
from django.utils import timezone

from samsyn.access.models import Category, Purpose
from samsyn.audit.models import Entry
from samsyn.children.tests.factories import InvolvementFactory
from samsyn.consent.models import Consent
from samsyn.directory.models import Organisation, Role
from samsyn.directory.tests.factories import make_actor
from samsyn.plans import selectors
from samsyn.plans.tests.factories import CaseFactory, PartyFactory

pytestmark = pytest.mark.django_db
PURPOSE = Purpose.PLANNING


@pytest.fixture
def social():
    return make_actor()


@pytest.fixture
def bup():
    return make_actor(unit__organisation__kind=Organisation.Kind.BUP, role=Role.CLINICIAN)


@pytest.fixture
def case(social):
    case = CaseFactory(initiated_by=social.staff, initiating_organisation=social.organisation)
    InvolvementFactory(child=case.child, unit=social.unit)
    return case


def _consent(case, actor, **kwargs):
    return Consent.objects.create(
        child=case.child, given_by=Consent.GivenBy.CHILD, receiving_organisation=actor.organisation,
        categories=[Category.BASIC, Category.PLAN], purposes=[PURPOSE], form=Consent.Form.WRITTEN,
        valid_until=timezone.now() + datetime.timedelta(days=90), recorded_by=case.initiated_by,
        recorded_for=case.initiating_organisation, case=case, **kwargs,
    )  # fmt: skip


def _visible(actor):
    return list(selectors.cases_visible_to(actor, purpose=PURPOSE))


def test_sip_3_initiating_unit_sees_its_sip(social, case):
    assert _visible(social) == [case]


def test_sip_3_a_party_without_consent_sees_nothing(bup, case):
    PartyFactory(case=case, organisation=bup.organisation)
    assert _visible(bup) == []
    with pytest.raises(selectors.CaseNotFound):
        selectors.case_for(bup, case_id=case.pk, purpose=PURPOSE)
    denied = Entry.objects.get(staff_id=bup.staff.pk, object_type="sip")
    assert (denied.outcome, denied.child_id) == ("denied", case.child_id)


def test_sip_3_a_party_with_consent_sees_it_until_withdrawn(bup, case):
    PartyFactory(case=case, organisation=bup.organisation)
    consent = _consent(case, bup)
    assert _visible(bup) == [case]
    found, decision = selectors.case_for(bup, case_id=case.pk, purpose=PURPOSE)
    assert (found, decision.basis) == (case, "consent")
    consent.withdrawn_at = timezone.now()
    consent.save()
    assert _visible(bup) == []


def test_sip_3_consent_without_being_a_party_opens_no_sip(bup, case):
    _consent(case, bup)
    assert _visible(bup) == []
