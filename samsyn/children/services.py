"""Changes to children: registering a child with guardians, editing contact details under
optimistic locking, and recording a need to see a protected address. Each change and its audit
row share one transaction."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.access.models import Category
from samsyn.audit import services as audit
from samsyn.children import selectors
from samsyn.children.identity import IdentityNumber
from samsyn.children.models import (
    Child,
    Guardian,
    Guardianship,
    Involvement,
    ProtectedIdentityNeed,
)
from samsyn.directory.models import HEALTH_CARE_KINDS, Organisation, Principal

CONTACT_FIELDS = ("street_address", "postal_code", "city", "phone")

# Social services, health care and school register children they meet; police and others
# learn of a child through those organisations (and a ground), never by registering one.
REGISTERING_KINDS = frozenset(
    {Organisation.Kind.SOCIAL_SERVICES, Organisation.Kind.SCHOOL, *HEALTH_CARE_KINDS}
)


class ChildAlreadyRegistered(Exception):
    """Says only that the number is known: never who it is or who is involved."""

    def __init__(self, child_id: int):
        super().__init__(child_id)
        self.child_id = child_id


class StaleChild(Exception):
    """Someone else saved the child since the form was opened; carries their current values."""

    def __init__(self, current: Child):
        super().__init__(current.pk)
        self.current = current


@dataclass(frozen=True)
class GuardianInput:
    identity_number: IdentityNumber
    first_name: str
    last_name: str


def can_register_child(actor: Actor) -> bool:
    return actor.role in rules.CHILD_ROLES and actor.organisation.kind in REGISTERING_KINDS


def latest_need_date(today: datetime.date) -> datetime.date:
    try:
        return today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        return today.replace(year=today.year + 1, day=28)


def register_child(
    *,
    actor: Actor,
    identity_number: IdentityNumber,
    first_name: str,
    last_name: str,
    municipality: Principal,
    street_address: str = "",
    postal_code: str = "",
    city: str = "",
    phone: str = "",
    protected_identity: bool = False,
    guardians: list[GuardianInput] = (),  # type: ignore[assignment]
) -> Child:
    """Register a child not yet known, with 0–2 guardians, and involve the actor's unit so it
    can see the child. Raises ChildAlreadyRegistered for a known number."""
    if not can_register_child(actor):
        raise rules.AccessDenied("children.register")
    if len(guardians) > 2:
        raise ValidationError(_("A child has at most two guardians."), code="guardians")
    # Outside the transaction: the audit row of a duplicate attempt survives the exception.
    existing = _existing_child_id(identity_number)
    if existing is None:
        try:
            return _register(
                actor=actor, identity_number=identity_number, first_name=first_name,
                last_name=last_name, municipality=municipality, street_address=street_address,
                postal_code=postal_code, city=city, phone=phone,
                protected_identity=protected_identity, guardians=guardians,
            )  # fmt: skip
        except IntegrityError:
            # A concurrent registration of the same number won the race.
            existing = _existing_child_id(identity_number)
            if existing is None:
                raise
    # Trying a known number is itself worth a log line for the child's organisations.
    audit.record_denied(
        actor=actor, child_id=existing, obj="child", obj_id=existing,
        purpose=rules.default_purpose(actor), action="register",
    )  # fmt: skip
    raise ChildAlreadyRegistered(existing)


def _existing_child_id(identity_number: IdentityNumber) -> int | None:
    return (
        Child.objects.filter(identity_number=identity_number.digits)
        .values_list("pk", flat=True)
        .first()
    )


@transaction.atomic
def _register(
    *, actor: Actor, identity_number: IdentityNumber, first_name: str, last_name: str,
    municipality: Principal, street_address: str, postal_code: str, city: str, phone: str,
    protected_identity: bool, guardians: list[GuardianInput],
) -> Child:  # fmt: skip
    if municipality.kind != Principal.Kind.MUNICIPALITY:
        raise ValidationError({"municipality": _("Choose a municipality.")})
    child = Child(
        identity_number=identity_number.digits,
        birth_date=identity_number.birth_date,
        is_coordination_number=identity_number.is_coordination_number,
        first_name=first_name,
        last_name=last_name,
        municipality=municipality,
        street_address=street_address,
        postal_code=postal_code,
        city=city,
        phone=phone,
        protected_identity=protected_identity,
    )
    child.full_clean()
    child.save()
    guardian_ids, reused = [], []
    for entry in guardians:
        guardian = Guardian.objects.filter(identity_number=entry.identity_number.digits).first()
        if guardian is None:
            guardian = Guardian(
                identity_number=entry.identity_number.digits,
                first_name=entry.first_name,
                last_name=entry.last_name,
            )
            guardian.full_clean()
            guardian.save()
        else:
            # An existing guardian is one person: reused as recorded, not overwritten by what
            # this form typed (the actor may not even be allowed to see their record).
            reused.append(guardian.pk)
        Guardianship.objects.create(child=child, guardian=guardian)
        guardian_ids.append(guardian.pk)
    involvement = Involvement(child=child, unit=actor.unit)
    involvement.full_clean()
    involvement.save()
    audit.record_change(
        actor=actor, child_id=child.pk, obj="child", obj_id=child.pk, event="child_registered",
        purpose=rules.default_purpose(actor),
        detail={
            "guardian_ids": guardian_ids, "reused_guardian_ids": reused,
            "involvement_id": involvement.pk, "protected_identity": protected_identity,
        },
    )  # fmt: skip
    return child


def _editable_child(actor: Actor, child_id: int, *, action: str) -> Child:
    """The child, if the actor may change it; a denial is audited outside any transaction."""
    child = Child.objects.filter(pk=child_id).first()
    purpose = rules.default_purpose(actor)
    visible = (
        child is not None
        and rules.decide(actor, child, purpose=purpose, category=Category.BASIC).allowed
    )
    allowed = visible and (
        rules.can_edit_child(actor, child)
        if action == "edit_contact"
        else selectors.may_record_address_need(actor, child)
    )
    if not allowed:
        audit.record_denied(
            actor=actor, child_id=child.pk if child else None, obj="child", obj_id=child_id,
            purpose=purpose, action=action,
        )  # fmt: skip
        if not visible:
            raise selectors.ChildNotFound(child_id)
        raise rules.AccessDenied(action)
    return child


def update_child_contact(
    *,
    actor: Actor,
    child_id: int,
    version: int,
    street_address: str,
    postal_code: str,
    city: str,
    phone: str,
) -> Child:
    """Save the contact details if nobody saved since `version`; else raise StaleChild.

    A repeat of a save that already went through (a double submit) changes nothing and
    returns the child as it is."""
    child = _editable_child(actor, child_id, action="edit_contact")
    values = {
        "street_address": street_address, "postal_code": postal_code, "city": city,
        "phone": phone,
    }  # fmt: skip
    return _update_contact(actor=actor, child=child, version=version, values=values)


@transaction.atomic
def _update_contact(*, actor: Actor, child: Child, version: int, values: dict) -> Child:
    changed = [name for name, value in values.items() if getattr(child, name) != value]
    for name, value in values.items():
        setattr(child, name, value)
    child.full_clean(validate_unique=False, validate_constraints=False)
    # The version check and the write are one statement: two saves from the same version
    # cannot both succeed, whatever the isolation level.
    updated = Child.objects.filter(pk=child.pk, version=version).update(
        **values, version=F("version") + 1
    )
    if not updated:
        current = Child.objects.get(pk=child.pk)
        if all(getattr(current, name) == value for name, value in values.items()):
            return current  # the other save wrote exactly this: nothing is lost
        raise StaleChild(current)
    child.refresh_from_db(fields=["version"])
    audit.record_change(
        actor=actor, child_id=child.pk, obj="child", obj_id=child.pk,
        event="child_contact_changed", purpose=rules.default_purpose(actor),
        # Field names only: the log must not become a second copy of a protected address.
        detail={"fields": changed, "version": child.version},
    )  # fmt: skip
    return child


def record_address_need(
    *, actor: Actor, child_id: int, reason: str, valid_until: datetime.date
) -> ProtectedIdentityNeed:
    child = _editable_child(actor, child_id, action="record_address_need")
    return _record_need(actor=actor, child=child, reason=reason, valid_until=valid_until)


@transaction.atomic
def _record_need(
    *, actor: Actor, child: Child, reason: str, valid_until: datetime.date
) -> ProtectedIdentityNeed:
    today = timezone.localdate()
    if not today <= valid_until <= latest_need_date(today):
        raise ValidationError(
            {"valid_until": _("A need can be recorded for at most one year from today.")}
        )
    need = ProtectedIdentityNeed(
        child=child, unit=actor.unit, reason=reason, recorded_by=actor.staff,
        valid_until=valid_until,
    )  # fmt: skip
    need.full_clean()
    need.save()
    audit.record_change(
        actor=actor, child_id=child.pk, obj="protected_identity_need", obj_id=need.pk,
        event="protected_identity_need_recorded", purpose=rules.default_purpose(actor),
        detail={"valid_until": valid_until.isoformat(), "unit_id": actor.unit.pk},
    )  # fmt: skip
    return need
