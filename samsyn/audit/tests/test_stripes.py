"""Several chains per organisation (docs/adr/0010): concurrent writers of one organisation take
different stripes instead of queueing, a rolled-back transaction leaves no gap, and the chains
written by Python before migration 0003 still verify."""

import hashlib
import json
import threading
from datetime import UTC, datetime

import psycopg
import pytest
from django.db import connection, connections, transaction

from samsyn.access.rules import Decision
from samsyn.audit import services as audit
from samsyn.audit.models import ChainHead, Entry
from samsyn.audit.verify import verify
from samsyn.directory.tests.factories import make_actor


def _read(actor, child_id=1):
    return audit.record_read(
        actor=actor, child_id=child_id, obj="child", obj_id=child_id, purpose="treatment",
        decision=Decision(True, "involvement", {"involvement_id": 7}),
    )  # fmt: skip


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_log_1_two_open_transactions_of_one_organisation_append_side_by_side():
    actor = make_actor()
    holding, done = threading.Event(), threading.Event()
    chains = {}

    def first_writer():
        try:
            with transaction.atomic():
                chains["first"] = Entry.objects.get(pk=_read(actor)).chain
                holding.set()
                # Its stripe stays taken until commit: the second writer must not wait for it.
                assert done.wait(timeout=30)
        finally:
            holding.set()
            connections.close_all()

    thread = threading.Thread(target=first_writer)
    thread.start()
    assert holding.wait(timeout=30)
    with transaction.atomic():
        chains["second"] = Entry.objects.get(pk=_read(actor)).chain
    done.set()
    thread.join()
    assert chains["first"] != chains["second"]
    assert {chains["first"].split("/")[0], chains["second"].split("/")[0]} == {
        f"org:{actor.organisation.pk}"
    }
    assert verify().ok


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_log_1_a_rolled_back_append_leaves_no_gap():
    actor = make_actor()
    first = Entry.objects.get(pk=_read(actor))
    with transaction.atomic():
        _read(actor)
        # The request fails after its read was logged.
        transaction.set_rollback(True)
    after = Entry.objects.get(pk=_read(actor))
    assert (after.chain, after.seq, after.prev_hash) == (first.chain, first.seq + 1, first.hash)
    assert ChainHead.objects.get(chain=after.chain).seq == after.seq
    assert verify().ok


def _python_link(prev_hash: str, row: dict) -> str:
    """How rows were hashed before migration 0003: kept here to write such rows."""
    fields = {**row, "at": row["at"].astimezone(UTC).isoformat()}
    body = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def _write_python_chain(chain: str, details: list[dict]) -> list[int]:
    ids, prev = [], "0" * 64
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_link")
        for seq, detail in enumerate(details, start=1):
            row = {
                "at": datetime(2026, 12, 1, 8, 0, seq, 0 if seq == 1 else 250, tzinfo=UTC),
                "chain": chain, "seq": seq, "user_id": None, "staff_id": 4,
                "staff_name": 'Åsa "Lill" Öberg\n', "organisation_id": 9,
                "organisation_name": "BUP Örebro", "unit_id": 3, "unit_name": "Mottagning\t1",
                "role": "vardpersonal", "action": "read", "outcome": "allowed", "child_id": 7,
                "object_type": "child", "object_id": "7", "purpose": "treatment",
                "basis": {"basis": "consent", "consent_id": 12, "relationship": {"z": 1, "ä": [2]}},
                "detail": detail,
            }  # fmt: skip
            digest = _python_link(prev, row)
            cursor.execute(
                "INSERT INTO audit_entry (at, chain, seq, prev_hash, hash, user_id, staff_id,"
                " staff_name, organisation_id, organisation_name, unit_id, unit_name, role,"
                " action, outcome, child_id, object_type, object_id, purpose, basis, detail)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s,"
                " %s, %s, %s) RETURNING id",
                [
                    row["at"], chain, seq, prev, digest, None, 4, row["staff_name"], 9,
                    row["organisation_name"], 3, row["unit_name"], "vardpersonal", "read",
                    "allowed", 7, "child", "7", "treatment", json.dumps(row["basis"]),
                    json.dumps(detail),
                ],
            )  # fmt: skip
            ids.append(cursor.fetchone()[0])
            prev = digest
        cursor.execute(
            "INSERT INTO audit_chainhead (chain, seq, hash) VALUES (%s, %s, %s)",
            [chain, len(details), prev],
        )
        cursor.execute("ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_link")
    return ids


