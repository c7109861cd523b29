"""The log follow-up's counts of the days and hours that are over (ReadDay, ADR 0013), made on
the task worker so that the page reads them instead of a month of the log: each run counts the
days not yet counted (from 8 weeks before the oldest month the page offers) and today's hours
over, forgets the days the log's retention has retired, and schedules the next, as the radar's
scan does; `schedule()` is safe to call at every start. The page catches up what it finds
missing itself."""

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
        until = selectors.counted_until()
        # A month at a time: one statement and one transaction never hold more than a month.
        # The last step counts the hours over of the day not over.
        while True:
            step = min(selectors.month_start(selectors.next_month(first)), until)
            selectors.catch_up(first, step)
            if step == until:
                break
            first = selectors.next_month(first)
        return {"forgotten": selectors.forget_retired_days()}
    finally:
        schedule(after=INTERVAL)


def schedule(*, after: datetime.timedelta = datetime.timedelta(0)) -> bool:
    """Enqueue the next run unless one is already waiting. True if one was enqueued."""
    return enqueue_unless_waiting(summarise_reads, after=after)
