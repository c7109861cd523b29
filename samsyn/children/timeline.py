"""The child's timeline (issue 11, point 6): every contact, report of concern, SIP with its
meetings and plan versions, consultation, admission with its notices, and radar signal about one
child on one list, newest first, each marked with the organisation it belongs to — so a
newcomer to the case sees the history at once.

`children` imports none of those apps (the import contracts forbid the cycle). As with the
record kinds of `access`, each app registers its sources in its `AppConfig.ready`: the rows the
actor may read (`rows`: the app's own selector through `access`), the app's records with what
describing one needs (`records`: `select_related` and annotations, such as the SIP of the plan
item a radar signal names), and how one record is described (`describe`, in Python, reading
nothing). A page of the timeline is one SQL expression (`page_expression`): the sources' rows as
one `UNION ALL`, counted, ordered and cut to the page asked for (the last one past the end), and
each entry on it with its record as JSON, read by primary key. The child's page selects it as a
column of the statement that reads the child's guardians and involvements, so its timeline
costs no statement of its own; read on its own (the API's), it is one statement. Either way one
audit row names the page shown, whatever the child's history holds
(`children.selectors.timeline_for`, docs/adr/0016).
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Page, Paginator
from django.db.models import CharField, DateTimeField, F, JSONField, Model, QuerySet, Value
from django.db.models.expressions import Combinable, RawSQL
from django.db.models.functions import Cast

from samsyn.access.actor import Actor
from samsyn.children.models import Child
from samsyn.common.json_rows import from_json, json_objects, selected_related
from samsyn.common.shapes import bound_param


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
# The source's records with what describing one needs (`select_related`, annotations): the
# page's statement reads each entry's record of it by primary key, as JSON.
Records = Callable[[], QuerySet]
# One record, made again of that JSON (`common.json_rows.from_json`), described for the actor.
Describe = Callable[[Actor, Any], Entry]


@dataclass(frozen=True)
class Source:
    name: str  # unique; also the entry's kind in the audit row
    rows: Rows
    records: Records
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


# The page's statement: the sources' rows once (materialised: counted and paged), the page asked
# for clamped to the last one (`Paginator.get_page`'s answer past the end, without a second
# statement), and each entry on it with its record as JSON, read by primary key.
_PAGE_SQL = """
WITH timeline_rows AS MATERIALIZED ({rows}),
timeline_size AS (
    SELECT COUNT(*) AS total,
        LEAST(%s, GREATEST(1, (COUNT(*) + {size} - 1) / {size})) AS number
    FROM timeline_rows
),
timeline_page AS (
    SELECT * FROM timeline_rows
    ORDER BY timeline_at DESC, timeline_source, timeline_id DESC
    LIMIT {size} OFFSET (SELECT (number - 1) * {size} FROM timeline_size)
)
SELECT JSONB_BUILD_OBJECT(
    'count', total,
    'number', number,
    'entries', COALESCE((
        SELECT JSONB_AGG(
            JSONB_BUILD_ARRAY(timeline_source, timeline_id, CASE timeline_source {records} END)
            ORDER BY timeline_at DESC, timeline_source, timeline_id DESC
        )
        FROM timeline_page
    ), '[]'::jsonb)
)
FROM timeline_size
"""

# A page number asked for is an integer in SQL: beyond this, the last page anyway.
_LAST_PAGE_ASKED = 2**31 - 1


def page_number(page: object) -> int:
    """The page asked for: the first for anything but a whole number of at least 1."""
    try:
        return min(max(1, int(str(page))), _LAST_PAGE_ASKED)
    except ValueError:
        return 1


def page_expression(union: QuerySet, *, page: object, size: int) -> RawSQL:
    """One page of the timeline's `union` (every source's rows, as `rows` gives them) as one SQL
    expression, a JSON value for the statement that reads the child to select: the page asked
    for, the count, and each entry's record with what describing it needs (`described` makes
    the page of the value). A `union` of querysets restricted through `access` reads exactly
    what they do."""
    rows, params = union.query.get_compiler(using=union.db).as_sql()
    records: list[str] = []
    record_params: list = []
    for kind in sources():
        record = _record(kind)
        records.append(f"WHEN %s THEN ({record.sql})")
        record_params += [kind.name, *record.params]
    return RawSQL(  # noqa: S611 - the ORM's own SQL, the page number a parameter
        _PAGE_SQL.format(rows=rows, size=int(size), records=" ".join(records)),
        (*params, bound_param("page", page_number(page)), *record_params),
        output_field=JSONField(),
    )


@dataclass(frozen=True)
class _Record:
    """What the page reads of a source's record, and how it is made again: the same on every
    page (it names no actor, child or page), so it is built once a process, not once a page."""

    model: type[Model]
    related: tuple[str, ...]
    sql: str  # the record of the page's entry (`timeline_page.timeline_id`) as JSON
    params: tuple


@functools.cache
def _record(kind: Source) -> _Record:
    queryset = kind.records()
    related = selected_related(queryset)
    one = json_objects(queryset.filter(pk=RawSQL("timeline_page.timeline_id", ())), *related)
    sql, params = one.query.get_compiler(using=one.db).as_sql()
    return _Record(queryset.model, related, sql, tuple(params))


def described(actor: Actor, value: dict, *, size: int) -> tuple[Page, dict[str, list[int]]]:
    """The page `page_expression` read, its entries described for the actor, and their ids by
    source: what the audit row names."""
    entries = []
    by_source: dict[str, list[int]] = {}
    for name, pk, row in value["entries"]:
        kind = source(name)
        shape = _record(kind)
        record = from_json(shape.model, row, *shape.related)
        entries.append(replace(kind.describe(actor, record), source=name))
        by_source.setdefault(name, []).append(pk)
    paginator = Paginator(range(value["count"]), size)
    return Page(entries, value["number"], paginator), by_source
