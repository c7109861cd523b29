"""Retention's changes (DOMAIN RET-1): the run that deletes or anonymises what is due, the
legal holds, and the administrator's changes to the rules.

A run works record type by record type, the child last, in batches: each batch takes its
records, deletes or anonymises them with everything that is theirs and adds to the run's counts
in one transaction, so a crash leaves no half-deleted record and counts that match what went.
Each record type's run then writes one audit row with the counts, never who (the audit chain
keeps the rows about a deleted child, and `samsyn audit verify` still walks it). A line a
crash cut short is logged by the next run. A rule not enforced, or a dry run, only counts.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.access import rules as access
from samsyn.access.actor import Actor
from samsyn.audit import services as audit
from samsyn.retention import audit_log, kinds, selectors
from samsyn.retention.models import LegalHold, Rule, Run, RunLine

BATCH = 500
PURPOSE = "retention"
# The advisory lock's key: "gallring" in its first eight bytes.
RUN_LOCK = int.from_bytes(b"gallring", "big") >> 1


def _log(line: RunLine, *, interrupted: bool = False) -> None:
    """The line's one audit row, in the transaction that marks it logged."""
    with transaction.atomic():
        if line.enforced:
            event = "retention_anonymised" if line.action == Rule.Action.ANONYMISE else (
                "retention_deleted"
            )  # fmt: skip
        else:
            event = "retention_dry_run"
        audit.record_change(
            actor=None, child_id=None, obj="retention_run", obj_id=line.run_id, event=event,
            purpose=PURPOSE,
            detail={
                "record_type": line.record_type, "reference": line.reference,
                "due": line.due, "held": line.held, "done": line.done,
                "interrupted": interrupted,
            },
        )  # fmt: skip
        RunLine.objects.filter(pk=line.pk).update(logged_at=timezone.now())


def _log_interrupted() -> None:
    for line in RunLine.objects.filter(logged_at__isnull=True).order_by("pk"):
        _log(line, interrupted=True)


def _erase(kind: kinds.RetentionKind, rule: Rule, line: RunLine, today, batch: int) -> None:
    erase = kind.anonymise if rule.action == Rule.Action.ANONYMISE else kind.delete
    assert erase is not None  # a rule anonymises only a type that can be (Rule's clean)
    while True:
        with transaction.atomic():
            # Locked and taken again inside the batch: a record given a new entry since the
            # count is no longer due, and two runs never take the same record.
            ids = list(
                selectors.due(kind, rule, today)
                .select_for_update(of=("self",), skip_locked=True)
                .values_list("pk", flat=True)[:batch]
            )
            if not ids:
                return
            done = erase(kind.model._default_manager.filter(pk__in=ids))
            RunLine.objects.filter(pk=line.pk).update(done=F("done") + done)
        if not done:
            return


class RunUnderWay(RuntimeError):
    """Another process is running retention now."""


@contextmanager
def _alone() -> Iterator[None]:
    # One run at a time in the whole database: a second would log the first one's unfinished
    # lines as cut short. A session lock, so a process that dies lets go of it.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [RUN_LOCK])
        if not cursor.fetchone()[0]:
            raise RunUnderWay
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [RUN_LOCK])


def run(*, dry_run: bool = False, today: datetime.date | None = None, batch: int = BATCH) -> Run:
    """One pass over every record type. Idempotent: what went is no longer due."""
    with _alone():
        return _run(dry_run=dry_run, today=today or timezone.localdate(), batch=batch)


def _run(*, dry_run: bool, today: datetime.date, batch: int) -> Run:
    _log_interrupted()
    rules = {rule.record_type: rule for rule in Rule.objects.all()}
    this = Run.objects.create(dry_run=dry_run, today=today)
    for kind in kinds.registered():
        rule = rules.get(kind.code)
        if rule is None:
            continue  # no rule, nothing goes: the plan shows the type as kept
        records = selectors.candidates(kind, rule, today)
        line = RunLine.objects.create(
            run=this, record_type=kind.code, action=rule.action, reference=rule.reference,
            enforced=rule.enforced and not dry_run,
            due=records.exclude(selectors.held(kind)).count(),
            held=records.filter(selectors.held(kind)).count(),
        )  # fmt: skip
        if line.enforced and line.due:
            _erase(kind, rule, line, today, batch)
            line.refresh_from_db()
        _log(line)
    _retire_log(rules.get(audit_log.RECORD_TYPE), this, dry_run=dry_run, today=today)
    this.finished_at = timezone.now()
    this.save(update_fields=["finished_at"])
    return this


