"""Reads for the units an inpatient unit notifies (the municipality's social services, the
region's outpatient unit): their incoming notices, the expected discharges by date, one
admission with its date history, flags, planning tasks and the SIP deadline (UTS-2…UTS-6).

Every read goes through `access` (restrict on Admission: the notice's ground opens it) and is
audited. A child's address is never shown here: the notice names the child, and the address is
on the child's own page under the protected-identity rules.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Case as Choose
from django.db.models import IntegerField, Min, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.access.models import Purpose
from samsyn.audit import services as audit
from samsyn.common import dates
from samsyn.directory.models import HEALTH_CARE_KINDS, Membership, Organisation, Role, Staff
from samsyn.discharge.models import (
    Admission,
    DischargeDateChange,
    DischargeSettings,
    Notice,
    PlanningTask,
)
from samsyn.discharge.selectors import AdmissionNotFound, deadlines
from samsyn.plans.models import Case, Meeting
from samsyn.plans.selectors.cases import cases_visible_to

PERMISSION = "discharge.receive"
PURPOSE = Purpose.PLANNING
PAGE_SIZE = 25
SIP_REFERENCE = "Lag (2017:612) 4 kap. 1, 3 §§"
NOTICE_REFERENCE = "Lag (2017:612) 3 kap."
LPT_REFERENCE = "LPT 7 a §"

# UTS-3: the steps a receiving unit starts with when it acknowledges a notice, ticked off as done.
DEFAULT_TASKS = {
    "social": [
        _("Contact the guardians"),
        _("Book a SIP meeting"),
        _("Prepare efforts after discharge"),
    ],
    "health": [
        _("Appoint a fixed care contact"),
        _("Contact the guardians"),
        _("Book a SIP meeting"),
    ],
}


def may_receive(actor: Actor) -> bool:
    return rules.can(actor, "discharge.receive")


def is_outpatient_unit(actor: Actor) -> bool:
    return actor.organisation.kind in HEALTH_CARE_KINDS


def may_appoint(actor: Actor) -> bool:
    """UTS-2: the head of the outpatient unit, or a clinician of it, appoints the contact."""
    return is_outpatient_unit(actor) and actor.role in {Role.UNIT_MANAGER, Role.CLINICIAN}


def speaks_for_outpatient_care(actor: Actor, admission: Admission) -> bool:
    """The fixed care contact, or the head or a clinician of the outpatient unit that has the
    admission: who writes the family's summary (UTS-6) and calls the SIP meeting (UTS-5)."""
    return actor.staff.pk == admission.fixed_care_contact_id or (
        admission.outpatient_unit_id == actor.unit.pk and may_appoint(actor)
    )


def default_tasks(actor: Actor) -> list[str]:
    kind = "health" if is_outpatient_unit(actor) else "social"
    return [str(text) for text in DEFAULT_TASKS[kind]]


def settings_for_regions(region_ids: set[int]) -> dict[int, DischargeSettings]:
    """Each region's agreement, the defaults where it has none: one query, nothing stored."""
    found = {s.region_id: s for s in DischargeSettings.objects.filter(region_id__in=region_ids)}
    return {region_id: found.get(region_id) or DischargeSettings() for region_id in region_ids}


@dataclass
class Flags:
    """What the receiving unit must notice about an admission, each with its rule."""

    late_notice: bool = False
    short_notice: bool = False
    notice_hours: int = 24
    minimum_notice_hours: int = 72
    reference: str = ""
    # UTS-5: no SIP meeting called by the due day, where both region and municipality act.
    sip_call_overdue: bool = False
    sip_call_days: int = 3
    sip_reference: str = SIP_REFERENCE


