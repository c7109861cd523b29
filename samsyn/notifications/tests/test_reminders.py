"""Issue 11, points 4 and 5: a reminder goes once per due item, never at every scan; e-mail at
once or in the daily digest as each person chose, on the task worker, naming no child."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from samsyn.concerns.tests.factories import ReportFactory
from samsyn.directory.tests.factories import MembershipFactory
from samsyn.notifications import tasks
from samsyn.notifications.models import Delivery, Notification, Preference
from samsyn.notifications.services import send_mail
from samsyn.radar.services.scan import scan

# The worker runs the tasks in its own transactions; the flush after each test would take the
# radar's rules, seeded by migrations, with it.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def late_report_and_worker(delivery: str | None):
    report = ReportFactory(received_at=timezone.now() - datetime.timedelta(days=3))
    worker = MembershipFactory(unit=report.intake_unit, staff__email="handl@example.se")
    if delivery is not None:
        Preference.objects.create(staff=worker.staff, kind="RAD-6", delivery=delivery)
    return report, worker


def test_rad_6_reminded_once_two_scans_one_mail_naming_no_child():
    report, worker = late_report_and_worker(Delivery.IMMEDIATE)
    scan()
    call_command("db_worker", batch=True, verbosity=0)
    scan()
    call_command("db_worker", batch=True, verbosity=0)
    assert Notification.objects.filter(recipient=worker.staff).count() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["handl@example.se"]
    assert message.subject == "Du har 1 nytt ärende i Samsyn"
    assert "/accounts/notifications/" in message.body
    for secret in (report.child.name, report.child.identity_number, report.what_seen):
        assert secret not in message.body
        assert secret not in message.subject


def test_the_daily_digest_sends_one_message_then_nothing_and_schedules_the_next():
    _report, worker = late_report_and_worker(None)  # the default: a daily digest
    scan()
    call_command("db_worker", batch=True, verbosity=0)
    assert mail.outbox == []
    assert tasks.schedule_digest() is True
    assert tasks.schedule_digest() is False
    DBTaskResult.objects.update(run_after=timezone.now())
    call_command("db_worker", batch=True, verbosity=0)
    assert len(mail.outbox) == 1
    waiting = DBTaskResult.objects.get(status="READY", task_path=tasks.send_digest.module_path)
    assert waiting.run_after > timezone.now()
    assert timezone.localtime(waiting.run_after).hour == 7
    assert send_mail(Delivery.DIGEST) == 0


def test_in_app_only_is_never_mailed():
    _report, worker = late_report_and_worker(Delivery.APP)
    scan()
    assert send_mail(Delivery.DIGEST) == send_mail(Delivery.IMMEDIATE) == 0
    assert Notification.objects.get(recipient=worker.staff).delivery == Delivery.APP
    assert mail.outbox == []
