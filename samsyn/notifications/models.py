"""Notifications (issue 11, point 4): each person chooses, per kind (a radar rule), to be told in
Samsyn only, or also by e-mail at once, or also by e-mail in a daily digest. A notification
names no child: what happened, of which kind, and a link to where access decides what the
person sees. An e-mail carries only how many there are and a link."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.directory.models import Staff


class Delivery(models.TextChoices):
    APP = "app", _("In Samsyn only")
    IMMEDIATE = "immediate", _("Also by e-mail, at once")
    DIGEST = "digest", _("Also by e-mail, in one message a day")


# Until a person chooses: told in Samsyn, and by one e-mail a day at most.
DEFAULT_DELIVERY = Delivery.DIGEST


class Preference(models.Model):
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=40)
    delivery = models.CharField(_("delivery"), max_length=20, choices=Delivery.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["staff", "kind"], name="notification_preference_once")
        ]

    def __str__(self) -> str:
        return f"{self.staff} · {self.kind}: {self.delivery}"


class Notification(models.Model):
    class Event(models.TextChoices):
        NEW = "new", _("New item for you")
        ESCALATED = "escalated", _("Escalated to you")

    recipient = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=40)
    event = models.CharField(_("event"), max_length=20, choices=Event.choices)
    # Where to act, a path inside Samsyn: its page decides what the person may see.
    url = models.CharField(max_length=200)
    # What the notification is about (a signal, an escalation): one notification each, ever.
    source = models.CharField(max_length=40)
    source_id = models.BigIntegerField()
    # The person's choice when it was made, so a later change never mails an old one.
    delivery = models.CharField(_("delivery"), max_length=20, choices=Delivery.choices)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    mailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_by_recipient"),
            models.Index(
                fields=["delivery", "recipient"], name="notification_to_mail",
                condition=Q(mailed_at__isnull=True) & ~Q(delivery="app"),
            ),
        ]  # fmt: skip
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "source", "source_id"], name="notification_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.kind} · {self.event}"
