"""An admission is a record kind on the one access core (issue 10): the inpatient unit has it; a
unit it notified takes part and reads it under the notice's ground; nobody else does — not another
unit of the same BUP, not another unit of the notified social services (SEK-4), not an
organisation that was never notified, whatever its ground (UTS-1)."""

import pytest

from samsyn.access import rules as access
from samsyn.access.models import Purpose
from samsyn.directory.models import Role
from samsyn.directory.tests.factories import MembershipFactory, UnitFactory, actor_of
from samsyn.discharge.models import Admission
from samsyn.discharge.tests.factories import AdmissionFactory, NoticeFactory

pytestmark = pytest.mark.django_db

PLANNING = Purpose.PLANNING


def actor_in(unit, role=Role.CASEWORKER):
    return actor_of(MembershipFactory(unit=unit, role=role))


def visible(actor):
    return set(access.restrict(actor, Admission.objects.all(), purpose=PLANNING))


def test_sek_4_the_inpatient_unit_has_the_admission_and_no_other_unit_of_its_bup():
    admission = AdmissionFactory()
    ward = actor_in(admission.unit, Role.CLINICIAN)
    outpatient = actor_in(UnitFactory(organisation=admission.organisation), Role.CLINICIAN)
    assert visible(ward) == {admission}
    assert access.decide(ward, admission, purpose=PLANNING).basis == "participation"
    assert visible(outpatient) == set()
    assert not access.decide(outpatient, admission, purpose=PLANNING).allowed


def test_uts_1_the_notified_unit_reads_under_the_notices_legal_ground():
    notice = NoticeFactory()
    admission = notice.admission
    social = actor_in(notice.to_unit)
    decision = access.decide(social, admission, purpose=PLANNING)
    assert visible(social) == {admission}
    assert decision.as_audit() == {
        "basis": "legal_ground", "legal_ground_id": notice.legal_ground_id,
        "reference": notice.legal_ground.basis.reference,
        "relationship": {"record": "admission", "record_id": admission.pk},
    }  # fmt: skip


def test_sek_4_another_unit_of_the_notified_organisation_does_not_see_it():
    notice = NoticeFactory()
    colleague = actor_in(UnitFactory(organisation=notice.to_unit.organisation))
    assert visible(colleague) == set()
    assert not access.decide(colleague, notice.admission, purpose=PLANNING).allowed


def test_uts_1_without_a_ground_in_force_the_notified_unit_reads_nothing():
    notice = NoticeFactory(legal_ground__ended=True)
    social = actor_in(notice.to_unit)
    assert visible(social) == set()
    assert not access.decide(social, notice.admission, purpose=PLANNING).allowed


def test_uts_1_an_organisation_never_notified_does_not_see_it_whatever_its_ground():
    notice = NoticeFactory()
    other = NoticeFactory(admission=AdmissionFactory(child=notice.admission.child))
    # The other admission's social services hold a ground for the child, but this admission
    # never notified them: it is not theirs to see.
    other_social = actor_in(other.to_unit)
    assert visible(other_social) == {other.admission}
