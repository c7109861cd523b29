"""Statements compiled once per shape, run with the request's values (issue 12, docs/adr/0017).

The child's page reads everything it shows in one statement that composes the rules of a dozen
record kinds; building and compiling that statement in Django cost more than running it. Yet
its SQL is the same for every child, actor and moment of the same shape: what differs is a few
values — the child, the actor's unit, organisation and staff id, the moment, the day, the page.
Each of those enters the query as a `Bound` (or `bound_param` in raw SQL), by name.
`first_row(key, build, binding)` builds and compiles the statement the first time a `key` is
seen, noting where each bound value stands among its parameters, and from then on runs that SQL
with the values of `binding`.

The key names everything else the SQL depends on: the role, which relationships and grounds
the rules found, the sections shown. A key that missed something would run the SQL of another
shape, so under the setting `SAMSYN_VERIFY_SHAPES` (the tests) every use of a compiled shape
builds the statement again and fails if its SQL or any parameter differs, and a `Bound` whose
value is not the binding's fails at once.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import BigIntegerField, Field, QuerySet, Value
from django.db.models.expressions import Expression
from psycopg.types.json import Json, Jsonb


@dataclass(frozen=True)
class _Slot:
    """Where a bound value stands among a compiled statement's parameters."""

    name: str


class ShapeMismatch(AssertionError):
    """A shape's key left out something its SQL depends on, or a value was bound wrongly."""


class _Recording:
    def __init__(self, binding: Mapping[str, Any]) -> None:
        self.binding = binding

    def slot(self, name: str, value: Any) -> _Slot:
        if name not in self.binding:
            raise ShapeMismatch(f"The value {name!r} is bound but not in the binding.")
        if value is not _READ_WHEN_COMPILED and value != self.binding[name]:
            raise ShapeMismatch(
                f"{name!r} is bound to {value!r}, the binding has {self.binding[name]!r}."
            )
        return _Slot(name)


_RECORDING: ContextVar[_Recording | None] = ContextVar("samsyn_shapes_recording", default=None)
_READ_WHEN_COMPILED = object()


def bound_param(name: str, value: Any) -> Any:
    """`value` as a parameter of raw SQL that `first_row` binds by `name` (a function: read
    now, as `Bound` reads it when compiled)."""
    recording = _RECORDING.get()
    if recording is not None:
        return recording.slot(name, _READ_WHEN_COMPILED if callable(value) else value)
    return value() if callable(value) else value


class Bound(Expression):
    """A value of the request in a query, bound by `name`: the value itself when the query is
    compiled as usual; the request's value of that name when `first_row` runs a compiled
    shape. `value` may be a function, read when the query is compiled ("now", "today"), so a
    query tree kept for a request still asks about the moment it runs."""

    def __init__(self, name: str, value: Any, output_field: Field | None = None) -> None:
        super().__init__(output_field=output_field or BigIntegerField())
        self.name = name
        self.value = value

    # A leaf with nothing to resolve or relabel: one object wherever the tree holds it.
    def resolve_expression(self, *args, **kwargs):
        return self

    def relabeled_clone(self, change_map):
        return self

    def as_sql(self, compiler, connection):
        recording = _RECORDING.get()
        if recording is not None:
            known = _READ_WHEN_COMPILED if callable(self.value) else self.value
            return "%s", (recording.slot(self.name, known),)
        return "%s", (self.value() if callable(self.value) else self.value,)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    # The statement's parameters: constants, and `_Slot`s where the binding's values go.
    params: tuple
    names: tuple[str, ...]
    # Per column: its index, Django's converters for it and a stand-in for its expression.
    converters: tuple


_SHAPES: OrderedDict[Hashable, _Compiled] = OrderedDict()
_LOCK = threading.Lock()
# Shapes kept per process, the least recently used dropped first: a few per page and role.
MAX_SHAPES = 256


def first_row(
    key: Hashable, build: Callable[[], QuerySet], binding: Mapping[str, Any]
) -> dict[str, Any] | None:
    """The first row of `build()` (a `values()` queryset) as a dict, or None: its SQL compiled
    once per `key`, run with `binding`'s values for its `Bound`s."""
    with _LOCK:
        compiled = _SHAPES.get(key)
        if compiled is not None:
            _SHAPES.move_to_end(key)
    if compiled is None:
        compiled = _compile(build, binding)
        with _LOCK:
            _SHAPES[key] = compiled
            while len(_SHAPES) > MAX_SHAPES:
                _SHAPES.popitem(last=False)
    elif settings.SAMSYN_VERIFY_SHAPES:
        fresh = _compile(build, binding)
        if difference := _difference(compiled, fresh):
            raise ShapeMismatch(f"The shape {key!r} compiles differently now: {difference}")
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, _values(compiled.params, binding))
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for index, converters, expression in compiled.converters:
        for converter in converters:
            values[index] = converter(values[index], expression, connection)
    return dict(zip(compiled.names, values, strict=True))


def count() -> int:
    """How many shapes this process has compiled and keeps."""
    return len(_SHAPES)


def forget() -> None:
    """Drop every compiled shape: a process as it starts (`samsyn bench pages`)."""
    with _LOCK:
        _SHAPES.clear()


def _difference(compiled: _Compiled, fresh: _Compiled) -> str:
    """Where a fresh build differs from the compiled shape, for the one who mends the key."""
    if compiled.names != fresh.names:
        return f"columns {compiled.names} then {fresh.names}"
    if compiled.sql != fresh.sql:
        pairs = enumerate(zip(compiled.sql, fresh.sql, strict=False))
        at = next((i for i, (a, b) in pairs if a != b), min(len(compiled.sql), len(fresh.sql)))
        return f"SQL at {at}: {compiled.sql[at:][:160]!r} then {fresh.sql[at:][:160]!r}"
    for index, (old, new) in enumerate(zip(compiled.params, fresh.params, strict=True)):
        if _comparable(old) != _comparable(new):
            return f"parameter {index}: {old!r} then {new!r}"
    return ""


def _comparable(param: Any) -> Any:
    # psycopg's JSON wrappers do not compare by what they wrap.
    return (type(param), param.obj) if isinstance(param, Json | Jsonb) else param


def _values(params: Iterable, binding: Mapping[str, Any]) -> list:
    return [binding[p.name] if isinstance(p, _Slot) else p for p in params]


def _with_values(binding: Mapping[str, Any], execute, sql, params, many, context):
    if many or not isinstance(params, list | tuple):
        return execute(sql, params, many, context)
    return execute(sql, _values(params, binding), many, context)


def _compile(build: Callable[[], QuerySet], binding: Mapping[str, Any]) -> _Compiled:
    token = _RECORDING.set(_Recording(binding))
    try:
        # A query the build runs for itself (a decision's grounds) runs with the values.
        with connection.execute_wrapper(functools.partial(_with_values, binding)):
            queryset = build()
            query = queryset.query
            compiler = query.get_compiler(using=queryset.db)
            sql, params = compiler.as_sql()
        converters = compiler.get_converters([column for column, _sql, _alias in compiler.select])
    finally:
        _RECORDING.reset(token)
    return _Compiled(
        sql,
        tuple(params),
        (*query.extra_select, *query.values_select, *query.annotation_select),
        tuple(
            # The converters need the column's field, not the first request's query tree.
            (index, tuple(found), Value(None, output_field=expression.output_field))
            for index, (found, expression) in converters.items()
        ),
    )
