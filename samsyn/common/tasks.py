"""Tasks that schedule their own next run on the worker (the radar's scan, retention, the
clearing of sessions, the log follow-up's day counts): one way to start such a chain, safe to
call at every start and at the end of every run."""

from __future__ import annotations

import datetime

from django.tasks import Task, TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult


def enqueue_unless_waiting(task: Task, *, after: datetime.timedelta) -> bool:
    """Enqueue `task` to run `after` from now unless a run of it is already waiting, so two
    starts never make two chains. True if one was enqueued."""
    waiting = DBTaskResult.objects.filter(task_path=task.module_path, status=TaskResultStatus.READY)
    if waiting.exists():
        return False
    task.using(run_after=timezone.now() + after).enqueue()
    return True
