"""The consultation as a record type for retention (docs/adr/0014). It was asked without naming
the child; only its link to a child makes it personal data, so anonymising it undoes the link
and keeps the question and the answer."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.db.models.functions import Greatest, TruncDate

from samsyn.consultations.models import Consultation
from samsyn.retention import kinds


def _delete(consultations: QuerySet) -> int:
    return consultations.delete()[1].get(Consultation._meta.label, 0)


def _anonymise(consultations: QuerySet) -> int:
    return consultations.update(child=None, linked_at=None, linked_by=None)


def register() -> None:
    kinds.register(
        kinds.RetentionKind(
            model=Consultation, code="consultation", child="child",
            last_entry=lambda: TruncDate(Greatest("asked_at", "answered_at", "linked_at")),
            delete=_delete, anonymise=_anonymise, personal=lambda: Q(child__isnull=False),
        )
    )  # fmt: skip
