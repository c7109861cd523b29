"""Who the fuzz calls as, made with the test factories: a caseworker of a municipality's social
services with a child as client, and a BUP clinician of a region, unrelated to it. The API's own
tests meet the same people; this module imports no kind of case, so the tests of access and
audit may use them too."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from samsyn.children.models import Child
    from samsyn.directory.models import Membership, Principal


def caseworker(kommun: Principal) -> Membership:
    """A caseworker of the municipality's social-services unit: the fuzz's `caseworker`."""
    from samsyn.directory.models import Role
    from samsyn.directory.tests.factories import (
        MembershipFactory,
        OrganisationFactory,
        UnitFactory,
    )

    unit = UnitFactory(organisation=OrganisationFactory(principal=kommun), municipality=kommun)
    return MembershipFactory(unit=unit, role=Role.CASEWORKER)


def clinician() -> Membership:
    """A clinician of a region's BUP, another organisation than the caseworker's: the fuzz's
    `clinician`."""
    from samsyn.directory.models import Organisation, Principal, Role
    from samsyn.directory.tests.factories import (
        MembershipFactory,
        OrganisationFactory,
        PrincipalFactory,
        UnitFactory,
    )

    organisation = OrganisationFactory(
        kind=Organisation.Kind.BUP, principal=PrincipalFactory(kind=Principal.Kind.REGION)
    )
    return MembershipFactory(unit=UnitFactory(organisation=organisation), role=Role.CLINICIAN)


def client_child(social: Membership, kommun: Principal) -> Child:
    """A child of the municipality the caseworker's unit has as client, with two guardians."""
    from samsyn.children.tests.factories import (
        ChildFactory,
        GuardianFactory,
        GuardianshipFactory,
        InvolvementFactory,
    )

    child = ChildFactory(municipality=kommun)
    InvolvementFactory(child=child, unit=social.unit)
    for _ in range(2):
        GuardianshipFactory(child=child, guardian=GuardianFactory())
    return child