def flags_of(admission: Admission, settings: DischargeSettings) -> Flags:
    """UTS-1: the admission notice later than notice_hours after the later of admission and the
    judgement; UTS-4: a discharge announced with less than minimum_notice_hours' notice. Reads
    only prefetched notices and date changes."""
    flags = Flags(
        notice_hours=settings.notice_hours,
        minimum_notice_hours=settings.minimum_notice_hours,
        reference=settings.agreement_reference,
        sip_call_days=settings.sip_call_days,
    )
    start = max(admission.admitted_at, admission.needs_judged_at)
    first = min(
        (n.sent_at for n in admission.notices.all() if n.kind == Notice.Kind.ADMISSION),
        default=None,
    )
    limit = start + datetime.timedelta(hours=settings.notice_hours)
    flags.late_notice = (first or timezone.now()) > limit
    flags.short_notice = deadlines.is_short_notice(admission, settings)
    return flags


def _admissions(actor: Actor) -> QuerySet[Admission]:
    return rules.restrict(actor, Admission.objects.all(), purpose=PURPOSE)


def _with_history(admissions: QuerySet[Admission]) -> QuerySet[Admission]:
    related = admissions.select_related("child", "unit", "organisation", "fixed_care_contact")
    return related.prefetch_related(
        Prefetch(
            "notices",
            queryset=Notice.objects.select_related("to_unit__organisation").order_by("sent_at"),
        ),
        Prefetch("date_changes", queryset=DischargeDateChange.objects.order_by("changed_at")),
    )


@dataclass
class Row:
    admission: Admission
    flags: Flags


@dataclass
class Received:
    notices: Page
    discharges: Page
    rows: list[Row] = field(default_factory=list)  # the discharges page's admissions, flagged