def _retire_log(rule: Rule | None, this: Run, *, dry_run: bool, today: datetime.date) -> None:
    """The audit log's months, last: counted like a record type, retired whole when enforced."""
    if rule is None or rule.anchor == Rule.Anchor.NEVER:
        return
    line = RunLine.objects.create(
        run=this, record_type=audit_log.RECORD_TYPE, action=rule.action,
        reference=rule.reference, enforced=rule.enforced and not dry_run,
        due=audit_log.due(rule, today).rows,
    )  # fmt: skip
    if line.enforced and line.due:
        try:
            line.done = audit_log.retire(rule, today)
        except (audit_log.LogBroken, IntegrityError):
            # Nothing went: the months wait, and the line says due and not done.
            line.done = 0
        line.save(update_fields=["done"])
    _log(line)


# Legal holds.


def _registered(record_type: str) -> kinds.RetentionKind | None:
    return {kind.code: kind for kind in kinds.registered()}.get(record_type)


def _child_of(record_type: str, record_id: int) -> int | None:
    kind = _registered(record_type)
    if kind is None:
        return None
    records = kind.model._default_manager.filter(pk=record_id)
    return records.values_list(kind.child_id, flat=True).first()


def _record_child(record_type: str, record_id: int) -> int | None:
    kind = _registered(record_type)
    if kind is None or not kind.model._default_manager.filter(pk=record_id).exists():
        raise ValidationError({"record_id": _("There is no such record of that type.")})
    return _child_of(record_type, record_id)


def _place(
    *, actor: Actor, record_type: str, record_id: int, child_id: int | None, reason: str,
    reference: str,
) -> LegalHold:  # fmt: skip
    if selectors.holds_in_force().filter(record_type=record_type, record_id=record_id).exists():
        raise ValidationError({"record_id": _("A legal hold already keeps that record.")})
    hold = LegalHold(
        record_type=record_type, record_id=record_id, reason=reason, reference=reference,
        set_by=actor.staff, unit_id=actor.unit.pk,
    )  # fmt: skip
    hold.full_clean()
    hold.save()
    audit.record_change(
        actor=actor, child_id=child_id, obj="legal_hold", obj_id=hold.pk,
        event="legal_hold_set", purpose=access.default_purpose(actor),
        detail={"record_type": record_type, "record_id": record_id, "reference": reference},
    )  # fmt: skip
    return hold


@transaction.atomic
def set_hold(
    *, actor: Actor, record_type: str, record_id: int, reason: str, reference: str
) -> LegalHold:
    """An administrator's hold on a child or one record, named by number."""
    access.require(actor, selectors.PERMISSION)
    child_id = _record_child(record_type, record_id)
    return _place(
        actor=actor, record_type=record_type, record_id=record_id, child_id=child_id,
        reason=reason, reference=reference,
    )  # fmt: skip


@transaction.atomic
def set_child_hold(*, actor: Actor, child_id: int, reason: str, reference: str) -> LegalHold:
    """A hold on the child and every record about them, placed from the child's page by the
    manager of a unit that has the child (`access.rules.may_hold_child`)."""
    access.require_hold_child(actor, child_id)
    return _place(
        actor=actor, record_type="child", record_id=child_id, child_id=child_id, reason=reason,
        reference=reference,
    )  # fmt: skip


