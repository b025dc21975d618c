"""BudgetSummary: budgeted profit per period. The emulator holds no budgets (there is no
Budgets API to write them), so every figure is zero, as Xero shows an organisation without
budgets."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from xerosync.emulator.ledger.values import ZERO
from xerosync.emulator.reports.layout import Organisation, envelope, header, section, summary_row
from xerosync.emulator.reports.periods import add_months


def budget_summary(
    org: Organisation, *, at: date, periods: int = 12, timeframe: int = 1, run_at: datetime
) -> dict[str, Any]:
    """`periods` columns of `timeframe` months (1, 3 or 12) from the month of `at`,
    each titled by its last month (`Jan-20`)."""
    first = at.replace(day=1)
    ends = [add_months(first, (k + 1) * timeframe - 1) for k in range(periods)]
    zeros = [ZERO] * periods
    return envelope(
        name="Budget Summary",
        report_type="BudgetSummary",
        titles=[
            "Overall Budget",
            "Budget Summary",
            org.name,
            f"{first:%B %Y} to {ends[-1]:%B %Y}",
        ],
        rows=[
            header("Account", *(f"{end:%b-%y}" for end in ends)),
            section("", [summary_row("Gross Profit", zeros)]),
            section("", [summary_row("Total Expenses", zeros)]),
            section("", [summary_row("Net Profit", zeros)]),
        ],
        run_at=run_at,
    )
