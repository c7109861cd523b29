"""The scan (issue 11, point 5): every active rule's detector run, its findings made signals.

Idempotent: a pattern found again keeps its one live signal (a database constraint holds it),
a pattern gone clears its signal (someone acted), and a dismissed signal stays dismissed while
its pattern lasts. Rules are scanned one at a time, each in its own transaction under an
advisory lock, so two scans at once take turns rather than raise the same signal twice. Each
raised and cleared signal is audited in the same transaction, as Samsyn's own act.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from samsyn.access.models import Purpose
from samsyn.audit import services as audit
from samsyn.radar.detectors import DETECTORS, Finding
from samsyn.radar.models import Rule, Signal
from samsyn.radar.services.escalation import escalate
from samsyn.radar.services.lock import SCAN_LOCK
from samsyn.radar.services.reminders import remind

MOVABLE = ("child_id", "unit_id", "staff_id", "due_on")


@dataclass
class RuleResult:
    found: int = 0
    raised: int = 0
    cleared: int = 0


@dataclass
class ScanResult:
    rules: dict[str, RuleResult] = field(default_factory=dict)
    # RAD-9: signals moved up the ladder, and escalations whose outcome was recorded.
    escalated: int = 0
    closed: int = 0
    reminded: int = 0

    @property
    def raised(self) -> int:
        return sum(r.raised for r in self.rules.values())

    @property
    def cleared(self) -> int:
        return sum(r.cleared for r in self.rules.values())

    def as_dict(self) -> dict:
        return {
            **{code: vars(result) for code, result in self.rules.items()},
            "escalated": self.escalated, "closed": self.closed, "reminded": self.reminded,
        }  # fmt: skip


def _key(subject_type: str, subject_id: int, organisation_id: int) -> tuple[str, int, int]:
    return (subject_type, subject_id, organisation_id)


def _audit(signal: Signal, event: str) -> None:
    audit.record_change(
        actor=None, child_id=signal.child_id, obj="signal", obj_id=signal.pk, event=event,
        purpose=Purpose.FOLLOW_UP,
        detail={"rule": signal.rule.code, "subject_type": signal.subject_type,
                "subject_id": signal.subject_id, "organisation_id": signal.organisation_id},
    )  # fmt: skip


@transaction.atomic
def scan_rule(rule: Rule, today: datetime.date) -> RuleResult:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SCAN_LOCK])
    now = timezone.now()
    findings: dict[tuple[str, int, int], Finding] = {}
    for finding in DETECTORS[rule.code](rule, today):
        # One signal per record and organisation: the earliest due of its findings.
        key = _key(finding.subject_type, finding.subject_id, finding.organisation_id)
        if key not in findings or finding.due_on < findings[key].due_on:
            findings[key] = finding
    live = {
        _key(s.subject_type, s.subject_id, s.organisation_id): s
        for s in Signal.objects.filter(rule=rule, cleared_at__isnull=True).select_related("rule")
    }
    result = RuleResult(found=len(findings))
    for key, signal in live.items():
        finding = findings.get(key)
        if finding is None:
            signal.cleared_at = now
            signal.save(update_fields=["cleared_at"])
            _audit(signal, "signal_cleared")
            result.cleared += 1
            continue
        moved = [name for name in MOVABLE if getattr(signal, name) != getattr(finding, name)]
        for name in moved:
            setattr(signal, name, getattr(finding, name))
        signal.seen_at = now
        signal.save(update_fields=["seen_at", *(m.removesuffix("_id") for m in moved)])
    for key, finding in findings.items():
        if key in live:
            continue
        signal = Signal.objects.create(
            rule=rule, child_id=finding.child_id, subject_type=finding.subject_type,
            subject_id=finding.subject_id, organisation_id=finding.organisation_id,
            unit_id=finding.unit_id, staff_id=finding.staff_id, due_on=finding.due_on,
            found_at=now, seen_at=now,
        )  # fmt: skip
        _audit(signal, "signal_raised")
        result.raised += 1
    return result


def scan(
    today: datetime.date | None = None, *, progress: Callable[[str, RuleResult], None] | None = None
) -> ScanResult:
    """Every active rule that has a detector, one transaction each."""
    today = today or timezone.localdate()
    result = ScanResult()
    for rule in Rule.objects.filter(active=True, code__in=list(DETECTORS)):
        result.rules[rule.code] = scan_rule(rule, today)
        if progress is not None:
            progress(rule.code, result.rules[rule.code])
    # After the rules: a signal cleared in this scan neither escalates nor reminds anyone.
    moved = escalate()
    result.escalated, result.closed = moved.escalated, moved.closed
    result.reminded = remind()
    return result
