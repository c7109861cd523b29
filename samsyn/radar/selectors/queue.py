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
from django.db.models import Case, Count, OuterRef, Q, QuerySet, Subquery, When
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


def with_subject(signals: QuerySet[Signal]) -> QuerySet[Signal]:
    """The signals with what their subject's page needs beyond the signal, read with them: the
    SIP of a plan item or a handover (`subject_case`), the organisation of an admission
    (`subject_owner`), so `subject_url` reads nothing."""
    return signals.annotate(
        subject_case=Case(
            When(
                subject_type=Subject.PLAN_ITEM,
                then=Subquery(
                    PlanItem.objects.filter(pk=OuterRef("subject_id")).values("version__case_id")
                ),
            ),
            When(
                subject_type=Subject.HANDOVER,
                then=Subquery(Handover.objects.filter(pk=OuterRef("subject_id")).values("case_id")),
            ),
        ),
        subject_owner=Case(
            When(
                subject_type=Subject.ADMISSION,
                then=Subquery(
                    Admission.objects.filter(pk=OuterRef("subject_id")).values("organisation_id")
                ),
            )
        ),
    )


def subject_url(signal: Signal, actor: Actor) -> str:
    """Where to act on a signal read through `with_subject`."""
    subject = signal.subject_id
    match signal.subject_type:
        case Subject.PLAN_ITEM:
            return reverse("plans:plan_versions", args=[signal.subject_case])  # type: ignore[attr-defined]
        case Subject.HANDOVER:
            return reverse("plans:detail", args=[signal.subject_case])  # type: ignore[attr-defined]
        case Subject.SIP:
            return reverse("plans:detail", args=[subject])
        case Subject.REPORT:
            return reverse("concerns:intake_report", args=[subject])
        case Subject.INVESTIGATION:
            return reverse("concerns:investigation", args=[subject])
        case Subject.REFERRAL:
            return reverse("referrals:detail", args=[subject])
        case Subject.ADMISSION:
            own = signal.subject_owner == actor.organisation.pk  # type: ignore[attr-defined]
            name = "discharge:admission" if own else "discharge:received_admission"
            return reverse(name, args=[subject])
    raise ValueError(signal.subject_type)


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
    signals = with_subject(signals.select_related("rule", "child", "staff", "unit")).order_by(
        "due_on", "-level", "pk"
    )
    today = timezone.localdate()
    with transaction.atomic():
        result = Paginator(signals, PAGE_SIZE).get_page(page)
        listed = list(result)
        rows = [Row(s, subject_url(s, actor), max(0, (today - s.due_on).days)) for s in listed]
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
    signal = with_subject(
        live()
        .filter(pk=signal_id, organisation_id=actor.organisation.pk)
        .select_related("rule", "child")
    ).first()
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
    signal = with_subject(
        live()
        .select_for_update(of=("self",))
        .filter(pk=signal_id, organisation_id=actor.organisation.pk)
        .select_related("rule")
    ).first()
    decision = _decision(actor, signal, purpose) if signal is not None else rules.DENIED
    if decision.allowed:
        return signal, decision
    refusal = SignalNotFound(signal_id)
    refusal.denial = Denial(
        actor=actor, child_id=signal.child_id if signal else None, obj="signal",
        obj_id=signal_id, purpose=purpose,
    )  # fmt: skip
    raise refusal
