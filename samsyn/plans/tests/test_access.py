import datetime

import pytest
from django.utils import timezone

from samsyn.access.models import Category, Purpose
from samsyn.audit.models import Entry
from samsyn.children.tests.factories import InvolvementFactory
from samsyn.consent.tests.factories import ConsentFactory, ConsentSettingsFactory
from samsyn.directory.models import Organisation, Role
from samsyn.directory.tests.factories import make_actor
from samsyn.plans.selectors import cases as selectors
from samsyn.plans.tests.factories import CaseFactory, PartyFactory, PlanVersionFactory

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


def _consent(case, actor, **traits):
    return ConsentFactory(
        child=case.child, receiving_organisation=actor.organisation,
        categories=[Category.BASIC, Category.PLAN], purposes=[PURPOSE],
        recorded_by=case.initiated_by, recorded_for=case.initiating_organisation, **traits,
    )  # fmt: skip


def _visible(actor):
    return list(selectors.cases_visible_to(actor, purpose=PURPOSE))


def test_sip_3_initiating_unit_sees_its_sip(social, case):
    assert _visible(social) == [case]


def test_sip_3_a_party_without_consent_sees_nothing(bup, case):
    PartyFactory(case=case, accepted_for=bup.unit)
    assert _visible(bup) == []
    with pytest.raises(selectors.CaseNotFound):
        selectors.case_for(bup, case_id=case.pk, purpose=PURPOSE)
    denied = Entry.objects.get(staff_id=bup.staff.pk, object_type="sip")
    assert (denied.outcome, denied.child_id) == ("denied", case.child_id)


def test_sip_3_a_party_with_consent_sees_it_until_withdrawn(bup, case):
    PartyFactory(case=case, accepted_for=bup.unit)
    consent = _consent(case, bup, by_child=True)
    assert _visible(bup) == [case]
    found, decision = selectors.case_for(bup, case_id=case.pk, purpose=PURPOSE)
    assert (found, decision.basis) == (case, "consent")
    consent.withdrawn_at = timezone.now()
    consent.save()
    assert _visible(bup) == []


def test_sip_3_consent_without_being_a_party_opens_no_sip(bup, case):
    _consent(case, bup, by_child=True)
    assert _visible(bup) == []


def _guardian_consent(case, actor, guardian):
    return _consent(case, actor, guardian=guardian)


@pytest.fixture
def two_guardians(case):
    from samsyn.children.tests.factories import GuardianshipFactory

    return [GuardianshipFactory(child=case.child).guardian for _ in range(2)]


def test_sip_4_both_guardians_needed_and_one_withdrawal_stops_sharing(bup, case, two_guardians):
    PartyFactory(case=case, accepted_for=bup.unit)
    first = _guardian_consent(case, bup, two_guardians[0])
    assert _visible(bup) == []
    _guardian_consent(case, bup, two_guardians[1])
    assert _visible(bup) == [case]
    first.withdrawn_at = timezone.now()
    first.save()
    assert _visible(bup) == []


def test_sip_4_one_guardian_opens_where_the_region_says_so(bup, case, two_guardians):
    from samsyn.directory.models import Principal

    region = Principal.objects.create(kind="region", name="Region X", code="77")
    ConsentSettingsFactory(region=region, both_guardians_must_consent=False)
    bup.organisation.principal.code = "77"
    bup.organisation.principal.save()
    PartyFactory(case=case, accepted_for=bup.unit)
    _guardian_consent(case, bup, two_guardians[0])
    assert _visible(bup) == [case]


@pytest.mark.parametrize(
    ("status", "versions", "stage"),
    [
        ("proposed", [], "proposed"),
        ("drafted", [(1, "final", 30)], "drafted"),
        ("finalised", [(1, "final", 30)], "finalised"),
        ("finalised", [(1, "final", 0)], "follow_up_due"),
        ("finalised", [(1, "final", -3)], "follow_up_due"),
        ("finalised", [(1, "final", -3), (2, "final", 60)], "followed_up"),
        ("closed", [(1, "final", -3)], "closed"),
    ],
)
def test_sip_8_stage_tells_follow_up_due_and_followed_up(case, status, versions, stage):
    case.status = status
    case.save()
    today = timezone.localdate()
    for number, version_status, days in versions:
        PlanVersionFactory(
            case=case, number=number, final=version_status == "final",
            follow_up_on=today + datetime.timedelta(days=days),
        )  # fmt: skip
    assert selectors.stage_of(case) == stage
