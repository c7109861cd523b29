"""Record types for retention (gallring, DOMAIN RET-1). Each kind of personal-data record that
the access core knows — the child itself, a SIP, a report of concern, an investigation, an
assessment, a consultation, an admission, a radar item — tells `retention` when its last entry
was made and how to delete or anonymise it with everything that is its own. The app that owns
the kind registers it in its `AppConfig.ready`, as it registers the kind with `access`
(docs/adr/0007, 0013); `retention` imports none of them, so a new kind adds a registration and
its tests, never a branch here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Expression, Model, Q, QuerySet


@dataclass(frozen=True)
class RetentionKind:
    model: type[Model]
    # The record type: the kind's name in access and in audit rows ("sip"; "child").
    code: str
    # The relation to the record's child ("child"); "" for the child itself.
    child: str
    # The day of the record's last entry as an expression on the model, NULL while the record
    # is open (a SIP not closed, an investigation not finished): an open record is never due.
    last_entry: Callable[[], Expression]
    # Deletes the records of a queryset with every row that is theirs (the parts another app's
    # row protects too), in the caller's transaction; returns how many records went.
    delete: Callable[[QuerySet], int]
    # Removes the personal data and keeps the rest (a consultation unlinked from its child);
    # None where the type can only be deleted.
    anonymise: Callable[[QuerySet], int] | None = None
    # Which records still hold personal data: an anonymised record is no longer due, nor data
    # on the person. None: every record does.
    personal: Callable[[], Q] | None = None
    # Which records go with another record rather than by their own rule (a report of concern
    # that led to an investigation is one of its documents): never due on their own.
    follows_other: Callable[[], Q] | None = None

    @property
    def child_id(self) -> str:
        return f"{self.child}_id" if self.child else "pk"

    def path(self, field: str) -> str:
        """A field of the record's child, from the record."""
        return f"{self.child}__{field}" if self.child else field


_KINDS: dict[str, RetentionKind] = {}


def register(kind: RetentionKind) -> None:
    registered = _KINDS.get(kind.code)
    if registered is not None and registered != kind:
        raise ImproperlyConfigured(f"{kind.code} is registered twice with retention.")
    _KINDS[kind.code] = kind


def kind(code: str) -> RetentionKind:
    try:
        return _KINDS[code]
    except KeyError:
        raise ImproperlyConfigured(
            f"{code} is not a record type: register it with retention.kinds.register."
        ) from None


def label(code: str) -> str:
    """The record type in words ("Report of concern"), never its code on a page."""
    kind = _KINDS.get(code)
    return str(kind.model._meta.verbose_name).capitalize() if kind else code


def registered() -> tuple[RetentionKind, ...]:
    """Every record type, the child last: a person goes only once nothing else holds them."""
    return tuple(sorted(_KINDS.values(), key=lambda k: (k.child == "", k.code)))
