"""E-mail on the task worker (issue 11, points 4 and 5): at once after the notifications that
want it are committed, and the daily digest, which schedules its next run itself as the radar's
scan does; `schedule_digest()` is safe to call at every start."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from samsyn.notifications.models import Delivery
from samsyn.notifications.services import send_mail


def _waiting(task_path: str) -> bool:
    return DBTaskResult.objects.filter(task_path=task_path, status=TaskResultStatus.READY).exists()


@task()
def send_immediate() -> int:
    return send_mail(Delivery.IMMEDIATE)


def schedule_immediate() -> None:
    """One waiting send is enough: it mails every notification committed before it runs."""
    if not _waiting(send_immediate.module_path):
        send_immediate.enqueue()


def next_digest(now: datetime.datetime) -> datetime.datetime:
    """The next SAMSYN_DIGEST_HOUR o'clock, Stockholm time."""
    today = timezone.localdate(now)
    for day in (today, today + datetime.timedelta(days=1)):
        at = timezone.make_aware(
            datetime.datetime.combine(day, datetime.time(settings.SAMSYN_DIGEST_HOUR))
        )
        if at > now:
            break
    return at


@task()
def send_digest() -> int:
    try:
        return send_mail(Delivery.DIGEST)
    finally:
        schedule_digest()


def schedule_digest() -> bool:
    """Enqueue the next digest unless one is already waiting. True if one was enqueued."""
    if _waiting(send_digest.module_path):
        return False
    send_digest.using(run_after=next_digest(timezone.now())).enqueue()
    return True
