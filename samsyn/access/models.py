"""Access (åtkomst): the vocabulary of categories and purposes, and the legal grounds for
disclosure held as data (DOMAIN SEK-1)."""

import datetime

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.children.models import Child
from samsyn.common.dates import last_day
from samsyn.directory.models import Organisation, Staff, Unit


class Category(models.TextChoices):
    """Information categories (informationskategorier): what a ground or consent covers."""

    BASIC = "basic", _("identity and guardians")
    CONTACT = "contact", _("contact details")
    SOCIAL = "social", _("social services")
    HEALTH = "health", _("health care")
    SCHOOL = "school", _("school")
    POLICE = "police", _("police")
    PLAN = "plan", _("coordinated plan")


class Purpose(models.TextChoices):
    """Ändamål: why a read happens. Part of every ground check and every audit row."""

    PLANNING = "planning", _("planning")
    INVESTIGATION = "investigation", _("investigation")
    TREATMENT = "treatment", _("treatment and care")
    SUPPORT = "support", _("support in school")
    FOLLOW_UP = "follow_up", _("follow-up")
    LOG_REVIEW = "log_review", _("log review")


class LegalBasis(models.Model):
    """A rule of law that permits disclosure between organisations, with its reference."""

    code = models.SlugField(_("code"), unique=True)
    reference = models.CharField(_("legal reference"), max_length=120)
    title = models.CharField(_("title"), max_length=300)
    # Empty lists mean "any".
    from_kinds = ArrayField(models.CharField(max_length=20), default=list, blank=True)
    to_kinds = ArrayField(models.CharField(max_length=20), default=list, blank=True)
    categories = ArrayField(models.CharField(max_length=20, choices=Category.choices))
    purposes = ArrayField(models.CharField(max_length=20, choices=Purpose.choices))
    # OSL 25 kap. 12 § and 26 kap. 9 § hold between authorities only, not private providers.
    authorities_only = models.BooleanField(_("authorities only"), default=False)
    max_age = models.PositiveSmallIntegerField(_("applies below age"), null=True, blank=True)

    class Meta:
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal bases")
        ordering = ["reference"]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"


class LegalGround(models.Model):
    """A recorded use of a legal basis: this organisation may read these categories of this
    child, for these purposes, in this period."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="legal_grounds")
    basis = models.ForeignKey(LegalBasis, on_delete=models.PROTECT, related_name="grounds")
    receiving_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="legal_grounds_received"
    )
    categories = ArrayField(models.CharField(max_length=20, choices=Category.choices))
    purposes = ArrayField(models.CharField(max_length=20, choices=Purpose.choices))
    reason = models.TextField(_("reason"))
    valid_from = models.DateTimeField(_("valid from"), default=timezone.now)
    valid_until = models.DateTimeField(_("valid until"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    recorded_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("legal ground")
        verbose_name_plural = _("legal grounds")
        indexes = [
            models.Index(fields=["receiving_organisation", "child"]),
            # A SIP's page of the child's legal grounds, newest first, read in index order.
            models.Index(fields=["child", "recorded_at", "id"], name="legal_ground_child_recorded"),
            # The grounds a receiver holds read only the legal grounds not ended nor run out.
            models.Index(
                fields=["receiving_organisation", "child", "valid_until"],
                condition=models.Q(ended_at__isnull=True),
                name="legal_ground_in_force",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.basis.reference} → {self.receiving_organisation}"

    @property
    def last_valid_day(self) -> datetime.date:
        """The day entered as "valid until and including" (`valid_until` is the next day's
        start: `common.dates`)."""
        return last_day(self.valid_until)


class EmergencyAccess(models.Model):
    """Nödåtkomst (DOMAIN LOG-2): a staff member without a relationship opens a child for a
    stated reason, for a limited time. It is the person's, acting for one unit, never the unit's;
    every read under it is logged as emergency, the unit manager sees it, and log follow-up
    always samples it."""

    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(_("reason"))
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        verbose_name = _("emergency access")
        verbose_name_plural = _("emergency accesses")
        indexes = [
            models.Index(fields=["staff", "child", "ends_at"]),
            # The unit manager's list: the unit's latest first.
            models.Index(fields=["unit", "-started_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("started_at")),
                name="emergency_access_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(reason=""), name="emergency_access_has_a_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} · {self.child} · {self.ends_at}"
