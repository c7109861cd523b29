"""Bounded runs of `samsyn trial crash|concurrency` against a real server: each starts the web
server on a data folder of its own, so they need no test database."""

import json

import pytest
from django.core.management import call_command


@pytest.mark.trial
def test_crash_trial_kills_web_and_database_mid_save_and_loses_nothing(tmp_path):
    figures_file = tmp_path / "crash.json"
    call_command("trial", "crash", "--trials", "3", "--json", str(figures_file))
    figures = json.loads(figures_file.read_text())
    assert figures["ok"], figures["problems"]
    assert figures["trials"] == 3
    # The seed's schedule kills each kind at least once.
    assert figures["kills"]["web"] >= 1
    assert figures["kills"]["database"] >= 1
    assert figures["acknowledged"] >= 1
    assert (figures["lost"], figures["half_written"], figures["restart_failures"]) == (0, 0, 0)
    assert figures["audit_verified"]


@pytest.mark.trial
def test_concurrent_editors_get_a_conflict_never_a_silent_overwrite(tmp_path):
    figures_file = tmp_path / "concurrency.json"
    call_command(
        "trial", "concurrency", "--editors", "4", "--rounds", "2", "--json", str(figures_file)
    )
    figures = json.loads(figures_file.read_text())
    assert figures["ok"], figures["problems"]
    assert figures["saves"] == 8
    # Every editor read before any saved: one save a round goes through, the rest are told.
    assert figures["acknowledged"] == 2
    assert figures["conflicts"] == 6
    assert (figures["silent_overwrites"], figures["unclear_conflicts"]) == (0, 0)
