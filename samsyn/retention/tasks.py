"""The retention run on the task worker (DOMAIN RET-1): never in a web request. Each run
schedules the next, as the radar's scan does; `schedule()` is safe to call at every start, as
it adds none while one waits. Rules not yet enforced are only counted (dry-run first)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.tasks import task

from samsyn.common.tasks import enqueue_unless_waiting
from samsyn.retention import services


def _interval() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.SAMSYN_RETENTION_RUN_HOURS)


@task()
def run_retention() -> dict:
    try:
        run = services.run()
    except services.RunUnderWay:
        return {"under_way": True}
    else:
        return {line.record_type: {"due": line.due, "held": line.held, "done": line.done}
                for line in run.lines.all()}  # fmt: skip
    finally:
        schedule(after=_interval())


def schedule(*, after: datetime.timedelta = datetime.timedelta(0)) -> bool:
    """Enqueue the next run unless one is already waiting. True if one was enqueued."""
    return enqueue_unless_waiting(run_retention, after=after)
