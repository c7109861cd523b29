import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.utils import ProgrammingError

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


def test_log_1_each_organisation_has_its_own_chain():
    first, second = make_actor(), make_actor()
    ids = [_read(first), _read(second), _read(first)]
    entries = list(Entry.objects.filter(pk__in=ids).order_by("id"))
    assert [e.chain for e in entries] == [
        f"org:{first.organisation.pk}", f"org:{second.organisation.pk}",
        f"org:{first.organisation.pk}",
    ]  # fmt: skip
    assert entries[2].seq == entries[0].seq + 1
    assert entries[2].prev_hash == entries[0].hash
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


def test_log_1_verify_finds_a_removed_last_row():
    actor = make_actor()
    ids = [_read(actor) for _ in range(2)]
    _tamper("DELETE FROM audit_entry WHERE id = %s", [ids[1]])
    (broken,) = verify().breaks
    assert "removed" in broken.reason
