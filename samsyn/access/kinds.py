"""Record kinds (DESIGN: core concepts of access). Each kind of personal-data record — the child
itself, a SIP, a report of concern, an investigation, and next an admission — tells `access` how to
reach its child, which organisation owns it, its information category and who takes part in it.
The app that owns the kind registers it in its `AppConfig.ready`; `access` imports none of them,
so a new kind adds a registration and its tests, never a branch in `access.rules`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, Q
from django.db.models.expressions import Expression

from samsyn.common.errors import NotFound

# An organisation's or a unit's id in a condition: the id, or the id bound by name in the
# statement (`common.shapes.Bound`, which the one-child rules use).
type Id = int | Expression


@dataclass(frozen=True)
class RecordKind:
    model: type[Model]
    # The object name in audit rows ("sip"), and the error for a record not found or not yours.
    name: str
    # The record's field holding its child's id ("child_id"; "pk" for the child itself).
    child: str
    # The information category a ground must cover to read it (access.models.Category).
    category: str
    not_found: type[NotFound] = NotFound
    # The field holding the owning organisation's id. Inside the owner a relationship with the
    # child opens the record; any other organisation needs a ground as well. "" for the child.
    owner: str = ""
    # Which organisations take part: no other organisation sees the record, whatever its
    # ground. A function of an organisation's id giving a condition on the record; None: any.
    organisation_takes_part: Callable[[Id], Q] | None = None
    # Which units have a relationship with the child through the record (a SIP's party that
    # accepted the invitation): a function of a unit's id giving a condition on the record.
    unit_takes_part: Callable[[Id], Q] | None = None
    # The field holding the staff id of the person who wrote the record, when its author keeps
    # reading it whatever their organisation (a school's report of concern): the record only,
    # never what others add to it. "" when authorship opens nothing.
    author: str = ""


_KINDS: dict[type[Model], RecordKind] = {}


def register(kind: RecordKind) -> None:
    registered = _KINDS.get(kind.model)
    if registered is not None and registered != kind:
        raise ImproperlyConfigured(f"{kind.model.__name__} is registered twice with access.")
    _KINDS[kind.model] = kind


def kind_of(model: type[Model]) -> RecordKind:
    try:
        return _KINDS[model]
    except KeyError:
        # Fail closed: a model nobody registered is never opened.
        raise ImproperlyConfigured(
            f"{model.__name__} is not a record kind: register it with access.kinds.register."
        ) from None


def registered() -> tuple[RecordKind, ...]:
    return tuple(_KINDS.values())
