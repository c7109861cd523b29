"""Escalation (DOMAIN RAD-9, GOV-3): a signal left unresolved moves up the region's ladder —
first to the manager of the unit it landed on, after the rule's `escalate_after_days` past its
due day, then to each collaboration body the region has set (`EscalationStep`), after that
step's days on the rung below. One rung per scan, so each level has its time to act.

Idempotent: a signal reaches each rung once (a database constraint holds it), and the pass runs
under the scan's advisory lock. Each move and what came of it is an `Escalation` row, audited
as Samsyn's own act; the people on the new rung are notified once.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import DateField, ExpressionWrapper, F, Q
from django.urls import reverse
from django.utils import timezone

from samsyn.access.models import Purpose
from samsyn.audit import services as audit
from samsyn.common.dates import start_of
from samsyn.directory.models import Membership, Role
from samsyn.notifications import services as notifications
from samsyn.notifications.models import Notification
from samsyn.radar.models import Escalation, EscalationStep, Signal
from samsyn.radar.services.lock import take_scan_lock

MANAGER_LEVEL = 1


@dataclass
class EscalationResult:
    escalated: int = 0
    closed: int = 0


def _live() -> Q:
    return Q(cleared_at__isnull=True, dismissed_at__isnull=True)


def _audit(escalation: Escalation, event: str) -> None:
    signal = escalation.signal
    audit.record_change(
        actor=None, child_id=signal.child_id, obj="signal", obj_id=signal.pk, event=event,
        purpose=Purpose.FOLLOW_UP,
        detail={"rule": signal.rule.code, "level": escalation.level,
                "body_id": escalation.body_id, "outcome": escalation.outcome,
                "organisation_id": signal.organisation_id},
    )  # fmt: skip


def _close_outcomes() -> int:
    """The open escalations whose signal was resolved or dismissed since: their outcome."""
    closed = 0
    ended = Escalation.objects.filter(outcome=Escalation.Outcome.OPEN).filter(
        Q(signal__cleared_at__isnull=False) | Q(signal__dismissed_at__isnull=False)
    )
    for escalation in ended.select_related("signal__rule"):
        signal = escalation.signal
        if signal.dismissed_at is not None:
            escalation.outcome = Escalation.Outcome.DISMISSED
            escalation.outcome_at = signal.dismissed_at
        else:
            escalation.outcome = Escalation.Outcome.RESOLVED
            escalation.outcome_at = signal.cleared_at
        escalation.save(update_fields=["outcome", "outcome_at"])
        _audit(escalation, "escalation_closed")
        closed += 1
    return closed


def _managers(signal: Signal) -> set[int]:
    """The managers of the unit the signal landed on; of its organisation when it names none."""
    where = (
        Q(unit_id=signal.unit_id)
        if signal.unit_id
        else Q(unit__organisation_id=signal.organisation_id)
    )
    return set(
        Membership.objects.filter(where, role=Role.UNIT_MANAGER, active=True).values_list(
            "staff_id", flat=True
        )
    )


def _move(signal: Signal, step: EscalationStep | None, now: datetime.datetime) -> None:
    level = step.level if step is not None else MANAGER_LEVEL
    Escalation.objects.filter(signal=signal, outcome=Escalation.Outcome.OPEN).update(
        outcome=Escalation.Outcome.ESCALATED, outcome_at=now
    )
    escalation = Escalation.objects.create(
        signal=signal, level=level, body=step.body if step else None, escalated_at=now
    )
    signal.level, signal.escalated_at = level, now
    signal.save(update_fields=["level", "escalated_at"])
    _audit(escalation, "signal_escalated")
    if step is None:
        recipients, url = _managers(signal), reverse("radar:queue") + "?scope=unit"
    else:
        recipients = set(step.body.members.values_list("pk", flat=True))
        url = reverse("radar:body", args=[step.body_id])
    notifications.notify(
        recipients=recipients, kind=signal.rule.code, event=Notification.Event.ESCALATED,
        url=url, source="escalation", source_id=escalation.pk,
    )  # fmt: skip


@transaction.atomic
def escalate(now: datetime.datetime | None = None) -> EscalationResult:
    take_scan_lock()
    now = now or timezone.now()
    today = timezone.localdate(now)
    result = EscalationResult(closed=_close_outcomes())
    live = Signal.objects.filter(_live()).select_related("rule")
    # To the unit manager: the rule's days past the due day. PostgreSQL adds days to a date.
    to_manager = (
        live.filter(level=0)
        .alias(
            moves_on=ExpressionWrapper(
                F("due_on") + F("rule__escalate_after_days"), output_field=DateField()
            )
        )
        .filter(moves_on__lte=today)
    )
    for signal in to_manager:
        _move(signal, None, now)
        result.escalated += 1
    # Up the region's bodies: one query per rung the regions have set, a handful.
    steps = EscalationStep.objects.select_related("region", "body").order_by("level")
    for step in steps:
        # The step's days on the rung below, counted in whole days from the day it got there.
        since = start_of(today - datetime.timedelta(days=step.after_days - 1))
        below = live.filter(
            level=step.level - 1, escalated_at__lt=since,
            organisation__principal__code__startswith=step.region.code,
        ).exclude(escalated_at=now)  # fmt: skip
        for signal in below:
            _move(signal, step, now)
            result.escalated += 1
    return result
