import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from samsyn.audit.models import Entry


# The writers are processes with their own connections: they see only committed rows.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_bench_audit_appends_in_one_organisation_and_writes_the_issues_json(tmp_path):
    out = tmp_path / "bench.json"
    stdout = StringIO()
    before = Entry.objects.filter(organisation_id=-1).count()
    call_command(
        "bench", "audit", "--writers", "2", "--seconds", "0.3", "--json", str(out), stdout=stdout
    )  # fmt: skip
    append, check = json.loads(out.read_text())["paths"]
    assert append["name"] == "audit append"
    assert append["writers"] == 2
    assert append["rows_per_s"] > 0
    assert append["p99_ms"] >= append["p50_ms"] > 0
    # The floor ran in the same command: the same writers, the same rows, no chain.
    assert append["floor_rows_per_s"] > 0
    assert append["floor_p99_ms"] >= append["floor_p50_ms"] > 0
    assert append["ratio"] == round(append["p50_ms"] / append["floor_p50_ms"], 2)
    assert check["name"] == "audit verify"
    assert check["rows"] >= Entry.objects.count()
    assert check["rows_per_s"] > 0
    assert Entry.objects.filter(organisation_id=-1).count() > before + 2
    assert "audit append" in stdout.getvalue()
    assert "rows_per_s" in stdout.getvalue()
    assert "floor_p50_ms" in stdout.getvalue()
    with connection.cursor() as cursor:  # the floor's table goes with the run
        cursor.execute("SELECT to_regclass('bench_audit_floor')")
        assert cursor.fetchone()[0] is None
