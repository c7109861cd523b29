"""Telling people (issue 11, point 4): a notification per person and item, once, delivered as
the person chose for its kind; e-mail sent on the task worker, saying only how many."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samsyn.directory.models import Staff
from samsyn.notifications.models import DEFAULT_DELIVERY, Delivery, Notification, Preference

# E-mail goes out in Swedish, the language of the users; it holds no more than a count.
MAIL_LANGUAGE = "sv"


def notify(
    *, recipients: Iterable[int], kind: str, event: str, url: str, source: str, source_id: int
) -> int:
    """One notification per recipient (staff ids) about one item, never a second for the same
    item: a repeated call adds nothing. E-mail at once, where chosen, goes after the commit on
    the task worker. Returns how many were added."""
    staff_ids = set(recipients)
    if not staff_ids:
        return 0
    chosen = dict(
        Preference.objects.filter(staff_id__in=staff_ids, kind=kind).values_list(
            "staff_id", "delivery"
        )
    )
    told = Notification.objects.filter(
        source=source, source_id=source_id, recipient_id__in=staff_ids
    ).values_list("recipient_id", flat=True)
    now = timezone.now()
    # A race with another scan is settled by the constraint: the later insert adds nothing.
    added = Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=staff_id,
                kind=kind,
                event=event,
                url=url,
                source=source,
                source_id=source_id,
                delivery=chosen.get(staff_id, DEFAULT_DELIVERY),
                created_at=now,
            )  # fmt: skip
            for staff_id in sorted(staff_ids - set(told))
        ],
        ignore_conflicts=True,
    )
    if any(n.delivery == Delivery.IMMEDIATE for n in added):
        # Imported here: the task module imports these services.
        from samsyn.notifications import tasks

        transaction.on_commit(tasks.schedule_immediate)
    return len(added)


@transaction.atomic
def set_preferences(*, staff: Staff, choices: dict[str, str]) -> None:
    """The person's delivery per kind; a kind left at the default keeps no row."""
    for kind, delivery in choices.items():
        if delivery == DEFAULT_DELIVERY:
            Preference.objects.filter(staff=staff, kind=kind).delete()
        else:
            Preference.objects.update_or_create(
                staff=staff, kind=kind, defaults={"delivery": delivery}
            )


def mark_read(*, staff: Staff) -> int:
    return Notification.objects.filter(recipient=staff, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def _message(count: int, address: str) -> EmailMessage:
    link = settings.SAMSYN_SITE_URL.rstrip("/") + reverse("notifications:list")
    with translation.override(MAIL_LANGUAGE):
        subject = ngettext(
            "You have %(count)s new item in Samsyn",
            "You have %(count)s new items in Samsyn",
            count,
        ) % {"count": count}
        body = _(
            "%(subject)s.\n\nSign in to see them: %(link)s\n\nThis message says nothing about "
            "the children: e-mail is not a secure channel. You choose which items you are "
            "told about by e-mail, and how often, under Notifications in Samsyn."
        ) % {"subject": subject, "link": link}
    return EmailMessage(subject=subject, body=body, to=[address])


def send_mail(delivery: str, *, now: datetime.datetime | None = None) -> int:
    """One e-mail per person for their notifications of this delivery not yet mailed. A
    person's rows are locked while their message goes, so two workers never send it twice; a
    failed send leaves them for the next run. Returns how many messages were sent."""
    now = now or timezone.now()
    pending = Notification.objects.filter(delivery=delivery, mailed_at__isnull=True)
    recipients = list(
        pending.exclude(recipient__email="")
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    sent = 0
    for staff_id in recipients:
        with transaction.atomic():
            rows = list(
                pending.filter(recipient_id=staff_id)
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)
            )
            if not rows:
                continue
            address = Staff.objects.values_list("email", flat=True).get(pk=staff_id)
            _message(len(rows), address).send()
            Notification.objects.filter(pk__in=rows).update(mailed_at=now)
            sent += 1
    return sent
