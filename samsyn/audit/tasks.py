"""The log follow-up's counts of the days and hours that are over (ReadDay, ADR 0013), made on
the task worker so that the page reads them instead of a month of the log: each run counts the
days not yet counted (from 8 weeks before the oldest month the page offers) and today's hours
over, forgets the days the log's retention has retired, and schedules the next, as the radar's
scan does, at the next hour's turn; `schedule()` is safe to call at every start. The page
catches up a day it finds missing itself; an hour it reads from the log until the task counts it."""

from __future__ import annotations

import datetime

from django.tasks import task
from django.utils import timezone

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
        while True:
            step = min(selectors.month_start(selectors.next_month(first)), until)
            selectors.catch_up(first, step)
            if step == until:
                break
            first = selectors.next_month(first)
        selectors.summarise_hours(until)
        return {"forgotten": selectors.forget_retired_days()}
    finally:
        schedule(after=until_next_hour())


def until_next_hour(now: datetime.datetime | None = None) -> datetime.timedelta:
    """How long until the next hour may be counted (it ended SUMMARY_GRACE ago), and a minute:
    so the log's part of the page is the last hour over and the grace, not up to an hour more."""
    now = now or timezone.now()
    next_hour = selectors.counted_until(now) + INTERVAL + selectors.SUMMARY_GRACE
    return next_hour - now + datetime.timedelta(minutes=1)


def schedule(*, after: datetime.timedelta = datetime.timedelta(0)) -> bool:
    """Enqueue the next run unless one is already waiting. True if one was enqueued."""
    return enqueue_unless_waiting(summarise_reads, after=after)
