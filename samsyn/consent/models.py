"""Consent (samtycke): per person, per receiving organisation, per category and purpose, with
validity. Withdrawal takes effect at once: every access check reads these rows in its own query.

A consent is the child's, not a case's: a SIP — or later a report or an admission — refers to the
consents that cover its parties (DOMAIN SEK-1, SEK-3)."""

import datetime

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.access.models import Category, Purpose
from samsyn.children.models import Child, Guardian
from samsyn.common.dates import last_day
from samsyn.directory.models import Organisation, Principal, Staff


class ConsentSettings(models.Model):
    """A region's consent rules, agreed with its municipalities (DOMAIN SIP-4, SEK-3)."""

    region = models.OneToOneField(
        Principal,
        on_delete=models.CASCADE,
        related_name="consent_settings",
        verbose_name=_("region"),
    )
    both_guardians_must_consent = models.BooleanField(
        _("both guardians must consent"), default=True
    )

    class Meta:
        verbose_name = _("consent settings")
        verbose_name_plural = _("consent settings")

    def __str__(self) -> str:
        return str(self.region)


class Consent(models.Model):
    class GivenBy(models.TextChoices):
        CHILD = "child", _("the child")
        GUARDIAN = "guardian", _("a guardian")

    class Form(models.TextChoices):
        ORAL = "oral", _("oral")
        WRITTEN = "written", _("written")

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="consents")
    given_by = models.CharField(_("given by"), max_length=10, choices=GivenBy.choices)
    guardian = models.ForeignKey(
        Guardian, on_delete=models.PROTECT, null=True, blank=True, related_name="consents"
    )
    receiving_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="consents_received"
    )
    categories = ArrayField(models.CharField(max_length=20, choices=Category.choices))
    purposes = ArrayField(models.CharField(max_length=20, choices=Purpose.choices))
    form = models.CharField(_("form"), max_length=10, choices=Form.choices)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    valid_until = models.DateTimeField(_("valid until"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    recorded_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    recorded_for = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    withdrawn_recorded_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [
            models.Index(fields=["receiving_organisation", "child"]),
            # A SIP's page of the child's consents, newest first, read in index order.
            models.Index(fields=["child", "given_at", "id"], name="consent_child_given_at"),
            # The grounds a receiver holds read only the consents not withdrawn and not run
            # out: a child's withdrawn and expired consents pile up over years of renewals.
            models.Index(
                fields=["receiving_organisation", "child", "valid_until"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="consent_in_force_by_receiver",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(given_by="child", guardian__isnull=True)
                | models.Q(given_by="guardian", guardian__isnull=False),
                name="consent_giver_consistent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_given_by_display()} → {self.receiving_organisation}"

    @property
    def category_labels(self) -> list[str]:
        return [str(Category(category).label) for category in self.categories]

    @property
    def last_valid_day(self) -> datetime.date:
        """The day entered as "valid until and including" (`valid_until` is the next day's
        start: `common.dates`)."""
        return last_day(self.valid_until)


class MaturityAssessment(models.Model):
    """Whether the child is mature enough to consent for themself (DOMAIN SIP-4, SEK-3)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="maturity_assessments")
    mature = models.BooleanField(_("mature enough to consent"))
    reasoning = models.TextField(_("reasoning"), max_length=4000)
    assessed_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    assessed_for = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(_("assessed at"), default=timezone.now)

    class Meta:
        verbose_name = _("maturity assessment")
        verbose_name_plural = _("maturity assessments")
        ordering = ["-assessed_at"]

    def __str__(self) -> str:
        return f"{self.child} · {self.assessed_at:%Y-%m-%d}"
