"""Small database helpers shared by apps."""

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import connection


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def supports_skip_locked() -> bool:
    return connection.features.has_select_for_update_skip_locked and settings.IS_POSTGRES


def update_from_values(
    *,
    table: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    set_sql: str,
    join_sql: str,
    where_sql: str = "",
    returning: str = "",
    batch: int = 500,
) -> list[tuple]:
    """One `UPDATE … FROM (VALUES …)` per batch of `rows`: a set-based write of many rows.

    The VALUES rows are exposed as `v.<column>` (portable to SQLite ≥ 3.33 and Postgres: the
    values are named through a sub-select, since SQLite has no `AS v(a, b)` column aliases).
    `set_sql`, `join_sql` and `where_sql` are SQL written by the caller (never user input);
    every value travels as a parameter. With `returning`, the returned rows of all batches are
    returned (SQLite ≥ 3.35, Postgres).
    """
    if not rows:
        return []
    width = len(columns)
    names = ", ".join(f"column{i + 1} AS {name}" for i, name in enumerate(columns))
    out: list[tuple] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            values = ", ".join(["(" + ", ".join(["%s"] * width) + ")"] * len(chunk))
            sql = (
                f"UPDATE {table} SET {set_sql} "  # noqa: S608 - identifiers and SQL are the caller's code
                f"FROM (SELECT {names} FROM (VALUES {values}) AS vv) AS v "
                f"WHERE {join_sql}"
            )
            if where_sql:
                sql += f" AND ({where_sql})"
            if returning:
                sql += f" RETURNING {returning}"
            cursor.execute(sql, [value for row in chunk for value in row])
            if returning:
                out.extend(cursor.fetchall())
    return out


def update_rows(*, model: Any, fields: Sequence[str], objs: Sequence[Any]) -> None:
    """Write `fields` of many model instances in one `UPDATE … FROM (VALUES …)` per 500 rows.

    The set-based stand-in for `bulk_update` (whose `CASE WHEN` per row costs more Python than
    SQL on a large set): each value goes through the field's `get_db_prep_save`, so datetimes,
    foreign keys and choices are written as `save()` would. Unconditional: the caller holds the
    rows' locks or owns the rows (created in its transaction).
    """
    if not objs:
        return
    meta = model._meta
    table = connection.ops.quote_name(meta.db_table)
    model_fields = [meta.get_field(name) for name in fields]
    columns = ["id", *[f"c{i}" for i in range(len(model_fields))]]
    rows = [
        [obj.pk, *[f.get_db_prep_save(getattr(obj, f.attname), connection) for f in model_fields]]
        for obj in objs
    ]
    update_from_values(
        table=table,
        columns=columns,
        rows=rows,
        set_sql=", ".join(
            f"{connection.ops.quote_name(f.column)} = v.c{i}" for i, f in enumerate(model_fields)
        ),
        join_sql=f"{table}.{connection.ops.quote_name(meta.pk.column)} = v.id",
    )


def insert_rows(*, objs: Sequence[Any], batch: int = 1000) -> int:
    """INSERT many new model instances (one model) in one statement per `batch`; returns the
    count. The lean stand-in for `bulk_create` on hot paths that need no primary keys back:
    every concrete field is written as `save()` would (`pre_save` fills auto_now fields,
    `get_db_prep_save` adapts the value), without bulk_create's per-row query compilation."""
    if not objs:
        return 0
    meta = objs[0]._meta
    fields = [f for f in meta.concrete_fields if f is not meta.auto_field]
    table = connection.ops.quote_name(meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch):
            chunk = objs[start : start + batch]
            params: list[Any] = []
            for obj in chunk:
                for f in fields:
                    params.append(f.get_db_prep_save(f.pre_save(obj, True), connection))
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608 - our own identifiers
                + ", ".join([row_sql] * len(chunk)),
                params,
            )
    return len(objs)
