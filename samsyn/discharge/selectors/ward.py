"""The inpatient side's reads (DOMAIN UTS-1, UTS-4): the unit's admitted children, one admission
with its notices and history, and where its notices may go. Each read goes through `access` and
is audited; a list page is one audit row naming every child on it."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.access.models import Purpose
from samsyn.audit import services as audit
from samsyn.children.models import Child
from samsyn.concerns.models import Intake
from samsyn.directory.models import HEALTH_CARE_KINDS, Organisation, Unit
from samsyn.discharge.models import Admission, DischargeDateChange, DischargeSettings, Notice
from samsyn.discharge.selectors import AdmissionNotFound
from samsyn.discharge.selectors.deadlines import (
    Flag,
    all_settings,
    flags_of,
    notice_due,
    region_code,
    short_notice_filter,
)

PURPOSE = Purpose.PLANNING
PAGE_SIZE = 25


@dataclass
class Receiver:
    """A unit the admission notified, and how its notices stand."""

    unit: Unit
    first_sent_at: object = None
    acknowledged: bool = False
    kinds: list[str] = field(default_factory=list)


@dataclass
class AdmissionRow:
    admission: Admission
    notices: list[Notice]
    receivers: list[Receiver]
    flags: list[Flag]
    settings: DischargeSettings
    notice_due: object


def _row(admission: Admission, settings: DischargeSettings, now) -> AdmissionRow:
    notices = list(admission.notices.all())
    receivers: dict[int, Receiver] = {}
    for notice in notices:
        receiver = receivers.setdefault(
            notice.to_unit_id, Receiver(notice.to_unit, first_sent_at=notice.sent_at)
        )
        receiver.kinds.append(notice.kind)
        receiver.acknowledged = receiver.acknowledged or notice.acknowledged_at is not None
    return AdmissionRow(
        admission=admission, notices=notices, receivers=list(receivers.values()),
        flags=flags_of(admission, notices, settings, now), settings=settings,
        notice_due=notice_due(admission, settings),
    )  # fmt: skip


def _admissions() -> QuerySet[Admission]:
    return Admission.objects.select_related("child__municipality", "unit").prefetch_related(
        Prefetch("notices", queryset=Notice.objects.select_related("to_unit").order_by("sent_at")),
        # The short-notice flag counts from the last announcement, a changed date included.
        Prefetch("date_changes", queryset=DischargeDateChange.objects.order_by("changed_at")),
    )


def ward_admissions(actor: Actor) -> QuerySet[Admission]:
    """The admissions of the actor's own inpatient unit that the actor may see."""
    return rules.restrict(actor, Admission.objects.filter(unit_id=actor.unit.pk), purpose=PURPOSE)


@dataclass
class WardList:
    page: Page
    rows: list[AdmissionRow]
    short_notice_count: int
    late_notice_count: int


def ward_page_for(actor: Actor, *, page: object = 1, current: bool = True) -> WardList:
    """One page of the unit's admissions (in progress first by expected discharge), each with its
    notices and flags, and the unit's count of discharges with short notice. One audit row."""
    visible = ward_admissions(actor)
    settings = all_settings()
    admissions = _admissions().filter(pk__in=visible.values("pk"))
    if current:
        admissions = admissions.filter(discharged_at__isnull=True)
    admissions = admissions.order_by("expected_discharge_on", "pk")
    now = timezone.now()
    with transaction.atomic():
        result = Paginator(admissions, PAGE_SIZE).get_page(page)
        rows = [_row(a, settings[region_code(a)], now) for a in result]
        if rows:
            audit.record_read(
                actor=actor, child_id=None, obj="admission_list", obj_id=result.number,
                purpose=PURPOSE, decision=rules.Decision(True, "list"),
                detail={
                    "child_ids": [r.admission.child_id for r in rows],
                    "admission_ids": [r.admission.pk for r in rows],
                },
            )  # fmt: skip
    short = visible.filter(short_notice_filter(settings)).count()
    late = sum(1 for r in rows if any(f.code == "late_notice" for f in r.flags))
    return WardList(result, rows, short, late)


def admission_for(actor: Actor, *, admission_id: int) -> tuple[AdmissionRow, rules.Decision]:
    """One admission with its notices, flags and date history; audited. Call outside a
    transaction: a denial's audit row must outlive the 404."""
    admission = (
        _admissions().prefetch_related("date_changes__changed_by").filter(pk=admission_id).first()
    )
    decision = rules.decide(actor, admission, purpose=PURPOSE) if admission else rules.DENIED
    if not decision.allowed:
        audit.record_denied(
            actor=actor, child_id=admission.child_id if admission else None, obj="admission",
            obj_id=admission_id, purpose=PURPOSE,
        )  # fmt: skip
        raise AdmissionNotFound(admission_id)
    with transaction.atomic():
        audit.record_read(
            actor=actor, child_id=admission.child_id, obj="admission", obj_id=admission.pk,
            purpose=PURPOSE, decision=decision,
        )  # fmt: skip
    settings = all_settings()[region_code(admission)]
    return _row(admission, settings, timezone.now()), decision


def admission_for_change(actor: Actor, admission_id: int) -> tuple[Admission, rules.Decision]:
    """The admission locked for a change by its own inpatient unit; otherwise not found."""
    admission, decision = rules.open_for_change(
        actor, Admission.objects.select_related("child__municipality", "unit"),
        pk=admission_id, purpose=PURPOSE,
    )  # fmt: skip
    if admission.unit_id != actor.unit.pk:
        raise rules.AccessDenied("discharge.ward")
    return admission, decision


def is_inpatient_actor(actor: Actor) -> bool:
    """An inpatient unit is a unit of a health organisation; who admits is the unit acted for."""
    return actor.organisation.kind in HEALTH_CARE_KINDS


def notice_address(actor: Actor, child: Child) -> str:
    """The registered address as a notice shows it: never a protected identity's without the
    reader's unit's recorded need — then "protected"."""
    decision = rules.may_see_address(actor, child, purpose=PURPOSE)
    if child.protected_identity and not decision.allowed:
        return _("protected")
    if not decision.allowed:
        return ""
    return ", ".join(
        part for part in (child.street_address, f"{child.postal_code} {child.city}".strip()) if part
    )


def intake_unit(child: Child) -> Unit | None:
    intake = Intake.objects.select_related("unit").filter(municipality=child.municipality).first()
    return intake.unit if intake else None


def social_units(child: Child) -> QuerySet[Unit]:
    """The units of the child's municipality's social services."""
    return (
        Unit.objects.filter(
            organisation__kind=Organisation.Kind.SOCIAL_SERVICES,
            organisation__principal=child.municipality,
        )
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


def outpatient_units(child: Child, *, inpatient: Unit) -> QuerySet[Unit]:
    """The region's health care units serving the child (BUP outpatient units first)."""
    code = child.municipality.code[:2]
    return (
        Unit.objects.filter(
            organisation__kind__in=HEALTH_CARE_KINDS, organisation__principal__code=code
        )
        .exclude(pk=inpatient.pk)
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


def child_by_identity(actor: Actor, identity_number: str) -> Child | None:
    """The child with this identity number among those the actor's unit may see; None for an
    unknown number and a child not visible alike."""
    from samsyn.children.identity import parse_identity_number
    from samsyn.children.selectors import children_visible_to

    try:
        digits = parse_identity_number(identity_number).digits
    except Exception:  # noqa: BLE001 - any malformed number finds nobody
        return None
    return (
        children_visible_to(actor, purpose=rules.default_purpose(actor))
        .filter(identity_number=digits)
        .first()
    )
