import json
from io import StringIO

import pytest
from django.core.management import call_command

from samsyn.bench import load
from samsyn.demo.services import build_county

KINDS = {"child page", "children list", "start page", "SIP page", "plan save", "api child"}


# gunicorn and locust are other processes with their own connections: committed rows only.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_samsyn_load_signs_staff_in_and_has_each_kind_of_request_answered_without_error(
    tmp_path,
):
    out = tmp_path / "load.json"
    stdout = StringIO()
    call_command(
        "bench", "load", "--build", "300", "--users", "3", "--minutes", "0.34",
        "--json", str(out), stdout=stdout,
    )  # fmt: skip
    rows = {row["name"]: row for row in json.loads(out.read_text())["paths"]}
    # Each user does every kind once after signing in, however short the run.
    assert KINDS | {"sign in: password", "sign in: code", "token create"} <= set(rows)
    for row in rows.values():
        assert row["errors"] == 0, row
        assert row["p95_ms"] >= row["p50_ms"] > 0, row
    assert rows[load.TOTAL]["requests"] == sum(
        row["requests"] for name, row in rows.items() if name != load.TOTAL
    )
    assert "load average" in stdout.getvalue()


# A page that answers 404 is an error, and one error fails the command (issue 12: 0 errors).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_failed_request_fails_the_command(monkeypatch):
    real = load.staff_for

    def with_a_child_nobody_has(users):
        staff = real(users)
        for one in staff:
            one["child_pages"] = ["/children/999999999/"]
        return staff

    monkeypatch.setattr(load, "staff_for", with_a_child_nobody_has)
    stdout = StringIO()
    with pytest.raises(SystemExit, match="failed requests"):
        call_command(
            "bench", "load", "--build", "300", "--users", "1", "--minutes", "0.2", stdout=stdout
        )  # fmt: skip
    assert "child page" in stdout.getvalue()


@pytest.mark.django_db
def test_each_user_is_a_different_login_with_children_of_its_own():
    build_county(children=300)
    staff = load.staff_for(20)
    assert len({one["username"] for one in staff}) == 20
    assert staff[0]["username"] == "handlaggare"
    assert all(one["child_pages"] and one["api_children"] for one in staff)
    assert {"admin", "analytiker"}.isdisjoint(one["username"] for one in staff)
