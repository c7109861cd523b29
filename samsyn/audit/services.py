"""Writing the audit log. Every read and change of a child's data calls one of these inside the
transaction that does the work, so the row and the work commit or vanish together."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from datetime import date as datetime_date

from django.db import connection, transaction
from django.utils import timezone

from samsyn.access.actor import Actor
from samsyn.access.models import Purpose
from samsyn.access.rules import Decision, default_purpose
from samsyn.audit.models import LogReview
from samsyn.common.errors import AccessDenied, NotFound

_partitions_seen: set[tuple[int, int]] = set()


def _ensure_partition(at: datetime) -> None:
    month = (at.astimezone(UTC).year, at.astimezone(UTC).month)
    if month in _partitions_seen:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT audit_ensure_partition(%s)", [at])
    _partitions_seen.add(month)


# The columns an audited row names; the trigger of migration 0003 (docs/adr/0010) fills in
# chain, seq, prev_hash and hash. `samsyn bench audit` inserts the same values into a table
# without the chain, as its floor.
ENTRY_COLUMNS = (
    "at, user_id, staff_id, staff_name, organisation_id, organisation_name, unit_id, unit_name,"
    " role, action, outcome, child_id, object_type, object_id, purpose, basis, detail"
)
ENTRY_PLACEHOLDERS = ", ".join(["%s"] * len(ENTRY_COLUMNS.split(",")))


def entry_values(
    *,
    actor: Actor | None,
    action: str,
    outcome: str,
    child_id: int | None,
    object_type: str,
    object_id: str,
    purpose: str,
    basis: dict,
    detail: dict,
) -> list:
    """The values of ENTRY_COLUMNS for one row, its month's partition made sure of."""
    at = timezone.now()
    _ensure_partition(at)
    organisation = actor.organisation if actor else None
    return [
        at,
        actor.user_id if actor else None,
        actor.staff.pk if actor else None,
        actor.staff.name if actor else "Samsyn",
        organisation.pk if organisation else None,
        organisation.name if organisation else "",
        actor.unit.pk if actor else None,
        actor.unit.name if actor else "",
        actor.role if actor else "system",
        action, outcome, child_id, object_type, object_id, purpose,
        json.dumps(basis), json.dumps(detail),
    ]  # fmt: skip


