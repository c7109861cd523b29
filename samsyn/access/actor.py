"""The actor: a signed-in person acting for one unit of one organisation, in one role."""

from __future__ import annotations

from dataclasses import dataclass

from samsyn.directory.models import Membership, Organisation, Staff, Unit


@dataclass(frozen=True)
class Actor:
    membership: Membership

    @classmethod
    def for_membership(cls, membership_id: int, *, user_id: int) -> Actor | None:
        membership = (
            Membership.objects.select_related("staff", "unit__organisation__principal")
            .filter(pk=membership_id, staff__user_id=user_id, active=True)
            .first()
        )
        return cls(membership) if membership else None

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
