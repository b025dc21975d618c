"""ExecutiveSummary: the month of the report date against the month before, with variances.

Cash (bank money in and out), profitability, debtors/creditors/net assets, sales invoices
issued, margins and working-capital ratios, computed as Xero's example shows them
(e.g. average debtors days = debtors / month's income x days in the month).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from xerosync.emulator.ledger.accounts import Account, Chart
from xerosync.emulator.ledger.journal import Ledger
from xerosync.emulator.ledger.values import ZERO
from xerosync.emulator.reports.balance_sheet import ASSET_SECTIONS, LIABILITY_SECTIONS
from xerosync.emulator.reports.figures import accounts_in_use
from xerosync.emulator.reports.layout import (
    Organisation,
    Row,
    amount,
    envelope,
    header,
    plain_row,
    section,
)
from xerosync.emulator.reports.periods import add_months, month_end

CURRENT_ASSETS = ASSET_SECTIONS[0][1] | ASSET_SECTIONS[1][1]
TERM_ASSETS = ASSET_SECTIONS[2][1] | ASSET_SECTIONS[3][1]
CURRENT_LIABILITIES = LIABILITY_SECTIONS[0][1]
TERM_LIABILITIES = LIABILITY_SECTIONS[1][1]


def _percent(value: Decimal | None) -> str:
    return "" if value is None else f"{value.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def _ratio(top: Decimal, bottom: Decimal, scale: int = 100) -> Decimal | None:
    return None if bottom == 0 else top * scale / bottom


def _variance(now: Decimal, before: Decimal) -> str:
    return _percent(_ratio(now - before, abs(before)) or ZERO)


class _Month:
    """One month's figures."""

    def __init__(
        self, ledger: Ledger, accounts: list[Account], chart: Chart, last_day: date
    ) -> None:
        first = last_day.replace(day=1)
        self.days = last_day.day

        def moved(types: frozenset[str]) -> Decimal:
            return sum(
                (
                    ledger.movement(a.account_id, first, last_day)
                    for a in accounts
                    if a.type in types
                ),
                ZERO,
            )

        def held(types: frozenset[str]) -> Decimal:
            return sum(
                (ledger.balance(a.account_id, last_day) for a in accounts if a.type in types), ZERO
            )

        banks = [a for a in accounts if a.is_bank]
        self.received = sum((ledger.debits(a.account_id, first, last_day) for a in banks), ZERO)
        self.spent = self.received - sum(
            (ledger.movement(a.account_id, first, last_day) for a in banks), ZERO
        )
        self.bank = sum((ledger.balance(a.account_id, last_day) for a in banks), ZERO)
        self.income = -moved(frozenset({"REVENUE", "SALES"}))
        self.direct = moved(frozenset({"DIRECTCOSTS"}))
        self.other = -moved(frozenset({"OTHERINCOME"}))
        self.expenses = moved(frozenset({"EXPENSE", "OVERHEADS", "DEPRECIATN"}))
        self.gross = self.income - self.direct
        self.profit = self.gross + self.other - self.expenses
        self.debtors = (
            ledger.balance(chart.system("DEBTORS").account_id, last_day)
            if chart.has_system("DEBTORS")
            else ZERO
        )
        self.creditors = (
            -ledger.balance(chart.system("CREDITORS").account_id, last_day)
            if chart.has_system("CREDITORS")
            else ZERO
        )
        self.current_assets = held(CURRENT_ASSETS)
        self.term_assets = held(TERM_ASSETS)
        self.current_liabilities = -held(CURRENT_LIABILITIES)
        self.term_liabilities = -held(TERM_LIABILITIES)
        self.net_assets = (
            self.current_assets
            + self.term_assets
            - self.current_liabilities
            - self.term_liabilities
        )
        self.cash_forecast = self.debtors - self.creditors
        self.invoices, invoiced = ledger.issued("ACCREC", first, last_day)
        self.average_invoice = invoiced / self.invoices if self.invoices else ZERO


