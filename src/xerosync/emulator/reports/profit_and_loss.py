"""ProfitAndLoss: income, cost of sales, gross profit, other income, expenses, net profit."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from xerosync.emulator.ledger.accounts import Chart
from xerosync.emulator.ledger.journal import Ledger
from xerosync.emulator.ledger.values import ZERO
from xerosync.emulator.reports.figures import accounts_in_use
from xerosync.emulator.reports.layout import (
    Organisation,
    Row,
    account_row,
    amount,
    envelope,
    header,
    long_date,
    plain_row,
    section,
    short_date,
    summary_row,
)
from xerosync.emulator.reports.periods import comparison_periods

# (section title, total label, account types, +1 debit-positive / -1 credit-positive)
SECTIONS: list[tuple[str, str, frozenset[str], int]] = [
    ("Income", "Total Income", frozenset({"REVENUE", "SALES"}), -1),
    ("Less Cost of Sales", "Total Cost of Sales", frozenset({"DIRECTCOSTS"}), 1),
    ("Plus Other Income", "Total Other Income", frozenset({"OTHERINCOME"}), -1),
    (
        "Less Operating Expenses",
        "Total Operating Expenses",
        frozenset({"EXPENSE", "OVERHEADS", "DEPRECIATN", "WAGESEXPENSE", "SUPERANNUATIONEXPENSE"}),
        1,
    ),
]


def profit_and_loss(
    ledger: Ledger,
    chart: Chart,
    org: Organisation,
    *,
    from_date: date,
    to_date: date,
    periods: int = 0,
    timeframe: str = "MONTH",
    run_at: datetime,
) -> dict[str, Any]:
    ranges = comparison_periods(from_date, to_date, periods, timeframe)
    accounts = [a for a in accounts_in_use(ledger, chart) if a.is_profit_and_loss]
    totals: dict[str, list[Decimal]] = {}
    rows: list[Row] = [header("", *(short_date(end) for _, end in ranges))]
    for title, total_label, types, sign in SECTIONS:
        section_rows: list[Row] = []
        total = [ZERO] * len(ranges)
        for account in (a for a in accounts if a.type in types):
            values = [sign * ledger.movement(account.account_id, s, e) for s, e in ranges]
            if any(values):
                section_rows.append(account_row(account, values))
                total = [t + v for t, v in zip(total, values, strict=True)]
        totals[title] = total
        if section_rows:
            rows.append(section(title, [*section_rows, summary_row(total_label, total)]))
        if title == "Less Cost of Sales":
            gross = [i - c for i, c in zip(totals["Income"], total, strict=True)]
            rows.append(section("", [plain_row("Gross Profit", [amount(g) for g in gross])]))
    net = [i - c + o - x for i, c, o, x in zip(*(totals[t] for t, *_ in SECTIONS), strict=True)]
    rows.append(section("", [plain_row("Net Profit", [amount(n) for n in net])]))
    return envelope(
        name="Profit and Loss",
        report_type="ProfitAndLoss",
        titles=[
            "Profit & Loss",
            org.name,
            f"{long_date(from_date)} to {long_date(to_date)}",
        ],
        rows=rows,
        run_at=run_at,
    )
