"""The work queues (issue 11, point 2): each live signal on the list of the unit and the person
who must act, with the rule, its reference and the day it became due; for a unit manager the
unit's queue and the caseload per worker.

A signal opens through `access` as its own record kind (owned by the organisation that must act,
read like the child's basic data), so a unit sees a signal only about a child it already has a
relationship with. A signal about a report not yet linked to a child opens exactly when that
report does. One audit row a page, naming the children listed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.audit import services as audit
from samsyn.common.errors import Denial
from samsyn.concerns.models import Report
from samsyn.directory.models import Membership, Role
from samsyn.discharge.models import Admission
from samsyn.plans.models import Handover, PlanItem
from samsyn.radar.models import Signal
from samsyn.radar.selectors import SignalNotFound

PAGE_SIZE = 25
Subject = Signal.Subject


def live() -> QuerySet[Signal]:
    return Signal.objects.filter(cleared_at__isnull=True, dismissed_at__isnull=True)


ABOUT_CHILD = Q(child__isnull=False)
ABOUT_UNLINKED_REPORT = Q(child__isnull=True, subject_type=Subject.REPORT)


def visible_signals(
    actor: Actor,
    queryset: QuerySet[Signal] | None = None,
    *,
    about_children: bool = True,
    about_reports: bool = True,
) -> QuerySet[Signal]:
    """The signals of the actor's organisation the actor may read: through access for a child's,
    and for an unlinked report's exactly when the report opens. A caller that knows `queryset`
    holds none of one of the two kinds says so, and that kind's access rule is not built."""
    queryset = live() if queryset is None else queryset
    own = queryset.filter(organisation_id=actor.organisation.pk)
    purpose = rules.default_purpose(actor)
    readable = Q(pk__in=[])
    if about_children:
        about_child = rules.restrict(actor, own.filter(ABOUT_CHILD), purpose=purpose)
        readable |= Q(pk__in=about_child.values("pk"))
    if about_reports:
        reports = rules.restrict(actor, Report.objects.filter(child__isnull=True), purpose=purpose)
        readable |= ABOUT_UNLINKED_REPORT & Q(subject_id__in=reports.values("pk"))
    return own.filter(readable)


def _mine(actor: Actor) -> Q:
    return Q(staff_id=actor.staff.pk) | Q(staff__isnull=True, unit_id=actor.unit.pk)


@dataclass(frozen=True)
class Row:
    signal: Signal
    url: str
    days_overdue: int


@dataclass(frozen=True)
class Queue:
    page: Page
    rows: list[Row]
    scope: str  # "mine" or "unit"
    caseload: list[dict]  # for a unit manager: open signals per worker of the unit


def subject_urls(signals: list[Signal], actor: Actor) -> dict[int, str]:
    """Where to act on each signal: one query per kind of record on the page, at most."""
    by_type: dict[str, list[Signal]] = {}
    for signal in signals:
        by_type.setdefault(signal.subject_type, []).append(signal)
    urls: dict[int, str] = {}
    cases: dict[int, int] = {}
    if items := by_type.get(Subject.PLAN_ITEM):
        cases.update(
            PlanItem.objects.filter(pk__in=[s.subject_id for s in items]).values_list(
                "pk", "version__case_id"
            )
        )
        for s in items:
            urls[s.pk] = reverse("plans:plan_versions", args=[cases[s.subject_id]])
    if offers := by_type.get(Subject.HANDOVER):
        handed = dict(
            Handover.objects.filter(pk__in=[s.subject_id for s in offers]).values_list(
                "pk", "case_id"
            )
        )
        for s in offers:
            urls[s.pk] = reverse("plans:detail", args=[handed[s.subject_id]])
    for s in by_type.get(Subject.SIP, []):
        urls[s.pk] = reverse("plans:detail", args=[s.subject_id])
    for s in by_type.get(Subject.REPORT, []):
        urls[s.pk] = reverse("concerns:intake_report", args=[s.subject_id])
    for s in by_type.get(Subject.INVESTIGATION, []):
        urls[s.pk] = reverse("concerns:investigation", args=[s.subject_id])
    for s in by_type.get(Subject.REFERRAL, []):
        urls[s.pk] = reverse("referrals:detail", args=[s.subject_id])
    if admissions := by_type.get(Subject.ADMISSION):
        owners = dict(
            Admission.objects.filter(pk__in=[s.subject_id for s in admissions]).values_list(
                "pk", "organisation_id"
            )
        )
        for s in admissions:
            own = owners[s.subject_id] == actor.organisation.pk
            name = "discharge:admission" if own else "discharge:received_admission"
            urls[s.pk] = reverse(name, args=[s.subject_id])
    return urls


def queue_for(actor: Actor, *, scope: str = "mine", page: object = 1) -> Queue:
    """The actor's own queue (signals naming the actor, and the unit's that name nobody), or
    for a unit manager the whole unit's: earliest due first, most escalated first among equals."""
    signals = visible_signals(actor)
    is_manager = actor.role == Role.UNIT_MANAGER
    if scope == "unit" and is_manager:
        signals = signals.filter(unit_id=actor.unit.pk)
    else:
        scope = "mine"
        signals = signals.filter(_mine(actor))
    result, rows = listed_page(actor, signals, page)
    caseload = caseload_of(actor) if is_manager and scope == "unit" else []
    return Queue(result, rows, scope, caseload)