@pytest.mark.django_db
def test_log_1_chains_written_before_the_stripes_still_verify():
    _write_python_chain(
        "org:999001",
        [{}, {"child_ids": [3, 1, 2], "bb": None, "a": True}, {"text": "ny\\rad \u0001 ✓"}],
    )
    assert verify().ok


@pytest.mark.django_db
def test_log_1_verify_finds_an_altered_row_in_a_chain_from_before_the_stripes():
    ids = _write_python_chain("org:999002", [{}, {"child_ids": [1]}, {}])
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only")
        cursor.execute(
            "UPDATE audit_entry SET detail = '{\"child_ids\": [2]}' WHERE id = %s", [ids[1]]
        )
        cursor.execute("ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_append_only")
    (broken,) = verify().breaks
    assert (broken.chain, broken.entry_id) == ("org:999002", ids[1])
    assert "altered" in broken.reason


@pytest.mark.django_db
def test_log_1_verify_reports_progress_in_batches():
    actor = make_actor()
    for _ in range(5):
        _read(actor)
    seen = []
    report = verify(progress=lambda done, total: seen.append(done), batch=2)
    assert report.ok
    assert seen == sorted(seen)
    assert seen[-1] == report.entries
    assert len(seen) >= 3


@pytest.mark.django_db
def test_log_1_verify_inside_a_transaction_sees_its_uncommitted_rows():
    """Parallel walks run on connections of their own, which cannot see this transaction's rows:
    asked for them here, verify walks on this connection rather than call the rows removed."""
    for actor in [make_actor() for _ in range(3)]:
        _read(actor)
    assert verify(jobs=3).ok


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_log_1_verify_in_parallel_walks_every_chain_once_and_finds_the_break():
    actors = [make_actor() for _ in range(3)]
    ids = [_read(actor) for actor in actors for _ in range(4)]
    single = verify()
    assert single.ok
    # Committed, since the parallel walks see only committed rows; put back afterwards, as
    # the log outlives the test (the table is not flushed).
    _set_purpose(ids[6], "x")
    try:
        report = verify(jobs=3, batch=2)
    finally:
        _set_purpose(ids[6], "treatment")
    assert report.entries == single.entries
    assert [link.entry_id for link in report.breaks] == [ids[6]]


def _set_purpose(entry_id: int, purpose: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only")
        cursor.execute("UPDATE audit_entry SET purpose = %s WHERE id = %s", [purpose, entry_id])
        cursor.execute("ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_append_only")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_log_1_a_writer_killed_mid_transaction_leaves_no_gap():
    actor = make_actor()
    _read(actor)
    doomed = psycopg.connect(**connection.get_connection_params())
    with doomed.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_entry (at, staff_name, organisation_id, organisation_name,"
            " unit_name, role, action, outcome, object_type, object_id, purpose, basis, detail)"
            " VALUES (now(), 'x', %s, 'y', 'z', 'r', 'read', 'allowed', 'child', '1', 'p', '{}',"
            " '{}') RETURNING chain, seq, pg_backend_pid()",
            [actor.organisation.pk],
        )
        chain, seq, pid = cursor.fetchone()
    # The server ends that backend as a crash would: its transaction never commits.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s, 10000)", [pid])
    doomed.close()
    assert not Entry.objects.filter(chain=chain, seq=seq, staff_name="x").exists()
    for _ in range(3):
        _read(actor)
    assert verify().ok
    heads = ChainHead.objects.filter(chain__startswith=f"org:{actor.organisation.pk}/")
    assert heads.exists()
    for head in heads:
        assert Entry.objects.filter(chain=head.chain).count() == head.seq
