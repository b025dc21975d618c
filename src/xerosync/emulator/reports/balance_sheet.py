"""BalanceSheet: assets, liabilities, net assets and equity (with Current Year Earnings).

Assets are shown debit-positive, liabilities and equity credit-positive, so that Net Assets
(Total Assets - Total Liabilities) equals Total Equity at every date when the ledger balances.
Current Year Earnings is the profit since the start of the financial year; earlier years'
profit is shown inside Retained Earnings, as Xero does.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from xerosync.emulator.ledger.accounts import Chart
from xerosync.emulator.ledger.journal import Ledger
from xerosync.emulator.ledger.values import ZERO
from xerosync.emulator.reports.figures import (
    accounts_in_use,
    current_year_earnings,
    retained_earnings,
    year_start,
)
from xerosync.emulator.reports.layout import (
    NO_ACCOUNT,
    Organisation,
    Row,
    account_row,
    amount,
    cell,
    envelope,
    header,
    long_date,
    plain_row,
    section,
    short_date,
    summary_row,
    us_date,
)
from xerosync.emulator.reports.periods import comparison_dates

ASSET_SECTIONS = [
    ("Bank", frozenset({"BANK"})),
    ("Current Assets", frozenset({"CURRENT", "PREPAYMENT", "INVENTORY"})),
    ("Fixed Assets", frozenset({"FIXED"})),
    ("Non-current Assets", frozenset({"NONCURRENT"})),
]
LIABILITY_SECTIONS = [
    (
        "Current Liabilities",
        frozenset(
            {
                "CURRLIAB",
                "PAYG",
                "PAYGLIABILITY",
                "SUPERANNUATIONLIABILITY",
                "WAGESPAYABLELIABILITY",
            }
        ),
    ),
    ("Non-current Liabilities", frozenset({"LIABILITY", "TERMLIAB"})),
]


def balance_sheet(
    ledger: Ledger,
    chart: Chart,
    org: Organisation,
    *,
    at: date,
    periods: int = 0,
    timeframe: str = "MONTH",
    run_at: datetime,
) -> dict[str, Any]:
    dates = comparison_dates(at, periods, timeframe)
    accounts = accounts_in_use(ledger, chart)
    rows: list[Row] = [header("", *(short_date(d) for d in dates))]

    def block(sections: list[tuple[str, frozenset[str]]], sign: int) -> list[Decimal]:
        grand = [ZERO] * len(dates)
        for title, types in sections:
            section_rows: list[Row] = []
            total = [ZERO] * len(dates)
            for account in (a for a in accounts if a.type in types):
                values = [sign * ledger.balance(account.account_id, d) for d in dates]
                if any(values):
                    section_rows.append(account_row(account, values))
                    total = [t + v for t, v in zip(total, values, strict=True)]
            if section_rows:
                rows.append(section(title, [*section_rows, summary_row(f"Total {title}", total)]))
            grand = [g + t for g, t in zip(grand, total, strict=True)]
        return grand

    rows.append(section("Assets", []))
    assets = block(ASSET_SECTIONS, 1)
    rows.append(section("", [summary_row("Total Assets", assets)]))
    rows.append(section("Liabilities", []))
    liabilities = block(LIABILITY_SECTIONS, -1)
    rows.append(section("", [summary_row("Total Liabilities", liabilities)]))
    net_assets = [a - x for a, x in zip(assets, liabilities, strict=True)]
    rows.append(section("", [plain_row("Net Assets", [amount(n) for n in net_assets])]))
    rows.append(section("Equity", _equity_rows(ledger, chart, org, dates)))
    return envelope(
        name="Balance Sheet",
        report_type="BalanceSheet",
        titles=["Balance Sheet", org.name, f"As at {long_date(at)}"],
        rows=rows,
        run_at=run_at,
    )


def _equity_rows(ledger: Ledger, chart: Chart, org: Organisation, dates: list[date]) -> list[Row]:
    accounts = accounts_in_use(ledger, chart)
    retained = chart.system("RETAINEDEARNINGS") if chart.has_system("RETAINEDEARNINGS") else None
    earnings = [current_year_earnings(ledger, accounts, org, d) for d in dates]
    rows: list[Row] = [
        {
            "RowType": "Row",
            "Cells": [cell("Current Year Earnings", {"account": NO_ACCOUNT})]
            + [
                cell(
                    amount(v),
                    {
                        "account": NO_ACCOUNT,
                        "fromDate": us_date(year_start(org, d)),
                        "toDate": us_date(d),
                    },
                )
                for v, d in zip(earnings, dates, strict=True)
            ],
        }
    ]
    total = list(earnings)
    for account in accounts:
        if account.account_class != "EQUITY" or (
            retained is not None and account.account_id == retained.account_id
        ):
            continue
        values = [-ledger.balance(account.account_id, d) for d in dates]
        if any(values):
            rows.append(account_row(account, values))
            total = [t + v for t, v in zip(total, values, strict=True)]
    kept = [retained_earnings(ledger, accounts, chart, org, d) for d in dates]
    if any(kept):
        account_id = retained.account_id if retained else NO_ACCOUNT
        rows.append(
            {
                "RowType": "Row",
                "Cells": [cell("Retained Earnings", {"account": account_id})]
                + [
                    cell(amount(v), {"account": account_id, "fromDate": "", "toDate": us_date(d)})
                    for v, d in zip(kept, dates, strict=True)
                ],
            }
        )
        total = [t + v for t, v in zip(total, kept, strict=True)]
    rows.append(summary_row("Total Equity", total))
    return rows
