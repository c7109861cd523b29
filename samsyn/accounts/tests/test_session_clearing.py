"""Expired sessions are cleared by a task on the worker, which schedules the next (issue 13):
Django deletes a session row only when its browser returns, so without it they pile up."""

from __future__ import annotations

import datetime
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from samsyn.accounts import tasks
from samsyn.accounts.models import SignedInSession
from samsyn.directory.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _session(*, expires_in: datetime.timedelta) -> str:
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store.set_expiry(expires_in)
    store.save()
    return store.session_key


def test_the_worker_clears_expired_sessions_and_schedules_the_next():
    expired = _session(expires_in=datetime.timedelta(minutes=-5))
    live = _session(expires_in=datetime.timedelta(minutes=10))
    user = MembershipFactory().staff.user
    now = timezone.now()
    SignedInSession.objects.create(
        user=user, session_key=expired, started_at=now - datetime.timedelta(hours=1),
        last_seen_at=now - datetime.timedelta(minutes=30),
    )  # fmt: skip
    SignedInSession.objects.create(user=user, session_key=live, started_at=now, last_seen_at=now)

    assert tasks.schedule() is True
    assert tasks.schedule() is False  # one waiting is enough
    call_command("db_worker", batch=True, verbosity=0)

    assert set(Session.objects.values_list("session_key", flat=True)) == {live}
    assert set(SignedInSession.objects.values_list("session_key", flat=True)) == {live}
    assert DBTaskResult.objects.get(status="SUCCESSFUL").return_value == 1
    waiting = DBTaskResult.objects.get(status="READY")
    assert waiting.task_path == tasks.clear_sessions.module_path
    assert waiting.run_after > timezone.now() + datetime.timedelta(minutes=30)


def test_the_command_clears_now_and_schedules(capsys):
    _session(expires_in=datetime.timedelta(minutes=-5))
    call_command("sessions", "clear")
    assert not Session.objects.exists()
    call_command("sessions", "schedule")
    call_command("sessions", "schedule")
    assert "already waiting" in capsys.readouterr().out
    assert DBTaskResult.objects.filter(task_path=tasks.clear_sessions.module_path).count() == 1
