"""One `Database` per process: the engine, sessions, and the few places SQLite and PostgreSQL differ.

SQLite is the embedded default (one file, WAL, foreign keys on, writers wait rather than fail);
PostgreSQL is for production. Everything above this module is written once for both: the only
dialect checks in the store are `Database.is_sqlite`, `insert_ignore`, `among`, `among_param`,
`insert_many` and `update_many`.
"""

from __future__ import annotations

import functools
import json
import operator
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy import (
    ColumnElement,
    Dialect,
    Engine,
    Table,
    TextClause,
    TypeDecorator,
    any_,
    bindparam,
    create_engine,
    event,
    insert,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Result, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import InstrumentedAttribute, Session, sessionmaker
from sqlalchemy.pool import StaticPool
from sqlalchemy.sql.dml import Insert

from xerosync.store.tables import Base, utcnow

__all__ = [
    "Database",
    "among",
    "among_param",
    "dialect_of",
    "insert_many",
    "normalise_url",
    "update_many",
]

_SQLITE_BUSY_MS = 30_000


def normalise_url(url: str) -> str:
    """`postgresql://` means psycopg 3 here (SQLAlchemy would otherwise pick psycopg2)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _json_text(value: Any) -> str:
    """JSON as the store writes it, with orjson (feed events, payloads, snapshots: several a
    record, where Python's encoder cost more than the statement): keys that are not strings
    written as strings and Decimal as exact text. What orjson cannot write (an integer past 64
    bits, say) goes through Python's encoder, as it always did."""
    try:
        return orjson.dumps(value, default=_json_default, option=orjson.OPT_NON_STR_KEYS).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value, default=_json_default)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)  # read back exactly by a numeric column
    raise TypeError(f"{type(value).__name__} cannot be written as JSON")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={_SQLITE_BUSY_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # pysqlite's own BEGIN handling is off (isolation_level=None below); every transaction
    # starts IMMEDIATE so writers queue on the lock instead of failing at their first write.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def among(
    session: Session, column: InstrumentedAttribute[Any], values: Sequence[Any]
) -> ColumnElement[bool]:
    """`column IN values`. On PostgreSQL `column = ANY(:values)`, one array parameter: the
    statement is the same text whatever the number of values, so neither SQLAlchemy nor psycopg
    builds and parses a statement of 500 placeholders for each look-up of 500 keys."""
    if dialect_of(session) != "postgresql":
        return column.in_(values)
    return column == any_(bindparam(None, list(values), type_=postgresql.ARRAY(column.type)))


def among_param(dialect: str, column: ColumnElement[Any], name: str) -> ColumnElement[bool]:
    """`among` for a statement built once and run many times: `column IN` the list given as
    parameter `name` when it runs (`= ANY` of one array on PostgreSQL, an expanding IN
    elsewhere). The hot statements of a push are built once a dialect (`functools.cache`):
    building a select and working out its cache key cost more than running it."""
    if dialect != "postgresql":
        return column.in_(bindparam(name, expanding=True))
    return column == any_(bindparam(name, type_=postgresql.ARRAY(column.type)))


def dialect_of(session: Session) -> str:
    """`postgresql` or `sqlite`: the key of statements built once a dialect."""
    return session.get_bind().dialect.name


def dicts_by(result: Result[Any], key: str) -> dict[Any, dict[str, Any]]:
    """Each row of `result` as a dict of its columns, by its `key` column (rows without one left
    out). All fetched at once and zipped with the column names: a Row's `_asdict()` and the
    driver's row-at-a-time fetch cost more than the query's round trip for a batch's rows."""
    names = tuple(result.keys())
    at = names.index(key)
    return {
        row[at]: dict(zip(names, row, strict=True)) for row in result.all() if row[at] is not None
    }


