"""A region with a BUP inpatient unit and an outpatient unit, a municipality with social
services, and a child the ward has as patient: what the inpatient side's tests stand on."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from samsyn.access.actor import Actor
from samsyn.children.models import Child
from samsyn.children.tests.factories import ChildFactory, InvolvementFactory
from samsyn.directory.models import Organisation, Role, Unit
from samsyn.directory.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PrincipalFactory,
    UnitFactory,
    actor_of,
)
from samsyn.discharge.models import Admission
from samsyn.discharge.services import ward


@dataclass
class Ward:
    child: Child
    ward: Unit
    outpatient: Unit
    social: Unit
    clinician: Actor


def make_ward(**child_fields) -> Ward:
    region = PrincipalFactory(region=True)
    municipality = PrincipalFactory(code="1880", name="Örebro kommun")
    bup = OrganisationFactory(
        principal=region, kind=Organisation.Kind.BUP, name="BUP Region Örebro län"
    )
    ward_unit = UnitFactory(organisation=bup, name="BUP heldygnsvård")
    outpatient = UnitFactory(organisation=bup, name="BUP Örebro öppenvård")
    social = UnitFactory(
        organisation=OrganisationFactory(principal=municipality, name="Socialtjänsten Örebro"),
        name="Barn och familj mottagning",
    )
    child = ChildFactory(municipality=municipality, **child_fields)
    InvolvementFactory(child=child, unit=ward_unit)
    clinician = actor_of(MembershipFactory(unit=ward_unit, role=Role.CLINICIAN))
    return Ward(child, ward_unit, outpatient, social, clinician)


def admit(w: Ward, *, admitted_at=None, expected=None) -> Admission:
    admitted_at = admitted_at or timezone.now() - datetime.timedelta(hours=2)
    return ward.register_admission(
        actor=w.clinician, child_id=w.child.pk, admitted_at=admitted_at,
        expected_discharge_on=expected or timezone.localdate() + datetime.timedelta(days=10),
    )  # fmt: skip


def notify(w: Ward, admission: Admission) -> Admission:
    ward.send_admission_notices(
        actor=w.clinician, admission_id=admission.pk, version=admission.version,
        social_unit_id=w.social.pk, outpatient_unit_id=w.outpatient.pk,
    )  # fmt: skip
    admission.refresh_from_db()
    return admission
