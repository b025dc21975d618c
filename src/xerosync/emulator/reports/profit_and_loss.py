"""ProfitAndLoss: income, cost of sales, gross profit, other income, expenses, net profit."""

from __future__ import annotations

from collections.abc import Callable
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


# a report column: its title, and an account's debit-positive movement in it
Column = tuple[str, Callable[[str], Decimal]]


def period_columns(
    ledger: Ledger,
    from_date: date,
    to_date: date,
    periods: int,
    timeframe: str,
    option_id: str | None = None,
) -> list[Column]:
    """The period asked for and `periods` earlier ones; only one tracking option's lines
    when `option_id` is given."""
    columns: list[Column] = []
    for start, end in comparison_periods(from_date, to_date, periods, timeframe):
        if option_id:
            columns.append((short_date(end), _tracked(ledger, option_id, start, end)))
        else:
            columns.append((short_date(end), _moved(ledger, start, end)))
    return columns


def tracking_columns(
    ledger: Ledger, from_date: date, to_date: date, options: list[tuple[str, str]]
) -> list[Column]:
    """One column per option of a tracking category, then Unassigned and Total."""
    columns = [(name, _tracked(ledger, oid, from_date, to_date)) for oid, name in options]
    total = _moved(ledger, from_date, to_date)

    def unassigned(account_id: str) -> Decimal:
        return total(account_id) - sum((f(account_id) for _, f in columns), ZERO)

    return [*columns, ("Unassigned", unassigned), ("Total", total)]


def _moved(ledger: Ledger, start: date, end: date) -> Callable[[str], Decimal]:
    return lambda account_id: ledger.movement(account_id, start, end)


def _tracked(ledger: Ledger, option_id: str, start: date, end: date) -> Callable[[str], Decimal]:
    return lambda account_id: ledger.tracked_movement(account_id, option_id, start, end)


def profit_and_loss(
    ledger: Ledger,
    chart: Chart,
    org: Organisation,
    *,
    from_date: date,
    to_date: date,
    periods: int = 0,
    timeframe: str = "MONTH",
    columns: list[Column] | None = None,
    run_at: datetime,
) -> dict[str, Any]:
    """The P&L over from_date..to_date; `columns` replaces the default period columns."""
    if columns is None:
        columns = period_columns(ledger, from_date, to_date, periods, timeframe)
    accounts = [a for a in accounts_in_use(ledger, chart) if a.is_profit_and_loss]
    totals: dict[str, list[Decimal]] = {}
    rows: list[Row] = [header("", *(title for title, _ in columns))]
    for title, total_label, types, sign in SECTIONS:
        section_rows: list[Row] = []
        total = [ZERO] * len(columns)
        for account in (a for a in accounts if a.type in types):
            values = [sign * moved(account.account_id) for _, moved in columns]
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
