"""A person's notifications and choices. They name no child, so reading them is not audited:
each links to a page where `access` decides, and audits, what the person sees."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator

from samsyn.directory.models import Staff
from samsyn.notifications import kinds
from samsyn.notifications.models import DEFAULT_DELIVERY, Notification, Preference

PAGE_SIZE = 25


@dataclass(frozen=True)
class Choice:
    kind: str
    label: str
    delivery: str


def preferences_of(staff: Staff) -> list[Choice]:
    chosen = dict(Preference.objects.filter(staff=staff).values_list("kind", "delivery"))
    return [
        Choice(key, label, chosen.get(key, DEFAULT_DELIVERY)) for key, label in kinds.all_kinds()
    ]


@dataclass(frozen=True)
class Row:
    notification: Notification
    label: str


def notifications_of(staff: Staff, *, page: str | int | None = 1) -> tuple[Page, list[Row]]:
    """The person's notifications, newest first, each with its kind in words."""
    result = Paginator(Notification.objects.filter(recipient=staff), PAGE_SIZE).get_page(page)
    labels = dict(kinds.all_kinds())
    return result, [Row(n, labels.get(n.kind, n.kind)) for n in result]


def unread_count(staff: Staff) -> int:
    return Notification.objects.filter(recipient=staff, read_at__isnull=True).count()
