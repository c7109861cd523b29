"""Audit (logg): the append-only, hash-chained log of every read and change of a child's data.

The table is partitioned by month and made by raw SQL in migration 0001 (Django cannot declare a
partitioned table); the ORM only reads it. Rows are written by `samsyn.audit.services` alone, and
a trigger refuses UPDATE, DELETE and TRUNCATE.
"""

from django.db import models
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
