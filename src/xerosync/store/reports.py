"""Reports as Xero returned them, one per connection and report name; a fetch replaces the last."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
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
    row = session.get(XeroReportRow, (connection_id, name))
    if row is None:
        row = XeroReportRow(connection_id=connection_id, name=name)
        session.add(row)
    row.params, row.body, row.fetched_at = params, body, fetched_at


def load(session: Session, connection_id: str, name: str) -> StoredReport | None:
    row = session.get(XeroReportRow, (connection_id, name))
    return StoredReport.of(row) if row is not None else None


def load_all(session: Session, connection_id: str) -> dict[str, StoredReport]:
    rows = session.scalars(
        select(XeroReportRow).where(XeroReportRow.connection_id == connection_id)
    )
    return {row.name: StoredReport.of(row) for row in rows}