def executive_summary(
    ledger: Ledger, chart: Chart, org: Organisation, *, at: date, run_at: datetime
) -> dict[str, Any]:
    accounts = accounts_in_use(ledger, chart)
    end = month_end(at)
    now = _Month(ledger, accounts, chart, end)
    before = _Month(ledger, accounts, chart, add_months(end, -1, keep_month_end=True))

    def money_row(label: str, field: str) -> Row:
        a, b = getattr(now, field), getattr(before, field)
        return plain_row(label, [amount(a), amount(b), _variance(a, b)])

    def percent_row(label: str, a: Decimal | None, b: Decimal | None) -> Row:
        return plain_row(label, [_percent(a), _percent(b), _variance(a or ZERO, b or ZERO)])

    def figure_row(label: str, a: Decimal | None, b: Decimal | None) -> Row:
        shown = ["" if v is None else amount(v) for v in (a, b)]
        return plain_row(label, [*shown, _variance(a or ZERO, b or ZERO)])

    rows: list[Row] = [header("", f"{end:%b %Y}", f"{add_months(end, -1):%b %Y}", "Variance")]
    rows.append(
        section(
            "Cash",
            [
                money_row("Cash received", "received"),
                money_row("Cash spent", "spent"),
                plain_row(
                    "Cash surplus (deficit)",
                    [
                        amount(now.received - now.spent),
                        amount(before.received - before.spent),
                        _variance(now.received - now.spent, before.received - before.spent),
                    ],
                ),
                money_row("Closing bank balance", "bank"),
            ],
        )
    )
    rows.append(
        section(
            "Profitability",
            [
                money_row("Income", "income"),
                money_row("Direct costs", "direct"),
                money_row("Gross profit (loss)", "gross"),
                money_row("Other Income", "other"),
                money_row("Expenses", "expenses"),
                money_row("Profit (loss)", "profit"),
            ],
        )
    )
    rows.append(
        section(
            "Balance Sheet",
            [
                money_row("Debtors", "debtors"),
                money_row("Creditors", "creditors"),
                money_row("Net assets", "net_assets"),
            ],
        )
    )
    rows.append(
        section(
            "Income",
            [
                plain_row(
                    "Number of invoices issued",
                    [
                        str(now.invoices),
                        str(before.invoices),
                        _variance(Decimal(now.invoices), Decimal(before.invoices)),
                    ],
                ),
                money_row("Average value of invoices", "average_invoice"),
            ],
        )
    )
    rows.append(
        section(
            "Performance",
            [
                percent_row(
                    "Gross profit margin",
                    _ratio(now.gross, now.income),
                    _ratio(before.gross, before.income),
                ),
                percent_row(
                    "Net profit margin",
                    _ratio(now.profit, now.income),
                    _ratio(before.profit, before.income),
                ),
                percent_row(
                    "Return on investment (p.a.)",
                    _ratio(now.profit * 12, now.net_assets),
                    _ratio(before.profit * 12, before.net_assets),
                ),
            ],
        )
    )
    rows.append(
        section(
            "Position",
            [
                figure_row(
                    "Average debtors days",
                    _ratio(now.debtors, now.income, now.days),
                    _ratio(before.debtors, before.income, before.days),
                ),
                figure_row(
                    "Average creditors days",
                    _ratio(now.creditors, now.direct + now.expenses, now.days),
                    _ratio(before.creditors, before.direct + before.expenses, before.days),
                ),
                money_row("Short term cash forecast", "cash_forecast"),
                figure_row(
                    "Current assets to liabilities",
                    _ratio(now.current_assets, now.current_liabilities, 1),
                    _ratio(before.current_assets, before.current_liabilities, 1),
                ),
                figure_row(
                    "Term assets to liabilities",
                    _ratio(now.term_assets, now.term_liabilities, 1),
                    _ratio(before.term_assets, before.term_liabilities, 1),
                ),
            ],
        )
    )
    return envelope(
        name="Executive Summary",
        report_type="ExecutiveSummary",
        titles=["Executive Summary", org.name, f"For the month of {end:%B %Y}"],
        rows=rows,
        run_at=run_at,
    )
