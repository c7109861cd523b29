import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.utils import ProgrammingError
from django.test.utils import CaptureQueriesContext

from samsyn.access.rules import Decision
from samsyn.audit import services as audit
from samsyn.audit.models import Entry
from samsyn.audit.verify import verify
from samsyn.directory.tests.factories import make_actor

pytestmark = pytest.mark.django_db


def _read(actor, child_id=1):
    return audit.record_read(
        actor=actor, child_id=child_id, obj="child", obj_id=child_id, purpose="treatment",
        decision=Decision(True, "involvement", {"involvement_id": 7}),
    )  # fmt: skip


def test_log_1_rows_name_actor_organisation_purpose_and_ground():
    actor = make_actor()
    entry = Entry.objects.get(pk=_read(actor, child_id=42))
    assert entry.staff_name == actor.staff.name
    assert entry.organisation_name == actor.organisation.name
    assert entry.unit_name == actor.unit.name
    assert (entry.role, entry.action, entry.child_id, entry.purpose) == (
        "handlaggare", "read", 42, "treatment",
    )  # fmt: skip
    assert entry.basis == {"basis": "involvement", "involvement_id": 7}


def test_log_1_each_organisation_has_its_own_chains():
    first, second = make_actor(), make_actor()
    ids = [_read(first), _read(second), _read(first)]
    entries = list(Entry.objects.filter(pk__in=ids).order_by("id"))
    owners = [e.chain.split("/")[0] for e in entries]
    assert owners == [
        f"org:{first.organisation.pk}", f"org:{second.organisation.pk}",
        f"org:{first.organisation.pk}",
    ]  # fmt: skip
    # One transaction keeps the stripe it took: its rows follow each other in one chain.
    assert entries[2].chain == entries[0].chain
    assert entries[2].seq == entries[0].seq + 1
    assert entries[2].prev_hash == entries[0].hash
    assert verify().ok


def test_log_1_several_reads_in_one_insert_follow_each_other_in_the_chain():
    """The child's page writes its reads (the child, its SIPs' parties, its assessments) in one
    statement: each is its own row, as `record_read` writes it, linked in turn."""
    actor = make_actor()
    before = _read(actor)
    listed = Decision(True, "list")
    reads = [
        audit.Read(
            child_id=42, obj=obj, obj_id=42, purpose=purpose, decision=decision, detail=detail
        )
        for obj, purpose, decision, detail in (
            ("child", "treatment", Decision(True, "involvement"), {"page": 1}),
            ("sip_parties", "planning", listed, {"case_ids": [3, 1]}),
            ("assessment_list", "treatment", listed, {"assessment_ids": [5]}),
        )
    ]
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        ids = audit.record_reads(actor=actor, reads=reads)
    inserts = [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1
    entries = list(Entry.objects.filter(pk__in=ids).order_by("id"))
    assert [e.pk for e in entries] == ids
    assert [(e.object_type, e.object_id, e.purpose, e.detail) for e in entries] == [
        ("child", "42", "treatment", {"page": 1}),
        ("sip_parties", "42", "planning", {"case_ids": [3, 1]}),
        ("assessment_list", "42", "treatment", {"assessment_ids": [5]}),
    ]
    assert entries[0].basis == {"basis": "involvement"}
    assert {e.action for e in entries} == {"read"}
    assert len({e.chain for e in entries}) == 1
    assert [e.seq for e in entries] == [entries[0].seq + n for n in range(3)]
    assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]
    assert audit.record_reads(actor=actor, reads=[]) == []
    assert before not in ids
    assert verify().ok


def test_log_1_the_database_links_the_row_whatever_the_insert_says():
    actor = make_actor()
    _read(actor)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_entry (at, chain, seq, prev_hash, hash, staff_name,"
            " organisation_id, organisation_name, unit_name, role, action, outcome,"
            " object_type, object_id, purpose, basis, detail) VALUES (now(), 'org:1/0', 1,"
            " repeat('0', 64), repeat('f', 64), 'x', %s, 'y', 'z', 'r', 'read', 'allowed',"
            " 'child', '1', 'p', '{}', '{}') RETURNING id",
            [actor.organisation.pk],
        )
        forged = Entry.objects.get(pk=cursor.fetchone()[0])
    assert forged.chain.startswith(f"org:{actor.organisation.pk}/")
    assert (forged.seq, forged.hash) != (1, "f" * 64)
    assert verify().ok


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_entry SET purpose = 'x'", "DELETE FROM audit_entry", "TRUNCATE audit_entry"],
)
def test_log_1_trigger_refuses_update_delete_truncate(statement):
    _read(make_actor())
    with pytest.raises(ProgrammingError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(statement)


def _tamper(sql, params):
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only")
        cursor.execute(sql, params)
        cursor.execute("ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_append_only")


def test_log_1_verify_finds_an_altered_row():
    actor = make_actor()
    ids = [_read(actor) for _ in range(3)]
    _tamper("UPDATE audit_entry SET purpose = 'investigation' WHERE id = %s", [ids[1]])
    report = verify()
    assert [(b.entry_id, b.reason) for b in report.breaks] == [
        (ids[1], "its content does not match its hash (the row was altered)")
    ]
    with pytest.raises(CommandError, match="1 broken chain"):
        call_command("audit", "verify")


def test_log_1_verify_finds_a_removed_row():
    actor = make_actor()
    ids = [_read(actor) for _ in range(3)]
    _tamper("DELETE FROM audit_entry WHERE id = %s", [ids[1]])
    (broken,) = verify().breaks
    assert broken.entry_id == ids[2]
    assert "missing" in broken.reason


def test_log_1_verify_finds_a_broken_link():
    actor = make_actor()
    ids = [_read(actor) for _ in range(3)]
    _tamper("UPDATE audit_entry SET prev_hash = repeat('1', 64) WHERE id = %s", [ids[1]])
    (broken,) = verify().breaks
    assert (broken.entry_id, broken.reason) == (
        ids[1],
        "its previous hash does not match the link before it",
    )


def test_log_1_verify_finds_an_altered_row_whose_hash_was_recomputed():
    """Rewriting a row and its hash breaks the next link: only rewriting the rest of the chain
    and its head would hide it, and the head is compared with the chain's end."""
    actor = make_actor()
    ids = [_read(actor) for _ in range(3)]
    _tamper(
        "UPDATE audit_entry SET purpose = 'investigation', hash = audit_link_hash(prev_hash, at,"
        " chain, seq, user_id, staff_id, staff_name, organisation_id, organisation_name, unit_id,"
        " unit_name, role, action, outcome, child_id, object_type, object_id, 'investigation',"
        " basis, detail) WHERE id = %s",
        [ids[1]],
    )
    (broken,) = verify().breaks
    assert (broken.entry_id, broken.reason) == (
        ids[2],
        "its previous hash does not match the link before it",
    )


def test_log_1_verify_finds_a_removed_last_row():
    actor = make_actor()
    ids = [_read(actor) for _ in range(2)]
    _tamper("DELETE FROM audit_entry WHERE id = %s", [ids[1]])
    (broken,) = verify().breaks
    assert "removed" in broken.reason
