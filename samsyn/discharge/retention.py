"""The admission as a record type for retention (docs/adr/0014): a health record, open until
the child is discharged; deleting it takes its date changes, notices and planning tasks."""

from __future__ import annotations

from django.db.models import Case, Q, QuerySet, When
from django.db.models.functions import Greatest, TruncDate

from samsyn.discharge.models import Admission, DischargeDateChange, Notice, PlanningTask
from samsyn.retention import kinds


def _delete(admissions: QuerySet) -> int:
    # Its parts protect the admission: they go first, in the same transaction.
    for part in (DischargeDateChange, Notice, PlanningTask):
        part.objects.filter(admission__in=admissions).delete()
    return admissions.delete()[1].get(Admission._meta.label, 0)


def _last_entry():
    discharged = Q(discharged_at__isnull=False)
    last = Greatest("discharged_at", "care_information_sent_at")
    return TruncDate(Case(When(discharged, then=last), default=None))


def register() -> None:
    kinds.register(
        kinds.RetentionKind(
            model=Admission, code="admission", child="child", last_entry=_last_entry,
            delete=_delete,
        )
    )  # fmt: skip
