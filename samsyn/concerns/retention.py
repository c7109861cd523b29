"""Reports of concern and investigations as record types for retention (docs/adr/0014).

A report's last entry is the latest of its steps, and it is open until its initial assessment
is decided. A report that opened or joined an investigation is one of that investigation's
documents (SoL 2025:400 16 kap. 2 a §): it is never due on its own and goes with the
investigation, which is open until finished."""

from __future__ import annotations

from django.db.models import Case, F, Q, QuerySet, When
from django.db.models.functions import Greatest, TruncDate

from samsyn.concerns.models import (
    Feedback,
    InitialAssessment,
    Investigation,
    MeetingOffer,
    ProtectionAssessment,
    Report,
)
from samsyn.retention import kinds


def _report_last_entry():
    last = Greatest(
        "received_at", "linked_at", "feedback_requested_at", "protection__decided_at",
        "initial_assessment__decided_at", "feedback__given_at", "meeting_offer__answered_at",
    )  # fmt: skip
    decided = Q(initial_assessment__decided_at__isnull=False)
    return TruncDate(Case(When(decided, then=last), default=None))


def _delete_reports(reports: QuerySet) -> int:
    # Their parts protect the report: they go first, in the same transaction.
    for part in (ProtectionAssessment, InitialAssessment, Feedback, MeetingOffer):
        part.objects.filter(report__in=reports).delete()
    return reports.delete()[1].get(Report._meta.label, 0)


def _delete_investigations(investigations: QuerySet) -> int:
    # Taken by number first: deleting their initial assessments unties them from it.
    documents = Report.objects.filter(initial_assessment__investigation__in=investigations)
    _delete_reports(Report.objects.filter(pk__in=list(documents.values_list("pk", flat=True))))
    return investigations.delete()[1].get(Investigation._meta.label, 0)


def register() -> None:
    kinds.register(
        kinds.RetentionKind(
            model=Report, code="report", child="child", last_entry=_report_last_entry,
            delete=_delete_reports,
            follows_other=lambda: Q(initial_assessment__investigation__isnull=False),
        )
    )  # fmt: skip
    kinds.register(
        kinds.RetentionKind(
            model=Investigation, code="investigation", child="child",
            last_entry=lambda: F("finished_on"), delete=_delete_investigations,
        )
    )  # fmt: skip
