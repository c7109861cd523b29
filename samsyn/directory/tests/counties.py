"""One small county for the tests of a step between organisations (a referral, a consultation):
social services, BUP with two units (the one taking part, and one with no part in the child),
and a school of the child's municipality, Örebro, which is involved with the child.

Social services are Örebro's and involved with the child too, or with `social_elsewhere`
Kumla's and not involved: a third organisation with no part in the child."""

from __future__ import annotations

from dataclasses import dataclass

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
    social_unit: object
    bup_unit: object
    bup_other_unit: object
    school_unit: object
    caseworker: Actor
    clinician: Actor
    other_clinician: Actor
    counsellor: Actor
    child: object
    guardians: list
    # Audit rows outlive the tests that wrote them (nothing may delete them, not even a browser
    # test's flush): a test reads only the rows written after its county was made.
    audit_since: int = 0

    def entries(self, **filters) -> list:
        return list(Entry.objects.filter(id__gt=self.audit_since, **filters).order_by("id"))

    @property
    def bup(self):
        return self.bup_unit.organisation


def actor_in(unit, role) -> Actor:
    return actor_of(MembershipFactory(unit=unit, role=role))


def make_county(*, social_elsewhere: bool = False) -> County:
    audit_since = Entry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    region = PrincipalFactory(kind=Principal.Kind.REGION, name="Region Örebro län", code="18")
    orebro = PrincipalFactory(name="Örebro kommun", code="1880")
    if social_elsewhere:
        social = UnitFactory(
            name="Barn och unga",
            organisation__principal=PrincipalFactory(name="Kumla kommun", code="1881"),
            organisation__kind=Organisation.Kind.SOCIAL_SERVICES,
            organisation__name="Socialtjänsten Kumla",
        )  # fmt: skip
    else:
        social = UnitFactory(
            name="Barn och unga – utredning", organisation__principal=orebro,
            organisation__kind=Organisation.Kind.SOCIAL_SERVICES,
            organisation__name="Socialtjänsten Örebro kommun",
        )  # fmt: skip
    bup = UnitFactory(
        name="BUP Örebro (USÖ)", organisation__principal=region,
        organisation__kind=Organisation.Kind.BUP, organisation__name="BUP Region Örebro län",
    )  # fmt: skip
    bup_other = UnitFactory(name="BUP Lindesberg", organisation=bup.organisation)
    school = UnitFactory(
        name="Ekängsskolan", organisation__principal=orebro,
        organisation__kind=Organisation.Kind.SCHOOL,
        organisation__name="Grundskola och elevhälsa Örebro",
    )  # fmt: skip
    child = ChildFactory(municipality=orebro)
    guardians = [GuardianFactory(), GuardianFactory()]
    for guardian in guardians:
        GuardianshipFactory(child=child, guardian=guardian)
    if not social_elsewhere:
        InvolvementFactory(child=child, unit=social)
    InvolvementFactory(child=child, unit=school)
    return County(
        social_unit=social, bup_unit=bup, bup_other_unit=bup_other, school_unit=school,
        caseworker=actor_in(social, Role.CASEWORKER), clinician=actor_in(bup, Role.CLINICIAN),
        other_clinician=actor_in(bup_other, Role.CLINICIAN),
        counsellor=actor_in(school, Role.SCHOOL_COUNSELLOR), child=child, guardians=guardians,
        audit_since=audit_since,
    )  # fmt: skip
