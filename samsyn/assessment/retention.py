"""The assessment as a record type for retention (docs/adr/0014): its last entry is its latest
saved version; deleting it takes every version with its ratings and factors."""

from __future__ import annotations

from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import TruncDate

from samsyn.assessment.models import Assessment, AssessmentVersion
from samsyn.retention import kinds


def _last_entry():
    saved = (
        AssessmentVersion.objects.filter(assessment=OuterRef("pk"))
        .values("assessment")
        .annotate(last=Max("saved_at"))
        .values("last")
    )
    return TruncDate(Subquery(saved))


def _delete(assessments: QuerySet) -> int:
    return assessments.delete()[1].get(Assessment._meta.label, 0)


def register() -> None:
    kinds.register(
        kinds.RetentionKind(
            model=Assessment, code="assessment", child="child", last_entry=_last_entry,
            delete=_delete,
        )
    )  # fmt: skip