def listed_page(
    actor: Actor, signals: QuerySet[Signal], page: object, **detail: object
) -> tuple[Page, list[Row]]:
    """A page of `signals`, earliest due first and most escalated first among equals, each with
    its subject's page. Listing is reading: one audit row names the page's signals and their
    children, with `detail` about the list."""
    signals = signals.select_related("rule", "child", "staff", "unit").order_by(
        "due_on", "-level", "pk"
    )
    today = timezone.localdate()
    with transaction.atomic():
        result = Paginator(signals, PAGE_SIZE).get_page(page)
        listed = list(result)
        urls = subject_urls(listed, actor)
        rows = [Row(s, urls[s.pk], max(0, (today - s.due_on).days)) for s in listed]
        if rows:
            audit.record_read(
                actor=actor, child_id=None, obj="signal_list", obj_id=result.number,
                purpose=rules.default_purpose(actor), decision=rules.Decision(True, "list"),
                detail={
                    **detail,
                    "child_ids": [s.child_id for s in listed if s.child_id],
                    "signal_ids": [s.pk for s in listed],
                },
            )  # fmt: skip
    return result, rows


def caseload_of(actor: Actor) -> list[dict]:
    """KPI-3 and issue 11: per worker of the manager's unit, the children they hold (active
    involvements named to them) and their open signals — counts only, no child."""
    today = timezone.localdate()
    members = (
        Membership.objects.filter(unit_id=actor.unit.pk, active=True)
        .exclude(role=Role.UNIT_MANAGER)
        .annotate(
            children=Count(
                "staff__involvements",
                filter=Q(staff__involvements__unit_id=actor.unit.pk,
                         staff__involvements__started_on__lte=today)
                & (Q(staff__involvements__ended_on__isnull=True)
                   | Q(staff__involvements__ended_on__gte=today)),
                distinct=True,
            ),
        )
        .select_related("staff")
        .order_by("staff__name")
    )  # fmt: skip
    open_signals = dict(
        live()
        .filter(unit_id=actor.unit.pk, staff__isnull=False)
        .values_list("staff_id")
        .annotate(n=Count("pk"))
        .values_list("staff_id", "n")
    )
    return [
        {"staff": m.staff, "children": m.children, "signals": open_signals.get(m.staff_id, 0)}
        for m in members
    ]


def open_count(actor: Actor) -> int:
    """For the start page: the actor's own queue's length. Building an access rule costs the
    page more than running it, so one cheap statement first asks which kinds of signal the
    queue holds, and only their rules are built: none at all for an empty queue."""
    mine = live().filter(_mine(actor), organisation_id=actor.organisation.pk)
    held = mine.aggregate(
        children=Count("pk", filter=ABOUT_CHILD), reports=Count("pk", filter=ABOUT_UNLINKED_REPORT)
    )
    if not (held["children"] or held["reports"]):
        return 0
    return visible_signals(
        actor, mine, about_children=held["children"] > 0, about_reports=held["reports"] > 0
    ).count()


def _decision(actor: Actor, signal: Signal, purpose: str) -> rules.Decision:
    """Why the actor may read the signal: through access for a child's; for one about a report
    not yet linked to a child, exactly as that report opens."""
    if signal.child_id is not None:
        return rules.decide(actor, signal, purpose=purpose)
    report = Report.objects.filter(pk=signal.subject_id).first()
    if signal.subject_type != Subject.REPORT or report is None:
        return rules.DENIED
    return rules.decide(actor, report, purpose=purpose)


def signal_page_for(actor: Actor, signal_id: int) -> Signal:
    """One live signal of the actor's organisation, audited; denied and missing alike are
    logged and not found. Call outside a transaction: a denial's row must outlive the 404."""
    purpose = rules.default_purpose(actor)
    signal = (
        live()
        .filter(pk=signal_id, organisation_id=actor.organisation.pk)
        .select_related("rule", "child")
        .first()
    )
    decision = _decision(actor, signal, purpose) if signal is not None else rules.DENIED
    if not decision.allowed:
        audit.record_denied(
            actor=actor, child_id=signal.child_id if signal else None, obj="signal",
            obj_id=signal_id, purpose=purpose,
        )  # fmt: skip
        raise SignalNotFound(signal_id)
    with transaction.atomic():
        audit.record_read(
            actor=actor, child_id=signal.child_id, obj="signal", obj_id=signal.pk,
            purpose=purpose, decision=decision,
        )  # fmt: skip
    return signal


def signal_for_change(actor: Actor, signal_id: int) -> tuple[Signal, rules.Decision]:
    """One live signal the actor may act on, locked, and why; the same not-found for missing
    and not yours, carrying its denial for the log. Call inside the change's transaction."""
    purpose = rules.default_purpose(actor)
    signal = (
        live()
        .select_for_update(of=("self",))
        .filter(pk=signal_id, organisation_id=actor.organisation.pk)
        .select_related("rule")
        .first()
    )
    decision = _decision(actor, signal, purpose) if signal is not None else rules.DENIED
    if decision.allowed:
        return signal, decision
    refusal = SignalNotFound(signal_id)
    refusal.denial = Denial(
        actor=actor, child_id=signal.child_id if signal else None, obj="signal",
        obj_id=signal_id, purpose=purpose,
    )  # fmt: skip
    raise refusal
