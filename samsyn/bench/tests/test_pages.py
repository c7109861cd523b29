import json
from io import StringIO

import pytest
from django.core.management import call_command

NAMES = {
    "child page",
    "children list",
    "start page",
    "SIP page",
    "plan save",
    "api child",
    "api sip",
}


# gunicorn is another process with its own connection: it sees only committed rows.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_bench_pages_times_each_page_through_gunicorn_against_its_own_sql(tmp_path):
    out = tmp_path / "bench.json"
    stdout = StringIO()
    call_command(
        "bench", "pages", "--build", "300", "--rounds", "2", "--json", str(out), stdout=stdout
    )  # fmt: skip
    rows = json.loads(out.read_text())["paths"]
    assert {row["name"] for row in rows} == NAMES
    for row in rows:
        assert row["p95_ms"] >= row["p50_ms"] > 0, row
        assert row["floor_p50_ms"] > 0, row
        assert row["ratio"] == pytest.approx(row["p50_ms"] / row["floor_p50_ms"], abs=0.1)
        assert row["statements"] > 0, row
    assert "floor_p50_ms" in stdout.getvalue()
