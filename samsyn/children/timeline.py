"""The child's timeline (issue 11, point 6): every contact, report of concern, SIP with its
meetings and plan versions, consultation, admission with its notices, and radar signal about one
child on one list, newest first, each marked with the organisation it belongs to — so a
newcomer to the case sees the history at once.

`children` imports none of those apps (the import contracts forbid the cycle). As with the
record kinds of `access`, each app registers its sources in its `AppConfig.ready`: a function
giving the rows the actor may read, through the app's own selector and `access`, and one
describing a page of them. The sources are one `UNION ALL` in SQL, ordered and cut to a page
there, so a page costs one query to count, one to list, one per kind on it to describe, and one
audit row naming what it showed — whatever the child's history holds
(`children.selectors.timeline_for`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db.models import CharField, DateTimeField, F, QuerySet, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast

from samsyn.access.actor import Actor
from samsyn.children.models import Child


@dataclass(frozen=True)
class Entry:
    """One event on the timeline, as the viewer may see it."""

    at: datetime.datetime | datetime.date
    kind: str  # what it is, in the viewer's language ("Report of concern")
    title: str
    organisation: str  # the organisation it belongs to
    url: str = ""
    detail: str = ""
    source: str = ""  # the source's name ("report"), set by the timeline

    @property
    def has_time(self) -> bool:
        return isinstance(self.at, datetime.datetime)


# The rows of a source: the records the actor may read about the child, for the purpose.
Rows = Callable[[Actor, Child, str], QuerySet]
# A page's records of a source by id, described for the actor.
Describe = Callable[[Actor, list[int]], dict[int, Entry]]


@dataclass(frozen=True)
class Source:
    name: str  # unique; also the entry's kind in the audit row
    rows: Rows
    describe: Describe


_SOURCES: dict[str, Source] = {}


def register(source: Source) -> None:
    registered = _SOURCES.get(source.name)
    if registered is not None and registered != source:
        raise ImproperlyConfigured(f"The timeline source {source.name} is registered twice.")
    _SOURCES[source.name] = source


def rows(queryset: QuerySet, *, name: str, at: str | Combinable) -> QuerySet:
    """A source's records as the timeline's columns (source, id, moment): the shape every
    source gives, so they combine in one UNION. A date becomes the start of its day."""
    return (
        queryset.order_by()
        .annotate(
            timeline_source=Value(name, output_field=CharField()),
            timeline_id=F("pk"),
            timeline_at=F(at) if isinstance(at, str) else at,
        )
        .values_list("timeline_source", "timeline_id", "timeline_at")
    )


def as_moment(field: str) -> Combinable:
    """A date field as a moment, for a source whose record carries only a day."""
    return Cast(field, output_field=DateTimeField())


def sources() -> tuple[Source, ...]:
    if not _SOURCES:
        raise ImproperlyConfigured("No timeline source is registered.")
    return tuple(_SOURCES.values())


def source(name: str) -> Source:
    return _SOURCES[name]
