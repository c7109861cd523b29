"""The inpatient side's changes (DOMAIN UTS-1, UTS-4): the admission registered, its notices
sent to the municipality's social services and the region's outpatient unit under a recorded
ground, the changed expected discharge date, ready for discharge, the information for continued
care and the discharge. Each change is audited in its transaction; each change of an admission
carries the version the user saw (optimistic locking)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.access.models import Category, LegalBasis, LegalGround, Purpose
from samsyn.audit import services as audit
from samsyn.children.models import Child
from samsyn.common.dates import end_of
from samsyn.consent.models import Consent
from samsyn.discharge.models import Admission, DischargeDateChange, Notice
from samsyn.discharge.selectors.ward import (
    admission_for_change,
    intake_unit,
    is_inpatient_actor,
    outpatient_units,
    social_units,
)

PURPOSE = Purpose.PLANNING
PERMISSION = "discharge.ward"
# SEK-1: from public health care to social services or other health care, about a child under 18.
BASIS_CODE = "osl-25-12"
CATEGORIES = [Category.BASIC, Category.HEALTH]
# The notice shows the registered address (never a protected identity's without a need): the
# ground recorded for it covers the contact details too, as OSL 25 kap. 12 § allows.
GROUND_CATEGORIES = [Category.BASIC, Category.CONTACT, Category.HEALTH]
# The ground recorded for a notice holds this long after the expected discharge.
GROUND_DAYS_AFTER_DISCHARGE = 30


def _audit(actor: Actor, admission: Admission, decision, event: str, **detail) -> None:
    audit.record_change(
        actor=actor, child_id=admission.child_id, obj="admission", obj_id=admission.pk,
        event=event, purpose=PURPOSE, decision=decision, detail=detail,
    )  # fmt: skip


def _open(actor: Actor, admission_id: int, version: int) -> tuple[Admission, rules.Decision]:
    rules.require(actor, PERMISSION)
    admission, decision = admission_for_change(actor, admission_id)
    if admission.version != version:
        raise ValidationError(
            _("Someone else changed the admission meanwhile. Reload the page and try again.")
        )
    if admission.discharged_at is not None:
        raise ValidationError(_("The child is already discharged."))
    return admission, decision


def _save(admission: Admission, *fields: str) -> None:
    admission.version += 1
    admission.save(update_fields=[*fields, "version"])


@transaction.atomic
def register_admission(
    *,
    actor: Actor,
    child_id: int,
    admitted_at: datetime.datetime,
    expected_discharge_on: datetime.date,
    needs_judged_at: datetime.datetime | None = None,
) -> Admission:
    """UTS-1: a child admitted to the actor's inpatient unit. The judgement that support is
    needed after discharge is taken at admission unless recorded later."""
    rules.require(actor, PERMISSION)
    if not is_inpatient_actor(actor):
        raise rules.AccessDenied(PERMISSION)
    child = Child.objects.select_related("municipality").filter(pk=child_id).first()
    decision = (
        rules.decide(actor, child, purpose=rules.default_purpose(actor), category=Category.BASIC)
        if child
        else rules.DENIED
    )
    if not decision.allowed:
        raise rules.AccessDenied(PERMISSION)
    judged = needs_judged_at or admitted_at
    now = timezone.now()
    errors = {}
    if admitted_at > now:
        errors["admitted_at"] = _("The admission cannot be in the future.")
    if judged < admitted_at:
        errors["needs_judged_at"] = _("The judgement cannot be before the admission.")
    elif judged > now:
        errors["needs_judged_at"] = _("The judgement cannot be in the future.")
    if expected_discharge_on < timezone.localdate(admitted_at):
        errors["expected_discharge_on"] = _("The expected discharge cannot be before admission.")
    if errors:
        raise ValidationError(errors)
    admission = Admission(
        child=child, organisation=actor.organisation, unit_id=actor.unit.pk,
        admitted_at=admitted_at, needs_judged_at=judged,
        expected_discharge_on=expected_discharge_on, created_by=actor.staff,
    )  # fmt: skip
    try:
        with transaction.atomic():
            admission.save()
    except IntegrityError:
        raise ValidationError(
            _("The child is already admitted to this unit and not yet discharged.")
        ) from None
    _audit(
        actor, admission, decision, "admission_registered",
        expected_discharge_on=expected_discharge_on.isoformat(),
    )  # fmt: skip
    return admission


def _ground_for(actor: Actor, admission: Admission, receiver) -> dict:
    """A consent that holds by access's rule (every guardian's where the region's agreement
    says so, or the mature child's own) for the receiving organisation, else a legal ground
    recorded now under OSL 25 kap. 12 § (SEK-1) for the planning of the discharge."""
    covered = rules.consents_covering(admission.child_id, receiver, purpose=PURPOSE)
    if all(category in covered for category in CATEGORIES):
        return {"consent": Consent.objects.get(pk=covered[CATEGORIES[0]][0])}
    basis = LegalBasis.objects.get(code=BASIS_CODE)
    ground = LegalGround.objects.create(
        child=admission.child, basis=basis, receiving_organisation=receiver,
        categories=list(GROUND_CATEGORIES), purposes=[PURPOSE],
        reason=_("Discharge planning after inpatient care (Lag 2017:612)."),
        valid_until=end_of(
            admission.expected_discharge_on
            + datetime.timedelta(days=GROUND_DAYS_AFTER_DISCHARGE)
        ),
        recorded_by=actor.staff,
    )  # fmt: skip
    return {"legal_ground": ground}


def _send(actor, admission, decision, kind: str, unit, ground: dict, now) -> Notice:
    notice = Notice.objects.create(
        admission=admission, kind=kind, to_unit=unit, sent_at=now, sent_by=actor.staff, **ground
    )
    _audit(
        actor, admission, decision, "notice_sent", notice_id=notice.pk, kind=kind,
        to_unit_id=unit.pk,
        legal_ground_id=notice.legal_ground_id, consent_id=notice.consent_id,
    )  # fmt: skip
    return notice


@transaction.atomic
def send_admission_notices(
    *,
    actor: Actor,
    admission_id: int,
    version: int,
    social_unit_id: int,
    outpatient_unit_id: int,
) -> list[Notice]:
    """UTS-1: the admission notice to the child's municipality's social services (its intake
    unit where it has one) and to the region's outpatient unit, each under its ground."""
    admission, decision = _open(actor, admission_id, version)
    if admission.notices.filter(kind=Notice.Kind.ADMISSION).exists():
        raise ValidationError(_("The admission notice is already sent."))
    child = admission.child
    intake = intake_unit(child)
    social = social_units(child).filter(pk=social_unit_id).first()
    if intake is not None and social_unit_id != intake.pk:
        social = None
    outpatient = (
        outpatient_units(child, inpatient=admission.unit).filter(pk=outpatient_unit_id).first()
    )
    errors = {}
    if social is None:
        errors["social_unit"] = _("Choose a unit of the child's municipality's social services.")
    if outpatient is None:
        errors["outpatient_unit"] = _("Choose an outpatient unit of the child's region.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    notices = []
    for unit in (social, outpatient):
        ground = _ground_for(actor, admission, unit.organisation)
        if "legal_ground" in ground:
            _audit(
                actor, admission, decision, "legal_ground_recorded",
                legal_ground_id=ground["legal_ground"].pk,
                reference=ground["legal_ground"].basis.reference,
                receiving_organisation_id=unit.organisation_id,
            )  # fmt: skip
        notices.append(_send(actor, admission, decision, Notice.Kind.ADMISSION, unit, ground, now))
    admission.outpatient_unit = outpatient
    _save(admission, "outpatient_unit")
    return notices


def _notify_all(actor, admission, decision, kind: str, now) -> list[Notice]:
    """The same notice to every unit notified so far, at once, each under the ground of its
    latest notice."""
    latest: dict[int, Notice] = {}
    for notice in admission.notices.select_related("to_unit").order_by("sent_at", "pk"):
        latest[notice.to_unit_id] = notice
    if not latest:
        raise ValidationError(_("Send the admission notice first."))
    return [
        _send(
            actor,
            admission,
            decision,
            kind,
            notice.to_unit,
            {"legal_ground": notice.legal_ground, "consent": notice.consent},
            now,
        )  # fmt: skip
        for notice in latest.values()
    ]


@transaction.atomic
def change_expected_discharge(
    *, actor: Actor, admission_id: int, version: int, to_date: datetime.date, reason: str
) -> DischargeDateChange:
    """UTS-4: a changed expected discharge date, with its reason, told every notified unit at
    once."""
    admission, decision = _open(actor, admission_id, version)
    errors = {}
    if not reason.strip():
        errors["reason"] = _("Say why the date changes.")
    if to_date == admission.expected_discharge_on:
        errors["to_date"] = _("This is already the expected discharge date.")
    elif to_date < timezone.localdate(admission.admitted_at):
        errors["to_date"] = _("The expected discharge cannot be before admission.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    change = DischargeDateChange.objects.create(
        admission=admission, from_date=admission.expected_discharge_on, to_date=to_date,
        reason=reason.strip(), changed_by=actor.staff, changed_at=now,
    )  # fmt: skip
    admission.expected_discharge_on = to_date
    _save(admission, "expected_discharge_on")
    _audit(
        actor, admission, decision, "discharge_date_changed", change_id=change.pk,
        from_date=change.from_date.isoformat(), to_date=to_date.isoformat(),
    )  # fmt: skip
    _notify_all(actor, admission, decision, Notice.Kind.DATE_CHANGED, now)
    return change


@transaction.atomic
def mark_ready(*, actor: Actor, admission_id: int, version: int) -> Admission:
    """UTS-4: the child is ready for discharge (utskrivningsklar); every notified unit told."""
    admission, decision = _open(actor, admission_id, version)
    if admission.ready_at is not None:
        raise ValidationError(_("The child is already recorded as ready for discharge."))
    now = timezone.now()
    admission.ready_at = now
    _save(admission, "ready_at")
    _audit(actor, admission, decision, "ready_for_discharge")
    _notify_all(actor, admission, decision, Notice.Kind.READY, now)
    return admission


@transaction.atomic
def record_care_information(*, actor: Actor, admission_id: int, version: int) -> Admission:
    """The information needed for continued care, recorded as sent to every notified unit —
    no later than the day of discharge."""
    admission, decision = _open(actor, admission_id, version)
    if admission.care_information_sent_at is not None:
        raise ValidationError(_("The information for continued care is already sent."))
    now = timezone.now()
    admission.care_information_sent_at = now
    _save(admission, "care_information_sent_at")
    _audit(actor, admission, decision, "care_information_sent")
    _notify_all(actor, admission, decision, Notice.Kind.CARE_INFORMATION, now)
    return admission


@transaction.atomic
def record_discharge(
    *, actor: Actor, admission_id: int, version: int, at: datetime.datetime | None = None
) -> Admission:
    """The child is discharged. With less notice than the region's minimum it is flagged
    (UTS-4): the flag is read from the admission, not stored."""
    admission, decision = _open(actor, admission_id, version)
    at = at or timezone.now()
    if at > timezone.now():
        raise ValidationError({"discharged_at": _("The discharge cannot be in the future.")})
    if at < admission.admitted_at:
        raise ValidationError({"discharged_at": _("The discharge cannot be before admission.")})
    admission.discharged_at = at
    _save(admission, "discharged_at")
    _audit(actor, admission, decision, "discharged", discharged_at=at.isoformat())
    return admission