def insert_many(
    session: Session,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    same: Mapping[str, Any] | None = None,
) -> None:
    """INSERT `rows`, each naming the same columns, into `table` in `session`'s transaction, with
    the values of `same` (a time stamp, say) in every row: on PostgreSQL as one `COPY ... FROM
    STDIN`, elsewhere as one executemany. The values go through each column's own bind
    processing (JSON, aware datetimes) either way. Columns left out take the server's default or
    NULL: one with a Python-side `default=` must be given a value.

    On PostgreSQL a COPY costs psycopg and the server under half what an INSERT a row does (1,000
    mappings: 10 ms of CPU against 26), but it is no INSERT statement: SQLAlchemy's statement
    events do not see it, and it returns nothing. It is a binary COPY with each column's type
    given (`_copy_plan`): psycopg then neither looks up a dumper for each value nor writes
    numbers and times as text (a pull's mappings and feed events: about half the CPU of a text
    COPY), and each row is read with one `itemgetter`, only the columns with a bind processor
    going through Python (`same` through them once)."""
    if not rows:
        return
    same = same or {}
    names = tuple(rows[0])
    for column in table.c:
        if column.default is not None and column.name not in names and column.name not in same:
            raise ValueError(f"{table.name}.{column.name} has a Python-side default: give a value")
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name != "postgresql":
        connection.execute(insert(table), [{**row, **same} for row in rows])
        return
    statement, types, processors = _copy_plan(dialect, table, names + tuple(same))
    width = len(names)
    shared = list(same.values())  # bind-processed once: the same in every row
    for index, process in processors:
        if index >= width:
            shared[index - width] = process(shared[index - width])
    each = [(index, process) for index, process in processors if index < width]
    values = operator.itemgetter(*names)
    cursor = connection.connection.cursor()
    try:
        with cursor.copy(statement) as copy:
            if types is not None:
                copy.set_types(types)
            for row in rows:
                line = [*values(row), *shared] if width > 1 else [values(row), *shared]
                for index, process in each:
                    line[index] = process(line[index])
                copy.write_row(line)
    except dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(statement, None, exc, dialect.loaded_dbapi.Error) from exc
    finally:
        cursor.close()


@functools.cache
def _copy_plan(
    dialect: Dialect, table: Table, names: tuple[str, ...]
) -> tuple[str, list[str] | None, list[tuple[int, Callable[[Any], Any]]]]:
    """A COPY of these columns of `table`: its statement, each column's PostgreSQL type as
    psycopg names it (`NUMERIC(19, 4)` is `numeric`) and the (position, bind processor) of the
    columns that have one. Binary when psycopg knows every type; else text, with no types set
    (psycopg then picks a dumper for each value, as for any statement)."""
    columns = [table.c[name] for name in names]
    impls = [column.type.dialect_impl(dialect) for column in columns]
    types = [
        " ".join(_MODIFIERS.sub("", impl.compile(dialect=dialect)).lower().split())
        for impl in impls
    ]
    processors: list[tuple[int, Callable[[Any], Any]]] = [
        (index, process)
        for index, impl in enumerate(impls)
        if (process := impl.bind_processor(dialect)) is not None
    ]
    quote, table_name = dialect.identifier_preparer.quote, dialect.identifier_preparer.format_table
    listed = ", ".join(quote(column.name) for column in columns)
    statement = f"COPY {table_name(table)} ({listed}) FROM STDIN"
    if not all(dialect.loaded_dbapi.adapters.types.get(name) for name in types):
        return statement, None, processors
    return statement + " (FORMAT BINARY)", types, processors


_MODIFIERS = re.compile(r"\([^)]*\)")  # a type's length, precision or scale: "(19, 4)"


def update_many(
    session: Session, table: Table, rows: Sequence[Mapping[str, Any]], *, key: str = "id"
) -> None:
    """Set each row's values on the row of `table` whose `key` column it names; every row names
    the same columns. `updated_at`, if the table has one and it is not given, is set as the
    models' `onupdate` sets it.

    On PostgreSQL one UPDATE joined to `jsonb_to_recordset` of one JSON document of all the rows:
    the same text whatever the number of rows (compiled once, prepared by the server), and one
    orjson dump where psycopg would dump an array a column value by value in Python (that cost
    more than the rest of recording a batch) or SQLAlchemy send a statement a row. JSON columns
    go in as they are (a None is SQL NULL), decorated types (aware datetimes) through their own
    `process_bind_param`. Elsewhere one executemany, through each column's bind processing."""
    if not rows:
        return
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
            each, [{"row_key": row[key], **{f"new_{n}": row[n] for n in changed}} for row in rows]
        )
        return
    decorated: list[tuple[str, TypeDecorator[Any]]] = [
        (name, kind) for name in names if isinstance(kind := table.c[name].type, TypeDecorator)
    ]
    if decorated:
        rows = [
            {**row, **{n: t.process_bind_param(row[n], dialect) for n, t in decorated}}
            for row in rows
        ]
    document = _json_text(list(rows))
    session.execute(
        _recordset_update(dialect, table, names, key), {"rows": document, "changed_at": utcnow()}
    )


