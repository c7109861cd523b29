"""The SIP as a record type for retention (docs/adr/0014): its last entry is its closing, so an
open SIP is never due; deleting it takes its parties, relay, meetings and plan versions."""

from __future__ import annotations

from django.db.models import QuerySet
from django.db.models.functions import TruncDate

from samsyn.plans.models import Case
from samsyn.retention import kinds


def _delete(cases: QuerySet) -> int:
    return cases.delete()[1].get(Case._meta.label, 0)


def register() -> None:
    kinds.register(
        kinds.RetentionKind(
            model=Case, code="sip", child="child",
            last_entry=lambda: TruncDate("closed_at"), delete=_delete,
        )
    )  # fmt: skip
