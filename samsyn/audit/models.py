"""Audit (logg): the append-only, hash-chained log of every read and change of a child's data.

The table is partitioned by month and made by raw SQL in migration 0001 (Django cannot declare a
partitioned table); the ORM only reads it. Rows are written by `samsyn.audit.services` alone, and
a trigger refuses UPDATE, DELETE and TRUNCATE.
"""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Entry(models.Model):
    # The database key is (id, at), as a partitioned table needs; id alone is unique in practice.
    id = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField(_("time"))
    chain = models.TextField()
    seq = models.BigIntegerField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    user_id = models.BigIntegerField(null=True)
    staff_id = models.BigIntegerField(null=True)
    staff_name = models.TextField(_("who"))
    organisation_id = models.BigIntegerField(null=True)
    organisation_name = models.TextField(_("organisation"))
    unit_id = models.BigIntegerField(null=True)
    unit_name = models.TextField(_("unit"))
    role = models.TextField(_("role"))
    action = models.TextField(_("action"))
    outcome = models.TextField(_("outcome"))
    child_id = models.BigIntegerField(null=True)
    object_type = models.TextField()
    object_id = models.TextField()
    purpose = models.TextField(_("purpose"))
    basis = models.JSONField(_("ground"))
    detail = models.JSONField()

    class Meta:
        managed = False
        db_table = "audit_entry"
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq} {self.action}"


class ChainHead(models.Model):
    """The last link of each chain. Its row lock serialises appends to one chain."""

    chain = models.TextField(primary_key=True)
    seq = models.BigIntegerField()
    hash = models.CharField(max_length=64)

    class Meta:
        managed = False
        db_table = "audit_chainhead"

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq}"


class LogReview(models.Model):
    """Logguppföljning (DOMAIN LOG-1): a reviewer's record that they went through one unit's
    sample of reads for one month, with the outcome and a note. The sample's rows are kept by
    id, so what was reviewed stays known whatever changes later."""

    class Outcome(models.TextChoices):
        NO_REMARKS = "no_remarks", _("no remarks")
        FOLLOWED_UP = "followed_up", _("remarks, followed up with the staff concerned")
        REPORTED = "reported", _("a possibly unauthorised access, reported")

    unit = models.ForeignKey("directory.Unit", on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))  # its first day
    reviewed_by = models.ForeignKey("directory.Staff", on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), default=timezone.now)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    note = models.TextField(_("note"), blank=True)
    sampled_entry_ids = ArrayField(models.BigIntegerField(), default=list)
    flagged_entry_ids = ArrayField(models.BigIntegerField(), default=list)

    class Meta:
        verbose_name = _("log review")
        verbose_name_plural = _("log reviews")
        indexes = [models.Index(fields=["unit", "month"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="log_review_month_first_day"
            ),
            # A remark is explained: only "no remarks" may go without a note.
            models.CheckConstraint(
                condition=models.Q(outcome="no_remarks") | ~models.Q(note=""),
                name="log_review_remark_has_a_note",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month:%Y-%m} {self.outcome}"


class ReadDay(models.Model):
    """Derived data for the log follow-up (DOMAIN LOG-1, ADR 0013): one unit's reads of one
    child by one person on one Swedish calendar day that is over, or in one hour that is over of
    the day that is not, counted from the log so that the page need not read a month of rows.
    The log stays the record: a day's rows are rebuilt from it whenever they are missing or
    were counted with another sample key (`selectors.summarise_days`), the hours' rows replaced
    by the day's once it is over, and deleted with the log's months (ADR 0014). Flags that
    hang on what may change later (a protected identity, a case in the unit that day) are not
    stored: the page works them out from the child and the involvements when it is shown."""

    day = models.DateField()
    # The hour's start, for a day not over; null once the day is counted whole.
    hour = models.DateTimeField(null=True)
    organisation_id = models.BigIntegerField()
    unit_id = models.BigIntegerField()
    staff_id = models.BigIntegerField(null=True)
    staff_name = models.TextField()
    child_id = models.BigIntegerField()
    reads = models.IntegerField()
    allowed = models.IntegerField()
    emergency = models.IntegerField()  # reads on emergency access
    refused = models.IntegerField()
    # Reads in the sample whatever the child and the case: picked by the share, on emergency
    # access, or refused.
    row_sampled = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["unit_id", "day"], name="audit_readday_unit_day")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day} {self.staff_id} {self.child_id}: {self.reads}"


class SummarisedDay(models.Model):
    """A day whose reads are in ReadDay, counted with this sample key (the share and the seed:
    another key picks other rows, so the day is counted again): whole, or for the day not over,
    its hours before `hours_until`."""

    day = models.DateField(primary_key=True)
    sample_key = models.TextField()
    hours_until = models.DateTimeField(null=True)
    made_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.day} {self.sample_key}"
