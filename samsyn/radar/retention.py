"""The radar's item as a record type for retention (docs/adr/0014): it names a child, so it is
personal data like the record it points at; open until resolved or dismissed."""

from __future__ import annotations

from django.db.models import QuerySet
from django.db.models.functions import Coalesce, TruncDate

from samsyn.radar.models import Signal
from samsyn.retention import kinds


def _delete(signals: QuerySet) -> int:
    return signals.delete()[1].get(Signal._meta.label, 0)


def register() -> None:
    kinds.register(
        kinds.RetentionKind(
            model=Signal, code="signal", child="child",
            last_entry=lambda: TruncDate(Coalesce("cleared_at", "dismissed_at")),
            delete=_delete,
        )
    )  # fmt: skip
