"""The actor: a signed-in person acting for one unit of one organisation, in one role."""

from __future__ import annotations

from dataclasses import dataclass, field

from samsyn.directory.models import Membership, Organisation, Staff, Unit


@dataclass(frozen=True)
class Actor:
    membership: Membership
    # What `access.rules` computes more than once while answering one request (the county's
    # consent setting, the relationships with a child, the consents covering it). Only the
    # actor of a request keeps it (`for_membership`, made anew by each request), so nothing
    # kept here outlives the request; an actor made otherwise (a script, a test that changes
    # the data between checks) computes each answer afresh.
    memo: dict | None = field(default=None, repr=False, compare=False)

    @classmethod
    def for_membership(cls, membership_id: int, *, user_id: int) -> Actor | None:
        membership = (
            Membership.objects.select_related("staff", "unit__organisation__principal")
            .filter(pk=membership_id, staff__user_id=user_id, active=True)
            .first()
        )
        return cls(membership, memo={}) if membership else None

    @property
    def staff(self) -> Staff:
        return self.membership.staff

    @property
    def user_id(self) -> int:
        return self.membership.staff.user_id

    @property
    def unit(self) -> Unit:
        return self.membership.unit

    @property
    def organisation(self) -> Organisation:
        return self.membership.unit.organisation

    @property
    def role(self) -> str:
        return self.membership.role
