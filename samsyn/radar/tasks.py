"""The radar's scan on the task worker (issue 11, point 5): never in a web request. Each run
schedules the next, so one enqueued scan keeps the radar going as long as a worker runs;
`schedule()` starts it and is safe to call at every start, as it adds none while one waits."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.tasks import task

from samsyn.common.tasks import enqueue_unless_waiting
from samsyn.radar.services.scan import scan


def _interval() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.SAMSYN_RADAR_SCAN_MINUTES)


@task()
def scan_radar() -> dict:
    try:
        return scan().as_dict()
    finally:
        schedule(after=_interval())


def schedule(*, after: datetime.timedelta = datetime.timedelta(0)) -> bool:
    """Enqueue the next scan unless one is already waiting. True if one was enqueued."""
    return enqueue_unless_waiting(scan_radar, after=after)
