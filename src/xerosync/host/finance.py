"""The finance figures of one connection, read from the store: the kept reports, the pulled
invoices (as Xero's JSON, rebuilt from their mappings) and the chart of accounts.

A pulled invoice's mapping keeps what Xero owns of it (type, status, number, total, amount due
and paid) in columns and its dates in the last synced snapshot (`base`); only what the
summaries read is rebuilt, under Xero's names.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xerosync.store import reports
from xerosync.store.tables import MappingRow, XeroRecordRow
from xerosync.sync.finance import FinanceSummary, summarise

__all__ = ["chart_of_accounts", "finance_summary", "pulled_invoices"]

#: the statuses the summaries count (drafts, voided and deleted invoices owe nothing)
_COUNTED = ("AUTHORISED", "PAID")


def _money(value: Decimal | None) -> str | None:
    """As Xero writes it: 2 places unless it has more (the store keeps 4)."""
    if value is None:
        return None
    cents = value.quantize(Decimal("0.01"))
    return str(cents if cents == value else value.normalize())


def pulled_invoices(session: Session, connection_id: str) -> list[dict[str, Any]]:
    """Approved and paid invoices in Xero, with their Type, Status, dates and amounts."""
    rows = session.execute(
        select(
            MappingRow.xero_id,
            MappingRow.xero_number,
            MappingRow.xero_type,
            MappingRow.xero_status,
            MappingRow.total,
            MappingRow.amount_due,
            MappingRow.amount_paid,
            MappingRow.base,
            MappingRow.app_data,
        ).where(
            MappingRow.connection_id == connection_id,
            MappingRow.entity == "invoices",
            MappingRow.xero_id.is_not(None),
            MappingRow.xero_status.in_(_COUNTED),
        )
    )
    out: list[dict[str, Any]] = []
    for xero_id, number, kind, status, total, due, paid, base, app in rows:
        known = base or app or {}
        out.append(
            {
                "InvoiceID": xero_id,
                "InvoiceNumber": number,
                # a mapping kept before types were is typed by the app's record, if it has one
                "Type": kind or (app or {}).get("type"),
                "Status": status,
                "Date": known.get("date"),
                "DueDate": known.get("due_date"),
                "Total": _money(total),
                "AmountDue": _money(due),
                "AmountPaid": _money(paid),
            }
        )
    return out


def chart_of_accounts(session: Session, connection_id: str) -> list[dict[str, Any]]:
    """The accounts as `refresh_books` kept them (Xero's JSON), by code; those without one last."""
    rows = session.execute(
        select(XeroRecordRow.code, XeroRecordRow.data).where(
            XeroRecordRow.connection_id == connection_id, XeroRecordRow.entity == "accounts"
        )
    )
    found = [(code, dict(data)) for code, data in rows]
    found.sort(key=lambda pair: (pair[0] is None, pair[0] or "", str(pair[1].get("Name", ""))))
    return [data for _, data in found]


def finance_summary(session: Session, connection_id: str, today: date) -> FinanceSummary:
    kept = reports.load_all(session, connection_id)
    bank, pnl = kept.get("BankSummary"), kept.get("ProfitAndLoss")
    used = [r.fetched_at for r in (bank, pnl) if r is not None]
    return summarise(
        today=today,
        bank_summary=bank.body if bank else None,
        profit_and_loss=pnl.body if pnl else None,
        invoices=pulled_invoices(session, connection_id),
        fetched_at=min(used) if used else None,
    )
