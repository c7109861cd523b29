"""The two refusals every page and every API operation answer the same way, whatever the kind
of record: not found (404) and denied (403). Raised by `access` and the services; mapped to
responses once for the pages (`common.pages.refusals`) and once for the API (`api.errors`).

A refusal that `access` decided carries its `Denial`. The refused step's transaction is rolled
back, its audit rows with it, so the two mappings send `refused` after the rollback and `audit`
logs the denial then (DOMAIN LOG-3, ASVS 7.2.2): a refused change leaves its row although the
change leaves none. `common` imports no app, hence the signal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.dispatch import Signal


@dataclass(frozen=True)
class Denial:
    """Who was refused what: the fields of the audit row that records it."""

    actor: Any  # access.actor.Actor
    child_id: int | None
    obj: str
    obj_id: object
    purpose: str
    action: str = "change"


class NotFound(Exception):
    """The same for "no such record" and "not yours", so ids cannot be probed. Each record
    kind's own not-found error is one of these."""

    denial: Denial | None = None


class AccessDenied(Exception):
    """The actor may see the record but not take this step."""

    denial: Denial | None = None


# Sent with `error` (a NotFound or AccessDenied) once the refusal is answered, outside the
# refused step's transaction.
refused = Signal()


def answered(error: Exception) -> None:
    """The refusal is answered: have its denial logged, if `access` decided it."""
    if getattr(error, "denial", None) is not None:
        refused.send(sender=type(error), error=error)
