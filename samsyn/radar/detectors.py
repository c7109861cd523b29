"""The query behind each rule (DOMAIN RAD-1…RAD-8): what the pattern is, in the data, and who
must act on it. Each detector reads the owning app's own deadline filters where it has them, so
"late" means one thing everywhere, and starts from the open items the pattern can be among — its
cost follows those, not the county.

A detector yields `Finding`s. It runs in the scan, on the task worker, for no actor: it reads
to decide whom to tell, and what it found reaches a person only through their queue, filtered
by `access` there.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone

from samsyn.common.dates import local_date, start_of
from samsyn.concerns.models import Investigation, Report
from samsyn.concerns.selectors import deadlines as report_deadlines
from samsyn.directory.models import Membership, Organisation
from samsyn.discharge.models import Admission, Notice
from samsyn.discharge.selectors.deadlines import all_settings, region_code, short_notice_filter
from samsyn.discharge.selectors.receiving import sip_call_due
from samsyn.plans.models import Case, Handover, Meeting, Party, PlanItem, PlanVersion
from samsyn.plans.selectors.deadlines import annotate_deadlines
from samsyn.radar.models import Rule, Signal
from samsyn.referrals.models import Referral

Subject = Signal.Subject


@dataclass(frozen=True)
class Finding:
    subject_type: str
    subject_id: int
    child_id: int | None
    organisation_id: int
    unit_id: int | None
    staff_id: int | None
    due_on: datetime.date


Detector = Callable[[Rule, datetime.date], Iterator[Finding]]


def _open_cases():
    return Case.objects.exclude(status=Case.Status.CLOSED)


def _holder_unit(case_ref: str, organisation_ref: str) -> Subquery:
    """The unit of the organisation that holds a SIP: the one that accepted its party."""
    return Subquery(
        Party.objects.filter(
            case=OuterRef(case_ref), organisation=OuterRef(organisation_ref), unit__isnull=False
        ).values("unit")[:1]
    )


def _sip_findings(queryset, due: Callable[[Case], datetime.date]) -> Iterator[Finding]:
    """The SIP's coordinator and their organisation act; before there is one, the organisation
    that initiated it. `due` gives the day from the row (the SIP's fields and `follow_up_on`)."""
    rows = queryset.annotate(
        holder=F("coordinator_organisation_id"),
        initiator=F("initiating_organisation_id"),
        holder_unit=_holder_unit("pk", "coordinator_organisation_id"),
        initiator_unit=_holder_unit("pk", "initiating_organisation_id"),
    )
    for case in rows:
        held = case.holder is not None
        yield Finding(
            Subject.SIP, case.pk, case.child_id,
            case.holder if held else case.initiator,
            case.holder_unit if held else case.initiator_unit,
            case.coordinator_id, due(case),
        )  # fmt: skip


# ------------------------------------------------------------------------------ the rules


def unowned(rule: Rule, today: datetime.date) -> Iterator[Finding]:
    """RAD-1: in the SIP's plan in force, an effort nobody is responsible for, or a need that no
    effort or measure serves, for more than the threshold since the plan was finalised."""
    cutoff = start_of(today - datetime.timedelta(days=rule.threshold_days))
    in_force = PlanVersion.objects.filter(
        case=OuterRef("version__case"), status=PlanVersion.Status.FINAL
    ).order_by("-number")
    served = PlanItem.objects.filter(
        version=OuterRef("version"),
        need_key=OuterRef("key"),
        kind__in=[PlanItem.Kind.EFFORT, PlanItem.Kind.MEASURE_BY_OTHERS],
    )
    items = (
        PlanItem.objects.filter(
            version__status=PlanVersion.Status.FINAL,
            version__finalised_at__lt=cutoff,
            version__case__in=_open_cases(),
            version=Subquery(in_force.values("pk")[:1]),
        )
        .filter(
            Q(kind=PlanItem.Kind.EFFORT, responsible_organisation__isnull=True,
              responsible_other="")
            | (Q(kind=PlanItem.Kind.NEED) & ~Exists(served))
        )  # fmt: skip
        .annotate(
            holder=F("version__case__coordinator_organisation_id"),
            initiator=F("version__case__initiating_organisation_id"),
            holder_unit=_holder_unit("version__case", "version__case__coordinator_organisation"),
            initiator_unit=_holder_unit(
                "version__case", "version__case__initiating_organisation"
            ),
        )
        .values("pk", "version__case__child_id", "version__case__coordinator_id",
                "version__finalised_at", "holder", "initiator", "holder_unit", "initiator_unit")
    )  # fmt: skip
    for row in items:
        held = row["holder"] is not None
        yield Finding(
            Subject.PLAN_ITEM, row["pk"], row["version__case__child_id"],
            row["holder"] if held else row["initiator"],
            row["holder_unit"] if held else row["initiator_unit"],
            row["version__case__coordinator_id"],
            local_date(row["version__finalised_at"])
            + datetime.timedelta(days=rule.threshold_days),
        )  # fmt: skip


def waiting(rule: Rule, today: datetime.date) -> Iterator[Finding]:
    """RAD-2: in the SIP's plan in force, an effort agreed more than the threshold ago and not
    yet started (the seed's 1.5 years). The organisation responsible for it acts, on the unit
    that took part in the SIP for it; the coordinator, who follows the plan, is told as well."""
    in_force = PlanVersion.objects.filter(
        case=OuterRef("version__case"), status=PlanVersion.Status.FINAL
    ).order_by("-number")
    efforts = (
        PlanItem.objects.filter(
            kind=PlanItem.Kind.EFFORT, started_on__isnull=True,
            agreed_on__lt=today - datetime.timedelta(days=rule.threshold_days),
            version__status=PlanVersion.Status.FINAL, version__case__in=_open_cases(),
            version=Subquery(in_force.values("pk")[:1]),
        )
        .annotate(
            holder=F("version__case__coordinator_organisation_id"),
            holder_unit=_holder_unit("version__case", "version__case__coordinator_organisation"),
            responsible_unit=_holder_unit("version__case", "responsible_organisation"),
        )
        .values("pk", "version__case__child_id", "version__case__coordinator_id", "agreed_on",
                "responsible_organisation_id", "responsible_unit", "holder", "holder_unit")
    )  # fmt: skip
    for row in efforts:
        due = row["agreed_on"] + datetime.timedelta(days=rule.threshold_days)
        child = row["version__case__child_id"]
        if row["responsible_organisation_id"] is not None:
            yield Finding(
                Subject.PLAN_ITEM, row["pk"], child, row["responsible_organisation_id"],
                row["responsible_unit"], None, due,
            )  # fmt: skip
        if row["holder"] is not None and row["holder"] != row["responsible_organisation_id"]:
            yield Finding(
                Subject.PLAN_ITEM, row["pk"], child, row["holder"], row["holder_unit"],
                row["version__case__coordinator_id"], due,
            )  # fmt: skip


def relay(rule: Rule, today: datetime.date) -> Iterator[Finding]:
    """RAD-3: the coordinator role offered on and neither accepted nor declined within the
    threshold: the case has no accepting holder. The one who offered it acts."""
    cutoff = start_of(today - datetime.timedelta(days=rule.threshold_days))
    offers = Handover.objects.filter(
        accepted_at__isnull=True, declined_at__isnull=True, offered_at__lt=cutoff,
        case__in=_open_cases(),
    ).annotate(
        organisation=F("case__coordinator_organisation_id"),
        initiator=F("case__initiating_organisation_id"),
        unit=_holder_unit("case", "case__coordinator_organisation"),
    ).values("pk", "case__child_id", "organisation", "initiator", "unit", "from_staff_id",
             "offered_at")  # fmt: skip
    for row in offers:
        yield Finding(
            Subject.HANDOVER, row["pk"], row["case__child_id"],
            row["organisation"] or row["initiator"], row["unit"], row["from_staff_id"],
            local_date(row["offered_at"]) + datetime.timedelta(days=rule.threshold_days),
        )  # fmt: skip


def no_coordinator(rule: Rule, today: datetime.date) -> Iterator[Finding]:
    """RAD-4: a SIP past its proposal whose coordinator role is empty, or held by a person no
    longer active in the coordinating organisation (left, or the unit changed)."""
    still_there = Membership.objects.filter(
        staff=OuterRef("coordinator"),
        unit__organisation=OuterRef("coordinator_organisation"),
        active=True,
    )
    cases = _open_cases().exclude(status=Case.Status.PROPOSED)
    cases = cases.filter(Q(coordinator__isnull=True) | ~Exists(still_there))
    yield from _sip_findings(cases, lambda case: today)


def discharge(rule: Rule, today: datetime.date) -> Iterator[Finding]:
    """RAD-5: a discharge with less notice than the region's agreement (to the inpatient unit),
    and a child ready for discharge with no SIP meeting called within the agreed days (to the
    outpatient unit and the fixed care contact), where both region and municipality act."""
    settings = all_settings()
    recent = timezone.now() - datetime.timedelta(days=rule.escalate_after_days * 4)
    short = Admission.objects.filter(short_notice_filter(settings)).filter(
        Q(discharged_at__isnull=True) | Q(discharged_at__gte=recent)
    )
    for admission in short.values("pk", "child_id", "organisation_id", "unit_id", "ready_at",
                                  "discharged_at"):  # fmt: skip
        moment = admission["discharged_at"] or admission["ready_at"] or timezone.now()
        yield Finding(
            Subject.ADMISSION, admission["pk"], admission["child_id"],
            admission["organisation_id"], admission["unit_id"], None, local_date(moment),
        )  # fmt: skip
    # The SIP call: the ready admissions not under compulsory care whose child's open SIP has
    # no meeting booked since the child was ready — few, so the due day is computed for each.
    booked = Meeting.objects.filter(
        case__child=OuterRef("child"), case__in=_open_cases(), cancelled_at__isnull=True,
        starts_at__gte=OuterRef("ready_at"),
    )  # fmt: skip
    waiting = (
        Admission.objects.filter(ready_at__isnull=False, compulsory_outpatient_care=False)
        .filter(Q(discharged_at__isnull=True) | Q(discharged_at__gte=recent))
        .filter(outpatient_unit__isnull=False)
        .exclude(Exists(booked))
        .select_related("child__municipality", "outpatient_unit")
        .prefetch_related("notices__to_unit__organisation")
    )
    for admission in waiting:
        notices = list(admission.notices.all())
        kinds = {n.to_unit.organisation.kind for n in notices if n.kind == Notice.Kind.ADMISSION}
        if not _both_act(kinds):
            continue
        due = sip_call_due(admission, settings[region_code(admission)])
        if due is None or due >= today:
            continue
        yield Finding(
            Subject.ADMISSION, admission.pk, admission.child_id,
            admission.outpatient_unit.organisation_id, admission.outpatient_unit_id,
            admission.fixed_care_contact_id, due,
        )  # fmt: skip


def _both_act(kinds: set[str]) -> bool:
    social = {Organisation.Kind.SOCIAL_SERVICES}
    return bool(kinds & social) and bool(kinds - social)


def report(rule: Rule, today: datetime.date) -> Iterator[Finding]:
    """RAD-6: a report of concern whose protection assessment, initial assessment or feedback
    is late (to its intake unit), and an investigation past its four months (to its unit)."""
    rules = report_deadlines.deadline_rules()
    late = (
        Report.objects.filter(report_deadlines.late_report(today, rules))
        .select_related("initial_assessment", "protection", "feedback", "intake_unit")
    )  # fmt: skip
    for found in late:
        steps = report_deadlines.report_steps(found, today=today, rules=rules)
        overdue = [step.due for step in steps if step.overdue and step.due is not None]
        if not overdue:
            continue
        yield Finding(
            Subject.REPORT, found.pk, found.child_id, found.organisation_id,
            found.intake_unit_id, None, min(overdue),
        )  # fmt: skip
    investigations = Investigation.objects.filter(report_deadlines.late_investigation(today, rules))
    for investigation in investigations:
        due = report_deadlines.investigation_due(investigation, rules)
        yield Finding(
            Subject.INVESTIGATION, investigation.pk, investigation.child_id,
            investigation.organisation_id, investigation.unit_id, investigation.caseworker_id,
            due or today,
        )  # fmt: skip


def sip(rule: Rule, today: datetime.date) -> Iterator[Finding]:
    """RAD-7: a SIP past its follow-up date, or proposed and, after the threshold, still without
    consent or without a held meeting (the SIP rules' own lateness)."""
    cutoff = start_of(today - datetime.timedelta(days=rule.threshold_days))
    cases = annotate_deadlines(_open_cases(), today=today).filter(
        Q(late_follow_up=True)
        | Q(status=Case.Status.PROPOSED, proposed_at__lt=cutoff)
        | Q(late_first_meeting=True)
    )

    def due(case) -> datetime.date:
        if case.follow_up_on is not None and case.follow_up_on < today:
            return case.follow_up_on
        return local_date(case.proposed_at) + datetime.timedelta(days=rule.threshold_days)

    yield from _sip_findings(cases, due)


def bounced(rule: Rule, today: datetime.date) -> Iterator[Finding]:
    """RAD-8: a referral declined by the receiving organisation with no agreed next step
    ("bounced": the seed's "BUP does not take the case"). The sender acts: it agrees a next
    step, or refers the child on — a later referral of the child from the same organisation,
    waiting for an answer or accepted, resolves it."""
    referred_on = Referral.objects.filter(
        child=OuterRef("child"), from_organisation=OuterRef("from_organisation"),
        sent_at__gt=OuterRef("answered_at"),
        status__in=[Referral.Status.SENT, Referral.Status.ACCEPTED],
    )  # fmt: skip
    referrals = (
        Referral.objects.bounced()
        .exclude(Exists(referred_on))
        .values("pk", "child_id", "from_organisation_id", "from_unit_id", "sent_by_id",
                "answered_at")
    )  # fmt: skip
    for row in referrals:
        due = local_date(row["answered_at"]) + datetime.timedelta(days=rule.threshold_days)
        if due > today:
            continue
        yield Finding(
            Subject.REFERRAL, row["pk"], row["child_id"], row["from_organisation_id"],
            row["from_unit_id"], row["sent_by_id"], due,
        )  # fmt: skip


DETECTORS: dict[str, Detector] = {
    Rule.Code.UNOWNED: unowned,
    Rule.Code.WAITING: waiting,
    Rule.Code.RELAY: relay,
    Rule.Code.NO_COORDINATOR: no_coordinator,
    Rule.Code.DISCHARGE: discharge,
    Rule.Code.REPORT: report,
    Rule.Code.SIP: sip,
    Rule.Code.BOUNCED: bounced,
}