def _append_all(rows: Sequence[dict]) -> list[int]:
    """The rows, in their order, in one statement: atomic without a savepoint of its own. The
    database's trigger (migration 0003, docs/adr/0010) takes a stripe of the organisation's
    chains for the rest of the caller's transaction and links each row there in turn: a
    rolled-back transaction leaves neither a row nor a gap."""
    if not rows:
        return []
    values = ", ".join([f"({ENTRY_PLACEHOLDERS})"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(
            # Constants only: every value goes in as a parameter.
            f"INSERT INTO audit_entry ({ENTRY_COLUMNS}) VALUES {values} RETURNING id",  # noqa: S608
            [value for row in rows for value in entry_values(**row)],
        )
        # Each row draws its id from the sequence in the order of VALUES: sorted, the ids are
        # the rows' order, whatever order RETURNING gives them in.
        return sorted(row[0] for row in cursor.fetchall())


def _append(**values) -> int:
    return _append_all([values])[0]


@dataclass(frozen=True, kw_only=True)
class Read:
    """One read of a child's data the actor made, for `record_reads`."""

    child_id: int | None
    obj: str
    obj_id: object
    purpose: str
    decision: Decision
    detail: dict = field(default_factory=dict)


def record_reads(*, actor: Actor, reads: Sequence[Read]) -> list[int]:
    """Several reads of one request, each its own row (what each showed, labelled as its
    object), written by one statement in their order: the child's page and its sections."""
    return _append_all(
        [
            {
                "actor": actor, "action": "read", "outcome": "allowed",
                "child_id": read.child_id, "object_type": read.obj,
                "object_id": str(read.obj_id), "purpose": read.purpose,
                "basis": read.decision.as_audit(), "detail": read.detail,
            }
            for read in reads
        ]
    )  # fmt: skip


def record_read(
    *, actor: Actor, child_id: int | None, obj: str, obj_id: object, purpose: str,
    decision: Decision, detail: dict | None = None,
) -> int:  # fmt: skip
    read = Read(
        child_id=child_id, obj=obj, obj_id=obj_id, purpose=purpose, decision=decision,
        detail=detail or {},
    )  # fmt: skip
    [entry_id] = record_reads(actor=actor, reads=[read])
    return entry_id


def record_denied(
    *, actor: Actor, child_id: int | None, obj: str, obj_id: object, purpose: str,
    action: str = "read",
) -> int:  # fmt: skip
    """An attempt the actor had no ground for: logged, because probing is itself a finding."""
    return _append(
        actor=actor, action=action, outcome="denied", child_id=child_id, object_type=obj,
        object_id=str(obj_id), purpose=purpose, basis={"basis": "none"}, detail={},
    )  # fmt: skip


def record_refused_role(*, actor: Actor, permission: str, child_id: int | None = None) -> int:
    """A step the actor's role does not allow (an administrator opening a child): logged like
    any refused access, for every role (DOMAIN LOG-3, ASVS 7.2.2)."""
    return record_denied(
        actor=actor, child_id=child_id, obj="role_permission", obj_id=permission,
        purpose=default_purpose(actor),
    )  # fmt: skip


def record_sign_in_refused(*, reason: str, detail: dict) -> int:
    """A sign-in through the organisation's provider that Samsyn refused (an unknown unit or
    role, a token not meant for it): logged like any refusal (LOG-3), before anyone is
    signed in, so with no actor."""
    return _append(
        actor=None, action="sign_in", outcome="denied", child_id=None, object_type="sign_in",
        object_id=reason, purpose="", basis={"basis": "none"}, detail=detail,
    )  # fmt: skip


def record_refusal(sender: type, *, error: NotFound | AccessDenied, **kwargs) -> int | None:
    """A refusal `access` decided, logged when it is answered: after the refused step's
    transaction rolled back, so the row stays (LOG-3). Connected to `common.errors.refused`."""
    denial = error.denial
    if denial is None:
        return None
    return record_denied(
        actor=denial.actor, child_id=denial.child_id, obj=denial.obj, obj_id=denial.obj_id,
        purpose=denial.purpose, action=denial.action,
    )  # fmt: skip


def record_change(
    *, actor: Actor | None, child_id: int | None, obj: str, obj_id: object, event: str,
    purpose: str, decision: Decision | None = None, detail: dict | None = None,
) -> int:  # fmt: skip
    return _append(
        actor=actor, action=event, outcome="allowed", child_id=child_id, object_type=obj,
        object_id=str(obj_id), purpose=purpose,
        basis=decision.as_audit() if decision else {"basis": "own_record"}, detail=detail or {},
    )  # fmt: skip


def record_log_review(
    *, actor: Actor, month: datetime_date, outcome: str, note: str, sampled_entry_ids: list[int],
    flagged_entry_ids: list[int],
) -> LogReview:  # fmt: skip
    """The review of one unit's monthly sample recorded, and logged (DOMAIN LOG-1): who went
    through which rows, with what outcome."""
    with transaction.atomic():
        review = LogReview(
            unit_id=actor.unit.pk, month=month.replace(day=1), reviewed_by=actor.staff,
            outcome=outcome, note=note, sampled_entry_ids=sampled_entry_ids,
            flagged_entry_ids=flagged_entry_ids,
        )  # fmt: skip
        review.full_clean()
        review.save()
        record_change(
            actor=actor, child_id=None, obj="log_review", obj_id=review.pk,
            event="log_review_recorded", purpose=Purpose.LOG_REVIEW,
            detail={
                "month": f"{review.month:%Y-%m}", "outcome": outcome,
                "sampled": len(sampled_entry_ids), "flagged": len(flagged_entry_ids),
            },
        )  # fmt: skip
    return review
