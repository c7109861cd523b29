"""One small county for the consultation tests: a school (the asker), BUP with two units (the
consulted), and social services in another municipality (a third organisation)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from samsyn.access.actor import Actor
from samsyn.audit.models import Entry
from samsyn.children.tests.factories import (
    ChildFactory,
    GuardianFactory,
    GuardianshipFactory,
    InvolvementFactory,
)
from samsyn.directory.models import Organisation, Principal, Role
from samsyn.directory.tests.factories import (
    MembershipFactory,
    PrincipalFactory,
    UnitFactory,
    actor_of,
)


@dataclass
class County:
    school_unit: object
    bup_unit: object
    bup_other_unit: object
    social_unit: object
    counsellor: Actor
    clinician: Actor
    other_clinician: Actor
    caseworker: Actor
    child: object
    guardians: list
    # Audit rows outlive the tests that wrote them (nothing may delete them, not even a browser
    # test's flush): a test reads only the rows written after its county was made.
    audit_since: int = 0

    def entries(self, **filters) -> list:
        rows = Entry.objects.filter(id__gt=self.audit_since, **filters)
        return list(rows.order_by("id"))

    @property
    def bup(self):
        return self.bup_unit.organisation


def actor_in(unit, role) -> Actor:
    return actor_of(MembershipFactory(unit=unit, role=role))


@pytest.fixture
def county(db) -> County:
    audit_since = Entry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    region = PrincipalFactory(kind=Principal.Kind.REGION, name="Region Örebro län", code="18")
    orebro = PrincipalFactory(name="Örebro kommun", code="1880")
    kumla = PrincipalFactory(name="Kumla kommun", code="1881")
    school_unit = UnitFactory(
        name="Ekängsskolan", organisation__principal=orebro,
        organisation__kind=Organisation.Kind.SCHOOL,
        organisation__name="Grundskola och elevhälsa Örebro",
    )  # fmt: skip
    bup = UnitFactory(
        name="BUP Örebro (USÖ)", organisation__principal=region,
        organisation__kind=Organisation.Kind.BUP, organisation__name="BUP Region Örebro län",
    )  # fmt: skip
    bup_other = UnitFactory(name="BUP Lindesberg", organisation=bup.organisation)
    social = UnitFactory(
        name="Barn och unga", organisation__principal=kumla,
        organisation__kind=Organisation.Kind.SOCIAL_SERVICES,
        organisation__name="Socialtjänsten Kumla",
    )  # fmt: skip
    child = ChildFactory(municipality=orebro)
    guardians = [GuardianFactory(), GuardianFactory()]
    for guardian in guardians:
        GuardianshipFactory(child=child, guardian=guardian)
    InvolvementFactory(child=child, unit=school_unit)
    return County(
        school_unit=school_unit, bup_unit=bup, bup_other_unit=bup_other, social_unit=social,
        counsellor=actor_in(school_unit, Role.SCHOOL_COUNSELLOR),
        clinician=actor_in(bup, Role.CLINICIAN),
        other_clinician=actor_in(bup_other, Role.CLINICIAN),
        caseworker=actor_in(social, Role.CASEWORKER), child=child, guardians=guardians,
        audit_since=audit_since,
    )  # fmt: skip