def received_for(actor: Actor, *, page: object = 1, discharges_page: object = 1) -> Received:
    """The unit's notices, unacknowledged first, and the unit's expected discharges by date
    (children not yet discharged), each admission with its date history and flags. Listing is
    reading: one audit row names every admission shown. A constant number of queries."""
    if not may_receive(actor):
        no_notices = Paginator(Notice.objects.none(), PAGE_SIZE).get_page(1)
        return Received(no_notices, Paginator(Admission.objects.none(), PAGE_SIZE).get_page(1))
    visible = _admissions(actor)
    notices = (
        Notice.objects.filter(to_unit_id=actor.unit.pk, admission__in=visible.values("pk"))
        .select_related("admission__child", "admission__unit")
        .annotate(
            unacknowledged=Choose(
                When(acknowledged_at__isnull=True, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("unacknowledged", "-sent_at", "-pk")
    )
    expected = _with_history(
        visible.filter(
            Q(notices__to_unit_id=actor.unit.pk) | Q(outpatient_unit_id=actor.unit.pk),
            discharged_at__isnull=True,
        ).distinct()
    ).order_by("expected_discharge_on", "pk")
    with transaction.atomic():
        notice_page = Paginator(notices, PAGE_SIZE).get_page(page)
        discharge_page = Paginator(expected, PAGE_SIZE).get_page(discharges_page)
        admissions = {a.pk: a for a in discharge_page}
        settings = settings_for_regions({a.organisation.principal_id for a in admissions.values()})
        rows = [
            Row(a, flags_of(a, settings[a.organisation.principal_id])) for a in admissions.values()
        ]
        called = _called(actor, list(admissions.values()))
        for row in rows:
            due = sip_call_due(row.admission, settings[row.admission.organisation.principal_id])
            row.flags.sip_call_overdue = bool(
                _sip_required(row.admission)
                and not row.admission.compulsory_outpatient_care
                and due
                and timezone.localdate() > due
                and row.admission.pk not in called
            )
        shown = [n.admission for n in notice_page] + list(admissions.values())
        if shown:
            audit.record_read(
                actor=actor, child_id=None, obj="discharge_notice_list", obj_id=notice_page.number,
                purpose=PURPOSE, decision=rules.Decision(True, "list"),
                detail={
                    "admission_ids": sorted({a.pk for a in shown}),
                    "child_ids": sorted({a.child_id for a in shown}),
                },
            )  # fmt: skip
    return Received(notice_page, discharge_page, rows)


@dataclass
class SipStep:
    """UTS-5: the call to a SIP meeting, due within sip_call_days of the ready notice."""

    required: bool  # both region and municipality were notified
    lpt: bool  # compulsory outpatient care: the LPT 7 a § care plan replaces the SIP
    period: int
    working_days: bool
    due: datetime.date | None
    sip: Case | None
    called_at: datetime.datetime | None  # the first invitation sent for the open SIP's meeting
    meeting_at: datetime.datetime | None  # the next meeting booked
    overdue: bool
    may_call: bool = False  # the actor opens or joins the child's SIP to call the meeting
    reference: str = SIP_REFERENCE


def ready_moment(admission: Admission) -> datetime.datetime | None:
    ready = [n.sent_at for n in admission.notices.all() if n.kind == Notice.Kind.READY]
    if ready:
        return min(ready)
    return admission.ready_at


def sip_call_due(admission: Admission, settings: DischargeSettings) -> datetime.date | None:
    ready = ready_moment(admission)
    if ready is None:
        return None
    return dates.due_date(
        dates.local_date(ready), settings.sip_call_days, working_days=settings.sip_call_working_days
    )


def open_sip_of(actor: Actor, child_id: int) -> Case | None:
    """The child's one open SIP, if the actor sees it (the discharge opens or joins it)."""
    return (
        cases_visible_to(actor, purpose=PURPOSE)
        .filter(child_id=child_id)
        .exclude(status=Case.Status.CLOSED)
        .first()
    )


def _sip_required(admission: Admission) -> bool:
    """Both the municipality and the region were notified: both must act (4 kap. 1 §)."""
    kinds = {n.to_unit.organisation.kind for n in admission.notices.all()}
    return Organisation.Kind.SOCIAL_SERVICES in kinds and bool(kinds & HEALTH_CARE_KINDS)


def _called(actor: Actor, admissions: list[Admission]) -> set[int]:
    """The admissions whose child's open SIP, as the actor sees it, has a meeting booked after
    the admission: `sip_step`'s "called", for a page of admissions in one query."""
    if not admissions:
        return set()
    sips = (
        cases_visible_to(actor, purpose=PURPOSE)
        .filter(child_id__in={a.child_id for a in admissions})
        .exclude(status=Case.Status.CLOSED)
    )
    meetings = Meeting.objects.filter(case__in=sips, cancelled_at__isnull=True).values_list(
        "case__child_id", "starts_at"
    )
    by_child: dict[int, list[datetime.datetime]] = {}
    for child_id, starts_at in meetings:
        by_child.setdefault(child_id, []).append(starts_at)
    return {
        a.pk for a in admissions if any(at >= a.admitted_at for at in by_child.get(a.child_id, []))
    }


def sip_step(actor: Actor, admission: Admission, settings: DischargeSettings) -> SipStep:
    required = _sip_required(admission)
    sip = open_sip_of(actor, admission.child_id)
    called_at = meeting_at = None
    if sip is not None:
        # A meeting for this discharge takes place after the admission: one the SIP held
        # before it is no call.
        booked = Meeting.objects.filter(
            case=sip, cancelled_at__isnull=True, starts_at__gte=admission.admitted_at
        )
        called_at = booked.aggregate(first=Min("invitations__sent_at"))["first"]
        upcoming = booked.filter(starts_at__gte=timezone.now()).order_by("starts_at").first()
        meeting_at = upcoming.starts_at if upcoming else None
        if called_at is None and booked.exists():
            called_at = booked.order_by("starts_at").values_list("starts_at", flat=True).first()
    due = sip_call_due(admission, settings)
    overdue = bool(
        required
        and not admission.compulsory_outpatient_care
        and due
        and called_at is None
        and timezone.localdate() > due
    )
    return SipStep(
        required=required, lpt=admission.compulsory_outpatient_care, period=settings.sip_call_days,
        working_days=settings.sip_call_working_days, due=due, sip=sip, called_at=called_at,
        meeting_at=meeting_at, overdue=overdue,
        may_call=not admission.compulsory_outpatient_care
        and speaks_for_outpatient_care(actor, admission),
    )  # fmt: skip


@dataclass
class AdmissionView:
    admission: Admission
    decision: rules.Decision
    settings: DischargeSettings
    flags: Flags
    notices: list[Notice]  # those to the actor's unit
    tasks: list[PlanningTask]
    sip: SipStep
    earlier_contact: Staff | None  # the child's fixed care contact from an earlier admission
    unit_staff: list[Staff]


def _load(actor: Actor, admission_id: int, obj: str) -> tuple[Admission, rules.Decision]:
    admission = (
        _with_history(Admission.objects.filter(pk=admission_id))
        .select_related("organisation__principal", "outpatient_unit")
        .first()
    )
    decision = rules.DENIED
    if admission is not None and may_receive(actor):
        decision = rules.decide(actor, admission, purpose=PURPOSE)
    if not decision.allowed:
        audit.record_denied(
            actor=actor, child_id=admission.child_id if admission else None, obj=obj,
            obj_id=admission_id, purpose=PURPOSE,
        )  # fmt: skip
        raise AdmissionNotFound(admission_id)
    return admission, decision


def _settings_of(admission: Admission) -> DischargeSettings:
    return settings_for_regions({admission.organisation.principal_id})[
        admission.organisation.principal_id
    ]


def admission_for(actor: Actor, *, admission_id: int) -> AdmissionView:
    """One admission as a receiving unit sees it, audited; AdmissionNotFound (audited as denied)
    for one the unit was never notified of. Call outside a transaction."""
    admission, decision = _load(actor, admission_id, "admission")
    settings = _settings_of(admission)
    earlier = (
        _admissions(actor)
        .filter(child_id=admission.child_id, fixed_care_contact__isnull=False)
        .exclude(pk=admission.pk)
        .select_related("fixed_care_contact")
        .order_by("-admitted_at")
        .first()
    )
    staff = []
    if may_appoint(actor):
        staff = list(
            Staff.objects.filter(memberships__unit_id=actor.unit.pk, memberships__active=True)
            .distinct()
            .order_by("name")
        )
    with transaction.atomic():
        audit.record_read(
            actor=actor, child_id=admission.child_id, obj="admission", obj_id=admission.pk,
            purpose=PURPOSE, decision=decision,
        )  # fmt: skip
    sip = sip_step(actor, admission, settings)
    flags = flags_of(admission, settings)
    flags.sip_call_overdue = sip.overdue
    return AdmissionView(
        admission=admission, decision=decision, settings=settings, flags=flags,
        notices=[n for n in admission.notices.all() if n.to_unit_id == actor.unit.pk],
        tasks=list(
            PlanningTask.objects.filter(admission=admission, unit_id=actor.unit.pk)
            .select_related("done_by").order_by("pk")
        ),
        sip=sip,
        earlier_contact=earlier.fixed_care_contact if earlier else None,
        unit_staff=staff,
    )  # fmt: skip


@dataclass
class Summary:
    admission: Admission
    contact: Staff | None
    contact_unit: str
    sip: SipStep


def summary_for(actor: Actor, *, admission_id: int) -> Summary:
    """UTS-6: the summary the fixed care contact hands to the family; audited as its own
    object."""
    admission, decision = _load(actor, admission_id, "discharge_summary")
    settings = _settings_of(admission)
    with transaction.atomic():
        audit.record_read(
            actor=actor, child_id=admission.child_id, obj="discharge_summary",
            obj_id=admission.pk, purpose=PURPOSE, decision=decision,
        )  # fmt: skip
    return Summary(
        admission=admission,
        contact=admission.fixed_care_contact,
        contact_unit=str(admission.outpatient_unit or ""),
        sip=sip_step(actor, admission, settings),
    )


def is_unit_member(unit_id: int, staff_id: int) -> bool:
    return Membership.objects.filter(unit_id=unit_id, staff_id=staff_id, active=True).exists()
