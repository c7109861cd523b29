"""Rows of a queryset as one JSON value, and model instances made of them again: how one
statement reads several lists (the child's page, issue 12). A page composes the lists of
several apps into the statement that reads the child; each app offers its list as
`rows_as_json` of its own queryset, restricted through `access`, and makes its instances of the
answer with `from_json`, as the ORM would have loaded them."""

from __future__ import annotations

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import F, Model, QuerySet
from django.db.models.functions import JSONObject


def rows_as_json(queryset: QuerySet, *related: str) -> ArraySubquery:
    """The rows of `queryset`, in its order, each with its `related` rows (paths as for
    `select_related`) and its annotations (a count, a nested `rows_as_json`) as one JSON
    object: what `from_json` makes instances of again."""
    columns: dict = {}
    for path in ("", *related):
        model = _model_at(queryset.model, path)
        prefix = f"{path}__" if path else ""
        for column in model._meta.concrete_fields:
            columns[prefix + column.attname] = F(prefix + column.attname)
    for name in queryset.query.annotation_select:
        columns[name] = F(name)
    return ArraySubquery(queryset.values(row=JSONObject(**columns)))


def from_json[M: Model](model: type[M], row: dict, *related: str) -> M:
    """An instance of `model` and its `related` rows from a row of `rows_as_json`, as the ORM
    would have loaded them with `select_related`; each annotation an attribute of the instance,
    as JSON gave it (a nested list stays a list of rows, for its app to make instances of)."""
    made: dict[str, Model | None] = {}
    taken: set[str] = set()
    for path in ("", *related):
        target = _model_at(model, path)
        prefix = f"{path}__" if path else ""
        fields = target._meta.concrete_fields
        names = [prefix + column.attname for column in fields]
        taken.update(names)
        values = [column.to_python(row[name]) for column, name in zip(fields, names, strict=True)]
        # An empty nullable relation (an involvement assigned to no one) is None.
        made[path] = (
            None
            if values[fields.index(target._meta.pk)] is None
            else target.from_db(connection.alias, [f.attname for f in fields], values)
        )
        if path:
            parent, _sep, name = path.rpartition("__")
            if made[parent] is not None:
                setattr(made[parent], name, made[path])
    instance = made[""]
    assert isinstance(instance, model)
    for name in row.keys() - taken:
        setattr(instance, name, row[name])
    return instance


def _model_at(model: type[Model], path: str) -> type[Model]:
    for name in path.split("__") if path else ():
        model = model._meta.get_field(name).related_model
    return model
