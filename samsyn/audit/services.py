"""Writing the audit log. Every read and change of a child's data calls one of these inside the
transaction that does the work, so the row and the work commit or vanish together."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from datetime import date as datetime_date
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from samsyn.access.actor import Actor
from samsyn.access.models import Purpose
from samsyn.access.rules import Decision, default_purpose
from samsyn.audit.models import LogReview
from samsyn.common.errors import AccessDenied, NotFound

GENESIS = "0" * 64
_partitions_seen: set[tuple[int, int]] = set()


def chain_of(organisation_id: int | None) -> str:
    return f"org:{organisation_id}" if organisation_id else "system"


def link_hash(prev_hash: str, fields: dict) -> str:
    """The hash of one link: the previous hash and the row's fields, canonically serialised."""
    body = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def hashed_fields(row: dict) -> dict:
    """The fields a link's hash covers, from a row as written or as read back."""
    at: datetime = row["at"]
    return {
        "at": at.astimezone(UTC).isoformat(),
        "chain": row["chain"],
        "seq": row["seq"],
        "user_id": row["user_id"],
        "staff_id": row["staff_id"],
        "staff_name": row["staff_name"],
        "organisation_id": row["organisation_id"],
        "organisation_name": row["organisation_name"],
        "unit_id": row["unit_id"],
        "unit_name": row["unit_name"],
        "role": row["role"],
        "action": row["action"],
        "outcome": row["outcome"],
        "child_id": row["child_id"],
        "object_type": row["object_type"],
        "object_id": row["object_id"],
        "purpose": row["purpose"],
        "basis": row["basis"],
        "detail": row["detail"],
    }


def _ensure_partition(at: datetime) -> None:
    month = (at.astimezone(UTC).year, at.astimezone(UTC).month)
    if month in _partitions_seen:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT audit_ensure_partition(%s)", [at])
    _partitions_seen.add(month)


@transaction.atomic
def _append(
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
) -> int:
    at = timezone.now()
    _ensure_partition(at)
    organisation = actor.organisation if actor else None
    row: dict[str, Any] = {
        "at": at,
        "chain": chain_of(organisation.pk if organisation else None),
        "user_id": actor.user_id if actor else None,
        "staff_id": actor.staff.pk if actor else None,
        "staff_name": actor.staff.name if actor else "Samsyn",
        "organisation_id": organisation.pk if organisation else None,
        "organisation_name": organisation.name if organisation else "",
        "unit_id": actor.unit.pk if actor else None,
        "unit_name": actor.unit.name if actor else "",
        "role": actor.role if actor else "system",
        "action": action,
        "outcome": outcome,
        "child_id": child_id,
        "object_type": object_type,
        "object_id": object_id,
        "purpose": purpose,
        "basis": basis,
        "detail": detail,
    }
    with connection.cursor() as cursor:
        # Taking the head's row lock serialises appends to this chain until commit, so a
        # crash mid-transaction leaves neither a row nor a gap.
        cursor.execute(
            "INSERT INTO audit_chainhead (chain, seq, hash) VALUES (%s, 0, %s) "
            "ON CONFLICT (chain) DO UPDATE SET chain = EXCLUDED.chain RETURNING seq, hash",
            [row["chain"], GENESIS],
        )
        last_seq, prev_hash = cursor.fetchone()
        row["seq"] = last_seq + 1
        digest = link_hash(prev_hash, hashed_fields(row))
        cursor.execute(
            "INSERT INTO audit_entry (at, chain, seq, prev_hash, hash, user_id, staff_id,"
            " staff_name, organisation_id, organisation_name, unit_id, unit_name, role, action,"
            " outcome, child_id, object_type, object_id, purpose, basis, detail)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s,"
            " %s, %s, %s) RETURNING id",
            [
                row["at"], row["chain"], row["seq"], prev_hash, digest, row["user_id"],
                row["staff_id"], row["staff_name"], row["organisation_id"],
                row["organisation_name"], row["unit_id"], row["unit_name"], row["role"],
                action, outcome, child_id, object_type, object_id, purpose,
                json.dumps(basis), json.dumps(detail),
            ],
        )  # fmt: skip
        entry_id = cursor.fetchone()[0]
        cursor.execute(
            "UPDATE audit_chainhead SET seq = %s, hash = %s WHERE chain = %s",
            [row["seq"], digest, row["chain"]],
        )
    return entry_id


def record_read(
    *, actor: Actor, child_id: int | None, obj: str, obj_id: object, purpose: str,
    decision: Decision, detail: dict | None = None,
) -> int:  # fmt: skip
    return _append(
        actor=actor, action="read", outcome="allowed", child_id=child_id, object_type=obj,
        object_id=str(obj_id), purpose=purpose, basis=decision.as_audit(), detail=detail or {},
    )  # fmt: skip


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
