"""The audit log's own retention (DOMAIN LOG-1, RET-1; docs/adr/0014): the log is kept for its
rule's years (at least five) and then retired a whole month at a time, never row by row. The
rule is a row like every record type's (`audit_log`), so it runs dry until an administrator
enforces it. Retiring seals every chain with rows in the months at its last link there (a
checkpoint: seq and hash), then detaches and drops the months' partitions, all in the database
in one transaction (`audit_retire_months`, audit migration 0005); `audit verify` then starts each
such chain at its checkpoint. A chain broken before the cut is never sealed: the months wait."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from samsyn.audit import services as audit
from samsyn.audit import verify
from samsyn.common.dates import add_months
from samsyn.retention.models import Rule

RECORD_TYPE = "audit_log"


class LogBroken(RuntimeError):
    """A chain with rows in the months due does not verify: sealing it would bury the break."""


@dataclass(frozen=True)
class Due:
    """What the rule makes due: the months whose every row is older than the period, their
    partitions' upper bound (the cut), and their rows."""

    cut: datetime.datetime
    months: list[str]
    rows: int


def cut_for(rule: Rule, today: datetime.date) -> datetime.datetime:
    """The moment before which every row has been kept the rule's years: a month goes when its
    last day is that far back."""
    first = add_months(today.replace(day=1), -12 * rule.years)
    return datetime.datetime(first.year, first.month, 1, tzinfo=datetime.UTC)


def due(rule: Rule, today: datetime.date) -> Due:
    cut = cut_for(rule, today)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = 'audit_entry'::regclass ORDER BY c.relname"
        )
        months = []
        for (name,) in cursor.fetchall():
            year, month = int(name[-7:-3]), int(name[-2:])
            upper = add_months(datetime.date(year, month, 1), 1)
            if datetime.datetime(upper.year, upper.month, 1, tzinfo=datetime.UTC) <= cut:
                months.append(f"{year:04d}-{month:02d}")
        rows = 0
        if months:
            cursor.execute("SELECT count(*) FROM audit_entry WHERE at < %s", [cut])
            rows = cursor.fetchone()[0]
    return Due(cut=cut, months=months, rows=rows)


def retire(rule: Rule, today: datetime.date | None = None) -> int:
    """Retire the months due, sealed; the rows retired. Refused (`LogBroken`) when a chain with
    rows in them does not verify, and by the database when a retired row is not among its
    chain's first links. Logged on the system chain with each checkpoint, in the same
    transaction, so the kept log itself says where each chain was cut."""
    found = due(rule, today or timezone.localdate())
    if not found.months:
        return 0
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT DISTINCT chain FROM audit_entry WHERE at < %s", [found.cut])
            chains = {chain for (chain,) in cursor.fetchall()}
        broken = [link for link in verify.verify().breaks if link.chain in chains]
        if broken:
            raise LogBroken(broken)
        with connection.cursor() as cursor:
            cursor.execute("SELECT audit_retire_months(%s)", [found.cut])
            retired = cursor.fetchone()[0]
            cursor.execute(
                "SELECT chain, seq, hash FROM audit_checkpoint WHERE chain = ANY(%s)"
                " ORDER BY chain",
                [sorted(chains)],
            )
            checkpoints = {chain: [seq, digest] for chain, seq, digest in cursor.fetchall()}
        audit.record_change(
            actor=None, child_id=None, obj="audit_log", obj_id=found.months[-1],
            event="audit_months_retired", purpose="retention",
            detail={
                "months": found.months, "rows": retired, "reference": rule.reference,
                "checkpoints": checkpoints,
            },
        )  # fmt: skip
    return retired
