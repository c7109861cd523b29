"""Rows of a queryset as one JSON value, and model instances made of them again: how one
statement reads several lists (the child's page, issue 12). A page composes the lists of
several apps into the statement that reads the child; each app offers its list as
`rows_as_json` of its own queryset, restricted through `access`, and makes its instances of the
answer with `from_json`, as the ORM would have loaded them."""

from __future__ import annotations

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import F, JSONField, Model, QuerySet
from django.db.models.expressions import Expression
from django.db.models.functions import JSONObject


class _WholeRow(Expression):
    """The whole row of the table `column` is read from, as JSON (`to_jsonb`, keyed by column
    name): one expression per table of a row, where one per column made building and
    compiling the statement the most of a page's time."""

    def __init__(self, column: F) -> None:
        super().__init__(output_field=JSONField())
        self.column = column

    def get_source_expressions(self) -> list:
        return [self.column]

    def set_source_expressions(self, expressions: list) -> None:
        (self.column,) = expressions

    def as_sql(self, compiler, connection):
        return f"to_jsonb({compiler.quote_name(self.column.alias)})", []


def _row_key(path: str) -> str:
    # Not a Python name, so no annotation takes it.
    return f"row:{path}"


def rows_as_json(queryset: QuerySet, *related: str) -> ArraySubquery:
    """The rows of `queryset`, in its order, each with its `related` rows (paths as for
    `select_related`) and its annotations (a count, a nested `rows_as_json`) as one JSON
    object: what `from_json` makes instances of again."""
    return ArraySubquery(json_objects(queryset, *related))


def json_objects(queryset: QuerySet, *related: str) -> QuerySet:
    """`queryset` as one column, `row`: each row as the JSON object `rows_as_json` lists."""
    columns: dict = {}
    for path in ("", *related):
        model = _model_at(queryset.model, path)
        # Any column but the key: a related row's key is its parent's foreign key, which
        # would not join the related table.
        column = next(field for field in model._meta.concrete_fields if not field.primary_key)
        columns[_row_key(path)] = _WholeRow(F(f"{path}__{column.name}" if path else column.name))
    for name in queryset.query.annotation_select:
        columns[name] = F(name)
    return queryset.values(row=JSONObject(**columns))


def selected_related(queryset: QuerySet) -> tuple[str, ...]:
    """The paths `queryset` names in `select_related`, each with the paths on the way to it
    (`"unit__organisation"` gives `"unit"` first): the `related` of `json_objects` and
    `from_json` for a queryset that says what it needs."""
    paths: list[str] = []

    def walk(tree: dict, prefix: str) -> None:
        for name, below in tree.items():
            paths.append(prefix + name)
            walk(below, f"{prefix}{name}__")

    selected = queryset.query.select_related
    walk(selected if isinstance(selected, dict) else {}, "")
    return tuple(paths)


def from_json[M: Model](model: type[M], row: dict, *related: str) -> M:
    """An instance of `model` and its `related` rows from a row of `rows_as_json`, as the ORM
    would have loaded them with `select_related`; each annotation an attribute of the instance,
    as JSON gave it (a nested list stays a list of rows, for its app to make instances of)."""
    made: dict[str, Model | None] = {}
    for path in ("", *related):
        target = _model_at(model, path)
        values = row[_row_key(path)]
        fields = target._meta.concrete_fields
        # An empty nullable relation (an involvement assigned to no one) is None.
        made[path] = (
            None
            if values is None or values[target._meta.pk.column] is None
            else target.from_db(
                connection.alias,
                [field.attname for field in fields],
                [field.to_python(values[field.column]) for field in fields],
            )
        )
        if path:
            parent, _sep, name = path.rpartition("__")
            if made[parent] is not None:
                setattr(made[parent], name, made[path])
    instance = made[""]
    assert isinstance(instance, model)
    for name in row.keys() - {_row_key(path) for path in ("", *related)}:
        setattr(instance, name, row[name])
    return instance


def _model_at(model: type[Model], path: str) -> type[Model]:
    for name in path.split("__") if path else ():
        model = model._meta.get_field(name).related_model
    return model