@functools.cache
def _recordset_update(
    dialect: Dialect, table: Table, names: tuple[str, ...], key: str
) -> TextClause:
    """`UPDATE t SET c = new.c, ... FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS new(key
    type, c type, ...) WHERE t.key = new.key`."""
    quote, table_name = dialect.identifier_preparer.quote, dialect.identifier_preparer.format_table
    quoted = [quote(name) for name in names]
    columns = ", ".join(
        f"{q} {table.c[n].type.dialect_impl(dialect).compile(dialect=dialect)}"
        for n, q in zip(names, quoted, strict=True)
    )
    settings = ", ".join(
        f"{q} = new.{q}" for name, q in zip(names, quoted, strict=True) if name != key
    )
    if "updated_at" in table.c and "updated_at" not in names:
        settings += ", updated_at = :changed_at"
    # only names and types from the table's own definition go into the text; values are a parameter
    return text(
        f"UPDATE {table_name(table)} SET {settings} "  # noqa: S608
        f"FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS new({columns}) "
        f"WHERE {table_name(table)}.{quote(key)} = new.{quote(key)}"
    )


class Database:
    """Where xerosync keeps its state: `Database("sqlite:///xerosync.db")` or a PostgreSQL URL."""

    def __init__(self, url: str, *, echo: bool = False, engine: Engine | None = None) -> None:
        self.url = normalise_url(url)
        self.engine = engine or self._make_engine(self.url, echo)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @staticmethod
    def _make_engine(url: str, echo: bool) -> Engine:
        parsed = make_url(url)
        codec = {"json_serializer": _json_text, "json_deserializer": orjson.loads}
        if parsed.get_backend_name() != "sqlite":
            return create_engine(url, echo=echo, pool_pre_ping=True, future=True, **codec)
        memory = parsed.database in (None, "", ":memory:")
        engine = create_engine(
            url,
            echo=echo,
            **codec,
            connect_args={"check_same_thread": False, "isolation_level": None, "timeout": 30},
            poolclass=StaticPool if memory else None,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine

    def create_all(self) -> None:
        """Tables straight from the models: for throwaway databases. Real ones use `migrate()`."""
        Base.metadata.create_all(self.engine)

    def migrate(self) -> None:
        """Bring the schema to the newest migration (Alembic `upgrade head`)."""
        from xerosync.store.migrate import upgrade

        upgrade(self.engine)

    @contextmanager
    def transaction(self, session: Session | None = None) -> Iterator[Session]:
        """A session in a transaction, committed on success and rolled back on error. Given the
        caller's own `session`, work joins it and the caller commits (its transaction, its call)."""
        if session is not None:
            yield session
            session.flush()
            return
        with self.sessions() as own, own.begin():
            yield own

    def insert_ignore(self, table: Any, conflict: list[str]) -> Insert:
        """INSERT that does nothing when a row with the same `conflict` columns exists."""
        if self.is_sqlite:
            return sqlite.insert(table).on_conflict_do_nothing(index_elements=conflict)
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=conflict)

    def analyze(self, table: str) -> None:
        """Refresh PostgreSQL's statistics of `table` after a bulk load: until autovacuum gets
        to it, a table that grew from nothing is planned as if it were empty, and look-ups by
        key turn into scans of everything. No-op on SQLite."""
        if self.is_sqlite:
            return
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql(f'ANALYZE "{table}"')

    def analyze_grown(self, *tables: str) -> list[str]:
        """`analyze` those of `tables` that have more than doubled (by size on disk) since
        PostgreSQL last measured them, or were never measured and are no longer tiny; the names
        analyzed. Autovacuum does the same, but up to a minute later: a push right after a bulk
        submit would otherwise look records up by key with scans of the whole table (10,000
        records: 12 s of a 24 s push). Repeated on each doubling only. No-op on SQLite."""
        if self.is_sqlite:
            return []
        with self.engine.connect() as connection:
            sizes = connection.execute(
                text(
                    "SELECT relname, relpages, "
                    "pg_relation_size(oid) / current_setting('block_size')::int "
                    "FROM pg_class WHERE relkind = 'r' AND relname = ANY(:names) "
                    "AND relnamespace = 'public'::regnamespace"
                ),
                {"names": list(tables)},
            ).all()
        grown = [name for name, measured, now in sizes if now >= 8 and now > 2 * max(measured, 0)]
        for name in grown:
            self.analyze(name)
        return grown

    def dispose(self) -> None:
        self.engine.dispose()
