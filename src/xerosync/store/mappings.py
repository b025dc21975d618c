"""Mappings: (connection, entity, app id) <-> Xero id, with the app's latest record, the last
synced snapshot (the base of three-way merges) and what Xero last said of the record."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import Select, bindparam, insert, select, update
from sqlalchemy.orm import Session

from xerosync.store.db import among_param, dialect_of, insert_many
from xerosync.store.tables import MappingRow, table_of, utcnow

__all__ = ["SessionRefs", "by_app", "by_xero", "insert_new", "insert_rows", "set_sync_status"]

_TABLE = table_of(MappingRow)


def by_app(session: Session, connection_id: str, entity: str, app_id: str) -> MappingRow | None:
    return session.scalar(
        select(MappingRow).where(
            MappingRow.connection_id == connection_id,
            MappingRow.entity == entity,
            MappingRow.app_id == app_id,
        )
    )


def set_sync_status(session: Session, mapping_id: int, status: str) -> None:
    session.execute(
        update(MappingRow).where(MappingRow.id == mapping_id).values(sync_status=status)
    )


def by_xero(session: Session, connection_id: str, entity: str, xero_id: str) -> MappingRow | None:
    return session.scalar(
        select(MappingRow).where(
            MappingRow.connection_id == connection_id,
            MappingRow.entity == entity,
            MappingRow.xero_id == xero_id,
        )
    )


def insert_new(session: Session, rows: Sequence[MappingRow]) -> None:
    """Write mappings built but never added to the session, all at once. Unlike `session.add`,
    no ids are read back (one statement for the lot, not a RETURNING insert the driver must
    parse): the objects stay detached and are not to be used after."""
    if rows:
        session.execute(
            insert(MappingRow),
            [{k: v for k, v in vars(row).items() if not k.startswith("_")} for row in rows],
        )


def insert_rows(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    """Write mappings given as plain values, each row naming the same columns (all those with a
    default but `updated_at`), with no ORM object built, tracked or read back for any of them:
    `insert_many`, a COPY on PostgreSQL."""
    if rows:
        insert_many(session, _TABLE, rows, same={"updated_at": utcnow()})


@functools.cache
def _pairs_query(dialect: str, key: str, value: str) -> Select[Any]:
    return select(_TABLE.c[key], _TABLE.c[value]).where(
        _TABLE.c.connection_id == bindparam("connection"),
        _TABLE.c.entity == bindparam("entity"),
        among_param(dialect, _TABLE.c[key], "keys"),
    )


class SessionRefs:
    """`xerosync.sync.mapping.Refs` over the mappings table, cached for one unit of work."""

    def __init__(self, session: Session, connection_id: str) -> None:
        self._session = session
        self._connection_id = connection_id
        self._to_xero: dict[tuple[str, str], str | None] = {}
        self._to_app: dict[tuple[str, str], str | None] = {}

    def preload(self, entity: str, app_ids: Iterable[str]) -> None:
        """Learn the Xero ids of these app records, 500 to a query."""
        wanted = [a for a in set(app_ids) if (entity, a) not in self._to_xero]
        for app_id, xero_id in self._pairs(entity, "app_id", "xero_id", wanted):
            self._to_xero[(entity, app_id)] = xero_id
            if xero_id:
                self._to_app[(entity, xero_id)] = app_id

    def preload_xero(self, entity: str, xero_ids: Iterable[str]) -> None:
        """Learn the app ids of these Xero records, 500 to a query."""
        wanted = [x for x in set(xero_ids) if (entity, x) not in self._to_app]
        for xero_id, app_id in self._pairs(entity, "xero_id", "app_id", wanted):
            self._to_app[(entity, xero_id)] = app_id

    def _pairs(
        self, entity: str, key: str, value: str, keys: list[str]
    ) -> Iterator[tuple[str, str | None]]:
        """(each of `keys`, its `value` column or None), looked up by the `key` column."""
        query = _pairs_query(dialect_of(self._session), key, value)
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            rows = self._session.execute(
                query, {"connection": self._connection_id, "entity": entity, "keys": chunk}
            )
            found: dict[str, str | None] = dict(rows.all())
            for one in chunk:
                yield one, found.get(one)

    def remember(self, entity: str, app_id: str, xero_id: str | None) -> None:
        self._to_xero[(entity, app_id)] = xero_id
        if xero_id:
            self._to_app[(entity, xero_id)] = app_id

    def xero_id(self, entity: str, app_id: str) -> str | None:
        if (entity, app_id) not in self._to_xero:
            self.preload(entity, [app_id])
        return self._to_xero[(entity, app_id)]

    def app_id(self, entity: str, xero_id: str) -> str | None:
        key = (entity, xero_id)
        if key not in self._to_app:
            row = by_xero(self._session, self._connection_id, entity, xero_id)
            self._to_app[key] = row.app_id if row else None
        return self._to_app[key]
