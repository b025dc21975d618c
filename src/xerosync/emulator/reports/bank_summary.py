"""BankSummary: each bank account's opening balance, cash received, cash spent, closing balance."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from xerosync.emulator.ledger.accounts import Chart
from xerosync.emulator.ledger.journal import Ledger
from xerosync.emulator.ledger.values import ZERO
from xerosync.emulator.reports.layout import (
    Organisation,
    Row,
    amount,
    cell,
    envelope,
    header,
    long_date,
    section,
    summary_row,
)


def bank_summary(
    ledger: Ledger,
    chart: Chart,
    org: Organisation,
    *,
    from_date: date,
    to_date: date,
    run_at: datetime,
) -> dict[str, Any]:
    """Every BANK account in the chart, money in and out over from_date..to_date inclusive."""
    banks = sorted((a for a in chart.accounts if a.is_bank), key=lambda a: a.name.lower())
    totals = [ZERO] * 4
    rows: list[Row] = []
    for bank in banks:
        opening = ledger.balance(bank.account_id, from_date - timedelta(days=1))
        received = ledger.debits(bank.account_id, from_date, to_date)
        spent = received - ledger.movement(bank.account_id, from_date, to_date)
        closing = opening + received - spent
        values = [opening, received, spent, closing]
        totals = [t + v for t, v in zip(totals, values, strict=True)]
        attrs = {"account": bank.account_id}
        rows.append(
            {
                "RowType": "Row",
                "Cells": [
                    cell(bank.name, {"accountID": bank.account_id}),
                    cell(amount(opening)),
                    cell(amount(received), attrs),
                    cell(amount(spent), attrs),
                    cell(amount(closing)),
                ],
            }
        )
    return envelope(
        name="Bank Summary",
        report_type="BankSummary",
        titles=[
            "Bank Summary",
            org.name,
            f"From {long_date(from_date)} to {long_date(to_date)}",
        ],
        rows=[
            header(
                "Bank Accounts", "Opening Balance", "Cash Received", "Cash Spent", "Closing Balance"
            ),
            section("", [*rows, summary_row("Total", totals)]),
        ],
        run_at=run_at,
    )
