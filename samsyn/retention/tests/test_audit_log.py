"""DOMAIN LOG-1 and RET-1: the audit log is kept its rule's years (at least five) and then
retired a whole month at a time; every chain with rows in the months is sealed at its last link
there (a checkpoint), so `audit verify` passes after the cut and still finds tampering after it."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.utils import ProgrammingError
from django.utils import timezone

from samsyn.audit.models import Entry
from samsyn.audit.verify import verify
from samsyn.directory.models import Role
from samsyn.directory.tests.factories import make_actor
from samsyn.retention import audit_log, selectors, services
from samsyn.retention.models import Rule

pytestmark = pytest.mark.django_db

# An organisation no register holds, so its chain is this test's own.
ORGANISATION = 987_654_321
OLD = [datetime.datetime(2019, 1, day, 12, tzinfo=datetime.UTC) for day in (5, 15, 25)] + [
    datetime.datetime(2019, 2, day, 12, tzinfo=datetime.UTC) for day in (5, 15)
]


def _append(at: datetime.datetime) -> tuple[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT audit_ensure_partition(%s)", [at])
        cursor.execute(
            "INSERT INTO audit_entry (at, staff_name, organisation_id, organisation_name,"
            " unit_name, role, action, outcome, child_id, object_type, object_id, purpose, basis,"
            " detail) VALUES (%s, 'Test', %s, 'Test', '', 'handlaggare', 'read', 'allowed', 1,"
            " 'child', '1', 'investigation', '{}', '{}') RETURNING chain, seq",
            [at, ORGANISATION],
        )
        return cursor.fetchone()


def _partitions() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = 'audit_entry'::regclass"
        )
        return {name for (name,) in cursor.fetchall()}


def _breaks(chain: str) -> list:
    return [link for link in verify().breaks if link.chain == chain]


@pytest.fixture
def chain() -> str:
    """Five rows in January and February 2019, then two today, in one chain."""
    for at in OLD:
        name, _ = _append(at)
    _append(timezone.now())
    _append(timezone.now())
    return name


def _rule() -> Rule:
    return Rule.objects.get(record_type=audit_log.RECORD_TYPE)


def test_ret_1_the_log_is_kept_five_years_at_least():
    rule = _rule()
    assert (rule.years, rule.minimum_years, rule.enforced) == (5, 5, False)
    assert "LOG-1" in rule.reference
    with pytest.raises(ValidationError):
        services.change_rule(actor=make_actor(role=Role.ADMINISTRATOR), rule_id=rule.pk, years=4)
    with pytest.raises(ValidationError) as refused:
        services.change_rule(
            actor=make_actor(role=Role.ADMINISTRATOR), rule_id=rule.pk, anchor="birth"
        )
    assert "anchor" in refused.value.message_dict
    # A month goes only when its last day is five years back.
    assert audit_log.cut_for(rule, datetime.date(2024, 3, 10)) == datetime.datetime(
        2019, 3, 1, tzinfo=datetime.UTC
    )


def test_ret_1_a_dry_run_counts_the_months_and_retires_nothing(chain):
    run = services.run(dry_run=True)
    line = run.lines.get(record_type=audit_log.RECORD_TYPE)
    assert (line.due, line.done, line.enforced) == (len(OLD), 0, False)
    assert {"audit_entry_y2019m01", "audit_entry_y2019m02"} <= _partitions()
    plan = next(line for line in selectors.plan() if line.log)
    assert plan.due == len(OLD)


def test_ret_1_retiring_months_seals_each_chain_and_verify_passes_after_the_cut(chain):
    head = Entry.objects.get(chain=chain, seq=len(OLD))
    Rule.objects.filter(record_type=audit_log.RECORD_TYPE).update(enforced=True)
    run = services.run()
    line = run.lines.get(record_type=audit_log.RECORD_TYPE)
    assert (line.due, line.done) == (len(OLD), len(OLD))
    assert not {"audit_entry_y2019m01", "audit_entry_y2019m02"} & _partitions()
    kept = Entry.objects.filter(chain=chain).order_by("seq")
    assert list(kept.values_list("seq", flat=True)) == [len(OLD) + 1, len(OLD) + 2]
    with connection.cursor() as cursor:
        cursor.execute("SELECT seq, hash FROM audit_checkpoint WHERE chain = %s", [chain])
        assert cursor.fetchone() == (len(OLD), head.hash)
    assert _breaks(chain) == []
    retired = Entry.objects.get(action="audit_months_retired", object_id="2019-02")
    assert retired.detail["checkpoints"][chain] == [len(OLD), head.hash]
    assert retired.detail["months"] == ["2019-01", "2019-02"]
    # Nothing is due any more; the next run retires nothing.
    assert services.run().lines.get(record_type=audit_log.RECORD_TYPE).due == 0


def test_ret_1_a_chain_retired_whole_ends_at_its_checkpoint():
    for at in OLD:
        name, _ = _append(at)
    audit_log.retire(_rule())
    assert not Entry.objects.filter(chain=name).exists()
    assert _breaks(name) == []


def _retired(chain: str) -> list[int]:
    audit_log.retire(_rule())
    return list(Entry.objects.filter(chain=chain).order_by("seq").values_list("id", flat=True))


def _tamper(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only")
        cursor.execute(sql, params)
        cursor.execute("ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_append_only")


def test_ret_1_verify_still_finds_an_altered_row_after_the_cut(chain):
    first, _ = _retired(chain)
    _tamper("UPDATE audit_entry SET purpose = 'treatment' WHERE id = %s", [first])
    (broken,) = _breaks(chain)
    assert (broken.entry_id, broken.reason) == (
        first, "its content does not match its hash (the row was altered)",
    )  # fmt: skip


def test_ret_1_verify_still_finds_the_first_kept_row_removed(chain):
    first, second = _retired(chain)
    _tamper("DELETE FROM audit_entry WHERE id = %s", [first])
    (broken,) = _breaks(chain)
    assert broken.entry_id == second
    assert "missing" in broken.reason


def test_ret_1_a_checkpoint_moved_or_deleted_is_refused_and_a_changed_one_is_found(chain):
    _retired(chain)
    for statement in (
        "DELETE FROM audit_checkpoint WHERE chain = %s",
        "UPDATE audit_checkpoint SET seq = seq - 1 WHERE chain = %s",
    ):
        with pytest.raises(ProgrammingError), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement, [chain])
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_checkpoint DISABLE TRIGGER audit_checkpoint_forward")
        cursor.execute(
            "UPDATE audit_checkpoint SET hash = repeat('1', 64) WHERE chain = %s", [chain]
        )
        cursor.execute("ALTER TABLE audit_checkpoint ENABLE TRIGGER audit_checkpoint_forward")
    (broken,) = _breaks(chain)
    assert broken.reason == "its previous hash does not match the link before it"


def test_ret_1_a_month_whose_row_was_linked_after_the_next_months_waits():
    """A row stamped before midnight and linked after a row of the next month: retiring its
    month alone would seal the chain past a link that stays, so the database refuses."""
    name, _ = _append(datetime.datetime(2019, 2, 28, 12, tzinfo=datetime.UTC))
    _append(datetime.datetime(2019, 3, 1, 0, 0, 1, tzinfo=datetime.UTC))
    _append(datetime.datetime(2019, 2, 28, 23, 59, 59, tzinfo=datetime.UTC))
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT audit_retire_months(%s)", ["2019-03-01T00:00:00Z"])
    assert Entry.objects.filter(chain=name).count() == 3


def test_ret_1_a_broken_chain_is_never_sealed(chain):
    first = Entry.objects.get(chain=chain, seq=2)
    _tamper("UPDATE audit_entry SET purpose = 'treatment' WHERE id = %s AND at = %s",
            [first.pk, first.at])  # fmt: skip
    with pytest.raises(audit_log.LogBroken):
        audit_log.retire(_rule())
    assert "audit_entry_y2019m01" in _partitions()
