"""Reports as Xero returned them, one per connection and report name; a fetch replaces the last."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from xerosync.store.tables import XeroReportRow

__all__ = ["StoredReport", "load", "load_all", "save"]


@dataclass(frozen=True)
class StoredReport:
    #: the report's name in Xero's API: ProfitAndLoss, BalanceSheet, BankSummary, TrialBalance
    name: str
    #: the parameters it was asked with (fromDate, toDate, periods, date...)
    params: dict[str, Any]
    #: Xero's report as returned (ReportName, ReportTitles, Rows...)
    body: dict[str, Any]
    fetched_at: datetime

    @classmethod
    def of(cls, row: XeroReportRow) -> StoredReport:
        return cls(
            name=row.name, params=dict(row.params), body=dict(row.body), fetched_at=row.fetched_at
        )


def save(
    session: Session,
    connection_id: str,
    name: str,
    *,
    params: dict[str, Any],
    body: dict[str, Any],
    fetched_at: datetime,
) -> None:
    """Keep this copy in place of the last (an upsert: two workers refreshing the same
    organisation at once both succeed, the later write stays)."""
    insert = sqlite.insert if session.get_bind().dialect.name == "sqlite" else postgresql.insert
    statement = insert(XeroReportRow).values(
        connection_id=connection_id, name=name, params=params, body=body, fetched_at=fetched_at
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["connection_id", "name"],
            set_={
                "params": statement.excluded.params,
                "body": statement.excluded.body,
                "fetched_at": statement.excluded.fetched_at,
            },
        )
    )


def load(session: Session, connection_id: str, name: str) -> StoredReport | None:
    row = session.get(XeroReportRow, (connection_id, name))
    return StoredReport.of(row) if row is not None else None


def load_all(session: Session, connection_id: str) -> dict[str, StoredReport]:
    rows = session.scalars(
        select(XeroReportRow).where(XeroReportRow.connection_id == connection_id)
    )
    return {row.name: StoredReport.of(row) for row in rows}
