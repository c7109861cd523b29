"""The log follow-up's counts of days that are over (ReadDay, ADR 0013), made on the task worker
so that the page reads them instead of a month of the log: each run counts the days not yet
counted (from 8 weeks before the oldest month the page offers), forgets the days the log's
retention has retired, and schedules the next, as the radar's scan does; `schedule()` is safe
to call at every start. The page catches up a day it finds missing itself."""

from __future__ import annotations

import datetime

from django.tasks import task

from samsyn.audit import selectors
from samsyn.common.tasks import enqueue_unless_waiting

INTERVAL = datetime.timedelta(hours=1)


@task()
def summarise_reads() -> dict:
    try:
        months = selectors.follow_up_months()
        first = months[-1] - datetime.timedelta(weeks=selectors.USUAL_WEEKS)
        until = selectors.summarised_until()
        # A month at a time: one statement and one transaction never hold more than a month.
        while first < until:
            step = min(selectors.next_month(first), until)
            selectors.catch_up(first, step)
            first = step
        return {"forgotten": selectors.forget_retired_days()}
    finally:
        schedule(after=INTERVAL)


def schedule(*, after: datetime.timedelta = datetime.timedelta(0)) -> bool:
    """Enqueue the next run unless one is already waiting. True if one was enqueued."""
    return enqueue_unless_waiting(summarise_reads, after=after)
