"""Retention (gallring, DOMAIN RET-1): how long each record type is kept, with its legal
reference, the legal holds that keep a child or a record whatever the rule says, and the runs
that delete or anonymise what is due.

A `Rule` is held as data, one per record type (`retention.kinds`), seeded from the law and
changed by an administrator: the period runs from the record's last entry or from the child's
birth date, or the record is never deleted. A changed rule runs dry until an administrator has
seen a dry run made after the change and enforces it (dry-run first). A `Run` counts, per
record type, what was due, what a hold kept and what was deleted or anonymised; it names no
person, nor does the audit row each record type's run writes.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.directory.models import Staff, Unit
from samsyn.retention import kinds


class Rule(models.Model):
    class Anchor(models.TextChoices):
        LAST_ENTRY = "last_entry", _("years after the last entry")
        BIRTH = "birth", _("until the person reaches an age")
        NEVER = "never", _("never deleted")

    class Action(models.TextChoices):
        DELETE = "delete", _("delete")
        ANONYMISE = "anonymise", _("anonymise")

    record_type = models.CharField(_("record type"), max_length=40, unique=True)
    anchor = models.CharField(_("period runs"), max_length=20, choices=Anchor.choices)
    years = models.PositiveSmallIntegerField(
        _("years"), default=0, validators=[MaxValueValidator(150)]
    )
    # The law's floor: a period is never set shorter (PDL 3 kap. 17 §: health records at least
    # 10 years; a minimum, not a deletion date).
    minimum_years = models.PositiveSmallIntegerField(_("at least (years)"), default=0)
    # SoL 16 kap. 1 §: the deletion is to be done by the end of the year after the one it
    # fell due in; the plan shows that deadline.
    by_end_of_next_year = models.BooleanField(
        _("to be done by the end of the following year"), default=False
    )
    # The research sample: people born on these days of the month keep their files.
    sample_days = ArrayField(
        models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(31)]),
        verbose_name=_("research sample: kept for people born on these days"),
        default=list,
        blank=True,
    )
    action = models.CharField(
        _("action"), max_length=20, choices=Action.choices, default=Action.DELETE
    )
    reference = models.CharField(_("legal reference"), max_length=300)
    # Dry-run first: a rule deletes only once enforced, after a dry run made since its change.
    enforced = models.BooleanField(_("enforced"), default=False)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        ordering = ["record_type"]
        constraints = [
            models.CheckConstraint(
                condition=Q(anchor="never") | Q(years__gte=models.F("minimum_years")),
                name="retention_rule_not_below_minimum",
            ),
            models.CheckConstraint(
                condition=~Q(anchor="never") | Q(enforced=False),
                name="retention_rule_never_is_never_enforced",
            ),
        ]

    def __str__(self) -> str:
        return self.record_type


class LegalHold(models.Model):
    """A child or one record kept whatever its rule says (a court case, a request from IVO or
    JO, an archive's decision), until the hold is lifted."""

    record_type = models.CharField(_("record type"), max_length=40)
    record_id = models.BigIntegerField(_("record number"))
    reason = models.CharField(_("reason"), max_length=500)
    # What the hold rests on (a court's order, IVO's or JO's request, an archive's decision):
    # empty only on holds set before it was asked.
    reference = models.CharField(_("legal reference"), max_length=300, blank=True)
    set_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    # The unit the setter acted for: a unit manager lifts, from the child's page, only the holds
    # their own unit placed; an administrator lifts any on /retention/.
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("set for the unit"),
    )  # fmt: skip
    set_at = models.DateTimeField(_("set at"), default=timezone.now)
    lifted_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        ordering = ["-set_at"]
        indexes = [models.Index(fields=["record_type", "record_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "record_id"], condition=Q(lifted_at__isnull=True),
                name="retention_one_hold_in_force",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_id}"

    @property
    def label(self) -> str:
        return kinds.label(self.record_type)


class Run(models.Model):
    """One pass of the retention job: a dry run counts, a run deletes what enforced rules make
    due. A run not finished (the process stopped) is finished by the next, which logs it."""

    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    dry_run = models.BooleanField(_("dry run"))
    # The day the periods were counted to.
    today = models.DateField(_("counted to"))

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M}"


class RunLine(models.Model):
    """One record type in one run: counts only, never who."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="lines")
    record_type = models.CharField(_("record type"), max_length=40)
    action = models.CharField(_("action"), max_length=20, choices=Rule.Action.choices)
    reference = models.CharField(_("legal reference"), max_length=300)
    enforced = models.BooleanField(_("enforced"))
    due = models.PositiveIntegerField(_("due"), default=0)
    held = models.PositiveIntegerField(_("kept by a legal hold"), default=0)
    done = models.PositiveIntegerField(_("deleted or anonymised"), default=0)
    # Set in the transaction that writes the audit row: a line with counts and no time was
    # cut short, and the next run logs it.
    logged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("retention run line")
        verbose_name_plural = _("retention run lines")
        constraints = [
            models.UniqueConstraint(fields=["run", "record_type"], name="retention_line_once"),
        ]

    def __str__(self) -> str:
        return f"{self.run} {self.record_type}"

    @property
    def label(self) -> str:
        return kinds.label(self.record_type)
