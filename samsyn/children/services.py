"""Changes to children: registering a child with guardians, editing contact details under
optimistic locking, recording a need to see a protected address, and adding, changing and
ending guardians. Each change and its audit row share one transaction."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.access.models import Category, EmergencyAccess
from samsyn.audit import services as audit
from samsyn.children import selectors
from samsyn.children.identity import IdentityNumber
from samsyn.children.models import (
    MAX_GUARDIANS,
    Child,
    Guardian,
    Guardianship,
    Involvement,
    ProtectedIdentityNeed,
)
from samsyn.directory.models import HEALTH_CARE_KINDS, Organisation, Principal

CONTACT_FIELDS = ("street_address", "postal_code", "city", "phone")
GUARDIAN_CONTACT_FIELDS = ("email", "phone", "street_address", "postal_code", "city")

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


class StaleContact(Exception):
    """Someone else saved the child's or the guardian's contact details since the form was
    opened; carries their current values."""

    def __init__(self, current: Child | Guardian):
        super().__init__(current.pk)
        self.current = current


class GuardianshipEnded(Exception):
    """Someone else ended the guardianship since the form was opened; carries it as ended."""

    def __init__(self, guardianship: Guardianship):
        super().__init__(guardianship.pk)
        self.guardianship = guardianship


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
    if len(guardians) > MAX_GUARDIANS:
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


def _editable_child(
    actor: Actor,
    child_id: int,
    *,
    action: str,
    allowed: Callable[[Actor, Child], bool] = rules.can_edit_child,
) -> Child:
    """The child, if the actor may change it; a denial is audited outside any transaction."""
    child = Child.objects.filter(pk=child_id).first()
    purpose = rules.default_purpose(actor)
    visible = (
        child is not None
        and rules.decide(actor, child, purpose=purpose, category=Category.BASIC).allowed
    )
    if not (visible and allowed(actor, child)):
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
    """Save the contact details if nobody saved since `version`; else raise StaleContact.

    A repeat of a save that already went through (a double submit) changes nothing and
    returns the child as it is."""
    child = _editable_child(actor, child_id, action="edit_contact")
    values = {
        "street_address": street_address, "postal_code": postal_code, "city": city,
        "phone": phone,
    }  # fmt: skip
    return _save_contact(actor=actor, child=child, person=child, version=version, values=values)


@transaction.atomic
def _save_contact[P: (Child, Guardian)](
    *, actor: Actor, child: Child, person: P, version: int, values: dict
) -> P:
    """The contact details of the child or of one of its guardians, under the version."""
    model = type(person)
    changed = [name for name, value in values.items() if getattr(person, name) != value]
    for name, value in values.items():
        setattr(person, name, value)
    person.full_clean(validate_unique=False, validate_constraints=False)
    # The version check and the write are one statement: two saves from the same version
    # cannot both succeed, whatever the isolation level.
    updated = model.objects.filter(pk=person.pk, version=version).update(
        **values, version=F("version") + 1
    )
    if not updated:
        current = model.objects.get(pk=person.pk)
        if all(getattr(current, name) == value for name, value in values.items()):
            return current  # the other save wrote exactly this: nothing is lost
        raise StaleContact(current)
    person.refresh_from_db(fields=["version"])
    # A guardian of siblings is one record: logged with the child it was changed through.
    guardian = isinstance(person, Guardian)
    audit.record_change(
        actor=actor, child_id=child.pk, obj="guardian" if guardian else "child",
        obj_id=person.pk, event="guardian_contact_changed" if guardian else "child_contact_changed",
        purpose=rules.default_purpose(actor),
        # Field names only: the log must not become a second copy of a protected address.
        detail={"fields": changed, "version": person.version},
    )  # fmt: skip
    return person


def record_address_need(
    *, actor: Actor, child_id: int, reason: str, valid_until: datetime.date
) -> ProtectedIdentityNeed:
    child = _editable_child(
        actor, child_id, action="record_address_need", allowed=selectors.may_record_address_need
    )
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


# Guardians ----------------------------------------------------------------------------------


def add_guardian(
    *,
    actor: Actor,
    child_id: int,
    identity_number: IdentityNumber,
    first_name: str,
    last_name: str,
    email: str = "",
    phone: str = "",
    street_address: str = "",
    postal_code: str = "",
    city: str = "",
    protected_identity: bool = False,
) -> tuple[Guardianship, bool]:
    """Make a person guardian of the child, at most two in force. A guardian already in Samsyn
    (the same identity number) is linked as recorded, never copied or overwritten: they are one
    person, and the actor may not even see their record. Returns the guardianship and whether
    an existing guardian was linked."""
    child = _editable_child(actor, child_id, action="add_guardian")
    values = {
        "first_name": first_name, "last_name": last_name, "email": email, "phone": phone,
        "street_address": street_address, "postal_code": postal_code, "city": city,
        "protected_identity": protected_identity,
    }  # fmt: skip
    return _add_guardian(actor=actor, child=child, identity_number=identity_number, values=values)


@transaction.atomic
def _add_guardian(
    *, actor: Actor, child: Child, identity_number: IdentityNumber, values: dict
) -> tuple[Guardianship, bool]:
    # The child's row locked: two additions at once cannot both find room for a guardian.
    child = Child.objects.select_for_update().get(pk=child.pk)
    digits = identity_number.digits
    if digits == child.identity_number:
        raise ValidationError(
            {"identity_number": _("A guardian cannot have the child's own identity number.")}
        )
    in_force = Guardianship.objects.current().filter(child=child)
    if in_force.filter(guardian__identity_number=digits).exists():
        raise ValidationError(
            {"identity_number": _("This person is already a guardian of the child.")}
        )
    if in_force.count() >= MAX_GUARDIANS:
        raise ValidationError(
            _("A child has at most two guardians. End a guardianship before adding another."),
            code="guardians",
        )
    guardian = Guardian.objects.filter(identity_number=digits).first()
    linked = guardian is not None
    if guardian is None:
        guardian = Guardian(identity_number=digits, **values)
        guardian.full_clean()
        guardian.save()
    guardianship = Guardianship(child=child, guardian=guardian)
    guardianship.full_clean()
    guardianship.save()
    audit.record_change(
        actor=actor, child_id=child.pk, obj="guardianship", obj_id=guardianship.pk,
        event="guardian_added", purpose=rules.default_purpose(actor),
        # Which contact details were given, never their values (as for the child's).
        detail={
            "guardian_id": guardian.pk, "linked_existing": linked,
            "fields": [] if linked else [n for n in GUARDIAN_CONTACT_FIELDS if values[n]],
        },
    )  # fmt: skip
    return guardianship, linked


def _guardian_in_force(child: Child, guardian_id: int) -> Guardian:
    guardian = selectors.guardians_of(child).filter(pk=guardian_id).first()
    if guardian is None:
        raise selectors.GuardianNotFound(guardian_id)
    return guardian


def update_guardian_contact(
    *,
    actor: Actor,
    child_id: int,
    guardian_id: int,
    version: int,
    email: str,
    phone: str,
    street_address: str,
    postal_code: str,
    city: str,
) -> Guardian:
    """Save a guardian's contact details if nobody saved since `version`; else StaleContact.
    Only where the actor sees them: nobody overwrites what they may not see."""
    child = _editable_child(actor, child_id, action="edit_guardian_contact")
    guardian = _guardian_in_force(child, guardian_id)
    purpose = rules.default_purpose(actor)
    address = rules.may_see_address(actor, child, purpose=purpose)
    if guardian.pk not in rules.guardian_contacts_shown(address, [guardian]):
        audit.record_denied(
            actor=actor, child_id=child.pk, obj="guardian", obj_id=guardian.pk, purpose=purpose,
            action="edit_guardian_contact",
        )  # fmt: skip
        raise rules.AccessDenied("edit_guardian_contact")
    values = {
        "email": email, "phone": phone, "street_address": street_address,
        "postal_code": postal_code, "city": city,
    }  # fmt: skip
    return _save_contact(actor=actor, child=child, person=guardian, version=version, values=values)


def end_guardianship(
    *, actor: Actor, child_id: int, guardian_id: int, ended_on: datetime.date, reason: str
) -> Guardianship:
    """End the guardian's guardianship of the child, as of `ended_on`. The row stays, with the
    date and the reason. If someone else ended it meanwhile, GuardianshipEnded."""
    child = _editable_child(actor, child_id, action="end_guardianship")
    return _end_guardianship(
        actor=actor, child=child, guardian_id=guardian_id, ended_on=ended_on, reason=reason
    )


@transaction.atomic
def _end_guardianship(
    *, actor: Actor, child: Child, guardian_id: int, ended_on: datetime.date, reason: str
) -> Guardianship:
    # The one in force, else the latest ended: that one says who ended it first, and when.
    guardianship = (
        Guardianship.objects.select_for_update()
        .filter(child=child, guardian_id=guardian_id)
        .order_by(F("ended_on").desc(nulls_first=True), "-pk")
        .first()
    )
    if guardianship is None:
        raise selectors.GuardianNotFound(guardian_id)
    if guardianship.ended_on is not None:
        raise GuardianshipEnded(guardianship)
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": _("The date cannot be in the future.")})
    if ended_on < child.birth_date:
        raise ValidationError({"ended_on": _("The date cannot be before the child was born.")})
    guardianship.ended_on, guardianship.end_reason = ended_on, reason.strip()
    guardianship.full_clean()
    guardianship.save(update_fields=["ended_on", "end_reason"])
    audit.record_change(
        actor=actor, child_id=child.pk, obj="guardianship", obj_id=guardianship.pk,
        event="guardianship_ended", purpose=rules.default_purpose(actor),
        detail={"guardian_id": guardian_id, "ended_on": ended_on.isoformat()},
    )  # fmt: skip
    return guardianship


class AlreadyOpen(Exception):
    """The actor may open the child already: no emergency access is needed."""

    def __init__(self, child_id: int):
        super().__init__(child_id)
        self.child_id = child_id


def start_emergency_access(
    *, actor: Actor, identity_number: IdentityNumber, reason: str
) -> EmergencyAccess:
    """Nödåtkomst (DOMAIN LOG-2): open a child the actor has no relationship with, for a stated
    reason, for `SAMSYN_EMERGENCY_ACCESS_HOURS`. Only a child the actor's organisation holds
    data on; a refusal says the same whether Samsyn knows the number or not, and is logged like
    any refused access (LOG-3). Raises AlreadyOpen when the child opens without it."""
    rules.require(actor, "access.emergency")
    purpose = rules.default_purpose(actor)
    child = Child.objects.filter(identity_number=identity_number.digits).first()
    if child is not None and rules.decide(actor, child, purpose=purpose).allowed:
        raise AlreadyOpen(child.pk)
    if child is None or not rules.organisation_holds_data_on(actor.organisation, child.pk):
        # Outside the transaction: the refusal's row outlives the error shown on the form.
        audit.record_denied(
            actor=actor, child_id=child.pk if child else None, obj="emergency_access",
            obj_id=child.pk if child else "", purpose=purpose, action="start_emergency_access",
        )  # fmt: skip
        raise ValidationError(
            {
                "identity_number": _(
                    "Your organisation holds no data on a child with this identity number. "
                    "Emergency access opens only a child your organisation already has data "
                    "on; for any other child, contact the organisation involved."
                )
            },
            code="no_data",
        )
    return _start_emergency_access(actor=actor, child=child, reason=reason, purpose=purpose)


@transaction.atomic
def _start_emergency_access(
    *, actor: Actor, child: Child, reason: str, purpose: str
) -> EmergencyAccess:
    now = timezone.now()
    access = EmergencyAccess(
        staff=actor.staff, unit=actor.unit, child=child, reason=reason, started_at=now,
        ends_at=now + datetime.timedelta(hours=settings.SAMSYN_EMERGENCY_ACCESS_HOURS),
    )  # fmt: skip
    access.full_clean()
    access.save()
    audit.record_change(
        actor=actor, child_id=child.pk, obj="emergency_access", obj_id=access.pk,
        event="emergency_access_started", purpose=purpose,
        decision=rules.Decision(True, "emergency", {"emergency_access_id": access.pk}),
        detail={"reason": reason, "ends_at": access.ends_at.isoformat()},
    )  # fmt: skip
    return access
