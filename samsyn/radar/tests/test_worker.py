"""Issue 11, point 5: the scan runs on the real task worker, never in a web request, and each
run schedules the next; scheduling twice enqueues one."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from samsyn.concerns.tests.factories import ReportFactory
from samsyn.radar import tasks
from samsyn.radar.models import Signal

# Serialized rollback: the flush after a transactional test would take the rules seeded by the
# migrations with it.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_worker_runs_the_scan_and_schedules_the_next():
    ReportFactory(received_at=timezone.now() - datetime.timedelta(days=3))
    assert tasks.schedule() is True
    assert tasks.schedule() is False  # one waiting is enough
    call_command("db_worker", batch=True, verbosity=0)
    assert Signal.objects.filter(rule__code="RAD-6").count() == 1
    done = DBTaskResult.objects.get(status="SUCCESSFUL")
    assert done.return_value["RAD-6"]["raised"] == 1
    waiting = DBTaskResult.objects.get(status="READY")
    assert waiting.run_after > timezone.now() + datetime.timedelta(minutes=30)
