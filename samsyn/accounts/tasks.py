"""Expired sessions cleared on the task worker (issue 13): Django deletes a session row only when
its own browser comes back, so the rows of browsers that never did pile up in the table. The
task does what `clearsessions` does, forgets the signed-in-session rows past a limit with them,
and schedules its next run as the radar's scan does; `schedule()` is safe at every start."""

from __future__ import annotations

import datetime
from importlib import import_module

from django.conf import settings
from django.tasks import task

from samsyn.accounts import session_services
from samsyn.common.tasks import enqueue_unless_waiting


def _interval() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.SAMSYN_SESSION_CLEAR_HOURS)


@task()
def clear_sessions() -> int:
    """The number of signed-in-session rows forgotten (Django's clear_expired counts none)."""
    try:
        import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
        return session_services.forget_lapsed()
    finally:
        schedule(after=_interval())


def schedule(*, after: datetime.timedelta = datetime.timedelta(0)) -> bool:
    """Enqueue the next clearing unless one is already waiting. True if one was enqueued."""
    return enqueue_unless_waiting(clear_sessions, after=after)
