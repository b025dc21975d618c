"""Many rows updated, each with values of its own, in one statement.

SQLAlchemy sends such an UPDATE as the driver's executemany: psycopg pipelines it but still runs
a prepared statement a row, and the ORM's unit of work adds bookkeeping for every object. On
PostgreSQL `update_many` passes one array a column and joins the table to their `unnest`: one
statement whatever the number of rows, the same text every time (so compiled once, and prepared
by the server). On SQLite, where a statement costs no round trip, it is a plain executemany.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import JSON, Dialect, TextClause, bindparam, text, update
from sqlalchemy.orm import Session

from xerosync.store.tables import Base, utcnow

__all__ = ["update_many"]


def update_many(
    session: Session, model: type[Base], rows: Sequence[Mapping[str, Any]], *, key: str = "id"
) -> None:
    """Set each row's values on the row of `model`'s table whose `key` column it names. Every
    row gives the same columns (the first row's)."""
    if not rows:
        return
    table = Base.metadata.tables[model.__tablename__]
    names = tuple(rows[0])
    changed = [name for name in names if name != key]
    dialect = session.get_bind().dialect
    if dialect.name != "postgresql":
        each = (
            update(table)
            .where(table.c[key] == bindparam("row_key"))
            .values({name: bindparam(f"new_{name}") for name in changed})
        )
        session.execute(
            each,
            [{"row_key": row[key], **{f"new_{n}": row[n] for n in changed}} for row in rows],
        )
        return
    statement, encoders = _unnest_update(dialect, model.__tablename__, names, key)
    arrays = {
        f"a_{name}": [encode(row[name]) for row in rows]
        for name, encode in zip(names, encoders, strict=True)
    }
    session.execute(statement, {**arrays, "changed_at": utcnow()})


def _same(value: Any) -> Any:
    return value


@functools.cache
def _unnest_update(
    dialect: Dialect, table_name: str, names: tuple[str, ...], key: str
) -> tuple[TextClause, list[Callable[[Any], Any]]]:
    """`UPDATE t SET c = new.c ... FROM unnest(:a_key::type[], :a_c::type[], ...) AS new(...)`,
    and how each column's values go into its array (JSON as its text)."""
    table = Base.metadata.tables[table_name]
    arrays, encoders = [], []
    for name in names:
        column_type = table.c[name].type.dialect_impl(dialect)
        arrays.append(f"CAST(:a_{name} AS {column_type.compile(dialect=dialect)}[])")
        encoders.append(_json_text(column_type) if isinstance(column_type, JSON) else _same)
    quoted = [dialect.identifier_preparer.quote(name) for name in names]
    settings = ", ".join(
        f"{q} = new.{q}" for name, q in zip(names, quoted, strict=True) if name != key
    )
    if "updated_at" in table.c and "updated_at" not in names:
        settings += ", updated_at = :changed_at"  # as the models' onupdate sets it
    # only names from the table's own definition go into the text; every value is a parameter
    sql = (
        f"UPDATE {dialect.identifier_preparer.quote(table_name)} SET {settings} "  # noqa: S608
        f"FROM unnest({', '.join(arrays)}) AS new({', '.join(quoted)}) "
        f"WHERE {table_name}.{dialect.identifier_preparer.quote(key)} = "
        f"new.{dialect.identifier_preparer.quote(key)}"
    )
    return text(sql), encoders


def _json_text(column_type: JSON) -> Callable[[Any], Any]:
    """A JSON column's value as the text PostgreSQL casts to JSON; None as SQL NULL only where
    the column says so (as SQLAlchemy writes it)."""

    def encode(value: Any) -> Any:
        if value is None and column_type.none_as_null:
            return None
        return json.dumps(value)

    return encode
