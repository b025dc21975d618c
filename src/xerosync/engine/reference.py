"""Xero-owned reference data: the chart of accounts and tax rates (and items), pulled and kept
so codes can be checked before a push."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from xerosync.engine.context import SyncContext
from xerosync.store import connections
from xerosync.store.tables import XeroRecordRow, table_of
from xerosync.sync.config import Books

__all__ = ["load_books", "refresh_books"]


def _replace(
    session: Session,
    connection_id: str,
    entity: str,
    rows: Iterable[tuple[str, str | None, str | None, dict[str, Any]]],
) -> int:
    session.execute(
        delete(XeroRecordRow).where(
            XeroRecordRow.connection_id == connection_id, XeroRecordRow.entity == entity
        )
    )
    count = 0
    for xero_id, code, status, data in rows:
        session.add(
            XeroRecordRow(
                connection_id=connection_id,
                entity=entity,
                xero_id=xero_id,
                code=code,
                status=status,
                data=data,
            )
        )
        count += 1
    return count


def refresh_books(ctx: SyncContext, connection_id: str) -> dict[str, int]:
    """Pull the chart of accounts and tax rates (two calls) and keep them."""
    with ctx.db.transaction() as session:
        tenant = connections.get(session, connection_id).tenant_id
    accounts = [
        (a.account_id or a.code or "", a.code, a.status, a.to_json_dict())
        for a in ctx.client.accounts.list(tenant=tenant)
    ]
    taxes = [
        (t.tax_type or "", t.tax_type, t.status, t.to_json_dict())
        for t in ctx.client.tax_rates.list(tenant=tenant)
    ]
    with ctx.db.transaction() as session:
        return {
            "accounts": _replace(session, connection_id, "accounts", accounts),
            "tax_rates": _replace(session, connection_id, "tax_rates", taxes),
        }


_RECORDS = table_of(XeroRecordRow)
#: built once: every claim of a push reads the books
_BOOKS = select(_RECORDS.c.entity, _RECORDS.c.code, _RECORDS.c.status, _RECORDS.c.data).where(
    _RECORDS.c.connection_id == bindparam("connection"),
    _RECORDS.c.entity.in_(("accounts", "tax_rates")),
)


def load_books(session: Session, connection_id: str) -> Books:
    rows = session.execute(_BOOKS, {"connection": connection_id})
    accounts: dict[str, str] = {}
    taxes: set[str] = set()
    for entity, code, status, data in rows:
        if not code or status not in (None, "ACTIVE"):
            continue
        if entity == "accounts":
            accounts[code] = str(data.get("Type") or "")
        else:
            taxes.add(code)
    return Books(accounts=accounts, tax_types=frozenset(taxes))
