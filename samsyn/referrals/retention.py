"""The referral as a record type for retention (docs/adr/0014): both sides' record, social
services' and health care's, so it is kept as long as the longer of the two asks; open while it
waits for an answer."""

from __future__ import annotations

from django.db.models import Case, QuerySet, Value, When
from django.db.models.functions import Greatest, TruncDate

from samsyn.referrals.models import Referral
from samsyn.retention import kinds


def _last_entry():
    # PostgreSQL's GREATEST skips NULLs: the latest of the steps the referral went through.
    return Case(
        When(status=Referral.Status.SENT, then=Value(None)),
        default=TruncDate(Greatest("sent_at", "answered_at", "next_step_at", "withdrawn_at")),
    )


def _delete(referrals: QuerySet) -> int:
    return referrals.delete()[1].get(Referral._meta.label, 0)


def register() -> None:
    kinds.register(
        kinds.RetentionKind(
            model=Referral, code="referral", child="child", last_entry=_last_entry,
            delete=_delete,
        )
    )  # fmt: skip
