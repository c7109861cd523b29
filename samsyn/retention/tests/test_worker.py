"""RET-1: retention runs on the task worker, never in a web request; each run schedules the
next, and scheduling twice enqueues one."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from samsyn.retention import tasks
from samsyn.retention.models import Run

# Serialized rollback: the flush after a transactional test would take the seeded rules.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_ret_1_the_worker_runs_retention_and_schedules_the_next():
    assert tasks.schedule() is True
    assert tasks.schedule() is False
    call_command("db_worker", batch=True, verbosity=0)
    run = Run.objects.get()
    assert run.finished_at is not None
    done = DBTaskResult.objects.get(status="SUCCESSFUL")
    assert "report" in done.return_value
    waiting = DBTaskResult.objects.get(status="READY")
    assert waiting.run_after > timezone.now() + datetime.timedelta(hours=12)


def test_ret_1_the_command_plans_and_runs_dry(capsys):
    call_command("retention", "plan")
    assert "report: 0 due" in capsys.readouterr().out
    call_command("retention", "run", "--dry-run")
    assert Run.objects.get().dry_run
