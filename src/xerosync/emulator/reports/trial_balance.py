"""TrialBalance: each account's debit or credit for the month to date and year to date.

Debit/Credit are the movements from the first of the report date's month to the date; YTD
columns are balances at the date for balance-sheet accounts and the financial year's movement
for income and expense accounts, with earlier years' profit carried in Retained Earnings.
Both pairs of columns total equal when the ledger balances.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from xerosync.emulator.ledger.accounts import Account, Chart
from xerosync.emulator.ledger.journal import Ledger
from xerosync.emulator.ledger.values import ZERO
from xerosync.emulator.reports.figures import accounts_in_use, retained_earnings, year_start
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
    us_date,
)

SECTIONS = [
    ("Revenue", "REVENUE"),
    ("Expenses", "EXPENSE"),
    ("Assets", "ASSET"),
    ("Liabilities", "LIABILITY"),
    ("Equity", "EQUITY"),
]


def trial_balance(
    ledger: Ledger, chart: Chart, org: Organisation, *, at: date, run_at: datetime
) -> dict[str, Any]:
    accounts = accounts_in_use(ledger, chart)
    month_start = at.replace(day=1)
    fy_start = year_start(org, at)
    retained = chart.system("RETAINEDEARNINGS") if chart.has_system("RETAINEDEARNINGS") else None
    totals = [ZERO] * 4
    rows: list[Row] = [header("Account", "Debit", "Credit", "YTD Debit", "YTD Credit")]
    for title, account_class in SECTIONS:
        section_rows: list[Row] = []
        listed = [a for a in accounts if a.account_class == account_class]
        if account_class == "EQUITY" and retained is not None and retained not in listed:
            listed.append(retained)
        for account in listed:
            month = ledger.movement(account.account_id, month_start, at)
            if account.is_profit_and_loss:
                ytd = ledger.movement(account.account_id, fy_start, at)
            elif retained is not None and account.account_id == retained.account_id:
                ytd = -retained_earnings(ledger, accounts, chart, org, at)
            else:
                ytd = ledger.balance(account.account_id, at)
            if not month and not ytd:
                continue
            cells = _sides(account, month) + _sides(account, ytd)
            totals = [t + v for t, v in zip(totals, cells, strict=True)]
            section_rows.append(_row(account, cells, fy_start, at))
        if section_rows:
            rows.append(section(title, section_rows))
    rows.append(section("", [summary_row("Total", totals)]))
    return envelope(
        name="Trial Balance",
        report_type="TrialBalance",
        titles=["Trial Balance", org.name, f"As at {long_date(at)}"],
        rows=rows,
        run_at=run_at,
    )


def _sides(account: Account, net: Decimal) -> list[Decimal]:
    """[debit, credit] for a debit-positive net amount."""
    return [net, ZERO] if net > 0 else [ZERO, -net]


def _row(account: Account, values: list[Decimal], fy_start: date, at: date) -> Row:
    """One account's cells: an amount on the side it falls, "" on the other side."""
    attrs = {"account": account.account_id}
    ytd_attrs = {
        **attrs,
        "fromDate": us_date(fy_start) if account.is_profit_and_loss else "",
        "toDate": us_date(at),
    }
    debit_natured = account.account_class in ("ASSET", "EXPENSE")
    cells = [cell(account.label, attrs)]
    for (debit, credit), cell_attrs in (
        ((values[0], values[1]), attrs),
        ((values[2], values[3]), ytd_attrs),
    ):
        if debit or (not credit and debit_natured):
            texts = (amount(debit), "")
        else:
            texts = ("", amount(credit))
        cells.extend(cell(text, cell_attrs) for text in texts)
    return {"RowType": "Row", "Cells": cells}