@transaction.atomic
def lift_child_hold(*, actor: Actor, child_id: int, hold_id: int) -> LegalHold:
    """From the child's page: only a hold on this child that the actor's own unit placed; one
    an administrator or another unit placed is lifted by an administrator."""
    access.require_hold_child(actor, child_id)
    held = selectors.holds_in_force().filter(record_type="child", record_id=child_id)
    if not held.filter(pk=hold_id, unit_id=actor.unit.pk).exists():
        raise ValidationError(
            _("Only an administrator, or the unit that placed it, lifts that legal hold.")
        )
    return _lift(actor=actor, hold_id=hold_id)


@transaction.atomic
def lift_hold(*, actor: Actor, hold_id: int) -> LegalHold:
    access.require(actor, selectors.PERMISSION)
    return _lift(actor=actor, hold_id=hold_id)


def _lift(*, actor: Actor, hold_id: int) -> LegalHold:
    hold = selectors.holds_in_force().select_for_update().filter(pk=hold_id).first()
    if hold is None:
        raise ValidationError(_("That legal hold is not in force."))
    hold.lifted_at, hold.lifted_by = timezone.now(), actor.staff
    hold.save(update_fields=["lifted_at", "lifted_by"])
    audit.record_change(
        actor=actor, child_id=_child_of(hold.record_type, hold.record_id), obj="legal_hold",
        obj_id=hold.pk, event="legal_hold_lifted", purpose=access.default_purpose(actor),
        detail={"record_type": hold.record_type, "record_id": hold.record_id},
    )  # fmt: skip
    return hold


# The rules.

EDITABLE = ("anchor", "years", "by_end_of_next_year", "sample_days", "action", "reference")


def check_rule(rule: Rule) -> None:
    """What the database cannot say: an action the record type has, the law's floor."""
    errors: dict[str, str] = {}
    if rule.anchor != Rule.Anchor.NEVER and rule.years < rule.minimum_years:
        errors["years"] = _("The law sets at least %(years)s years for this record type.") % {
            "years": rule.minimum_years
        }
    if rule.record_type == audit_log.RECORD_TYPE and rule.anchor == Rule.Anchor.BIRTH:
        errors["anchor"] = _("The log is kept for years after its entries, whoever they name.")
    kind = _registered(rule.record_type)
    if rule.action == Rule.Action.ANONYMISE and (kind is None or kind.anonymise is None):
        errors["action"] = _("This record type can only be deleted.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def change_rule(*, actor: Actor, rule_id: int, **fields) -> Rule:
    """A changed rule runs dry again until enforced after a dry run (dry-run first)."""
    rule = selectors.rule_for(actor, rule_id)
    rule = Rule.objects.select_for_update().get(pk=rule.pk)
    before = {name: getattr(rule, name) for name in EDITABLE}
    for name in EDITABLE:
        if name in fields:
            setattr(rule, name, fields[name])
    after = {name: getattr(rule, name) for name in EDITABLE}
    if after == before:
        return rule
    check_rule(rule)
    rule.enforced, rule.changed_at = False, timezone.now()
    rule.full_clean()
    rule.save()
    audit.record_change(
        actor=actor, child_id=None, obj="retention_rule", obj_id=rule.pk,
        event="retention_rule_changed", purpose=access.default_purpose(actor),
        detail={"record_type": rule.record_type, "before": before, "after": after},
    )  # fmt: skip
    return rule


@transaction.atomic
def enforce_rule(*, actor: Actor, rule_id: int) -> Rule:
    rule = selectors.rule_for(actor, rule_id)
    rule = Rule.objects.select_for_update().get(pk=rule.pk)
    if rule.anchor == Rule.Anchor.NEVER:
        raise ValidationError(_("A record type that is never deleted has nothing to enforce."))
    if selectors.dry_run_since_change(rule) is None:
        raise ValidationError(
            _("Run a dry run of the rule as it now stands, and read it, before it deletes.")
        )
    rule.enforced = True
    rule.save(update_fields=["enforced"])
    audit.record_change(
        actor=actor, child_id=None, obj="retention_rule", obj_id=rule.pk,
        event="retention_rule_enforced", purpose=access.default_purpose(actor),
        detail={"record_type": rule.record_type},
    )  # fmt: skip
    return rule
