"""`xerosync reports CONNECTION [REPORT]`: the organisation's figures as tables, from the reports
xerosync keeps (refreshed by the workers, or here with `--refresh`) and the invoices it pulled.

    pnl                profit and loss per month: income, expenses, net (ProfitAndLoss)
    balance-sheet      Xero's BalanceSheet as it lays it out
    aged-receivables   what customers owe by days past due, and invoices paid and owed
    bank               each bank account: opening, received, spent, closing (BankSummary)
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum

import typer
from rich.console import Console
from rich.table import Table

from xerosync.api import XeroSync
from xerosync.cli.common import OK, PROBLEM, opened, out, when
from xerosync.store.reports import StoredReport
from xerosync.sync.finance import FinanceSummary
from xerosync.xero.models.reports import Report

__all__ = ["report_table", "reports"]


class Which(StrEnum):
    pnl = "pnl"
    balance_sheet = "balance-sheet"
    aged_receivables = "aged-receivables"
    bank = "bank"


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def report_table(stored: StoredReport) -> Table:
    """Xero's report laid out as Xero lays it out: its header row, each section's title, rows
    and (bold) summary rows."""
    report = Report.model_validate(stored.body)
    titles = [t for t in report.report_titles or [] if t]
    table = Table(
        title=" / ".join(titles) or stored.name,
        caption=f"fetched {when(stored.fetched_at)} UTC",
    )
    header = report.header or [""]
    for i, heading in enumerate(header):
        table.add_column(heading, justify="left" if i == 0 else "right")
    width = len(header)
    for row in report.rows or []:
        if row.row_type == "Header":
            continue
        if row.row_type == "Section":
            if row.title:
                table.add_row(f"[bold]{row.title}[/bold]", *[""] * (width - 1))
            for inner in row.rows or []:
                _add(table, inner.values(), width, bold=inner.row_type == "SummaryRow")
            table.add_section()
        else:
            _add(table, row.values(), width, bold=row.row_type == "SummaryRow")
    return table


def _add(table: Table, values: list[str], width: int, *, bold: bool) -> None:
    cells = (values + [""] * width)[:width]
    table.add_row(*(f"[bold]{c}[/bold]" if bold and c else c for c in cells))


def _pnl(summary: FinanceSummary) -> Table:
    table = Table(title="Profit and loss by month")
    for heading in ("month", "income", "expenses", "net"):
        table.add_column(heading, justify="left" if heading == "month" else "right")
    for month in summary.profit_and_loss:
        net = _money(month.net)
        table.add_row(
            month.label,
            _money(month.income),
            _money(month.expenses),
            f"[red]{net}[/red]" if month.net < 0 else net,
        )
    return table


def _aged(summary: FinanceSummary) -> Table:
    aging, split = summary.receivables, summary.invoices
    table = Table(title=f"Aged receivables as of {summary.as_of}")
    for heading in ("current", "1-30 days", "31-60 days", "61-90 days", "over 90 days", "total"):
        table.add_column(heading, justify="right")
    table.add_row(
        *(
            _money(v)
            for v in (
                aging.current,
                aging.days_1_30,
                aging.days_31_60,
                aging.days_61_90,
                aging.over_90,
                aging.total,
            )
        )
    )
    table.caption = (
        f"sales invoices: {split.paid_count} paid ({_money(split.paid_amount)}), "
        f"{split.outstanding_count} owed ({_money(split.outstanding_amount)}), "
        f"{split.overdue_count} overdue ({_money(split.overdue_amount)})"
    )
    return table


def _bank(summary: FinanceSummary) -> Table:
    table = Table(title="Bank accounts")
    for heading in ("account", "opening", "received", "spent", "closing"):
        table.add_column(heading, justify="left" if heading == "account" else "right")
    for bank in summary.bank_balances:
        table.add_row(
            bank.name,
            _money(bank.opening),
            _money(bank.received),
            _money(bank.spent),
            _money(bank.closing),
        )
    return table


#: each view: the stored report it needs (None: built from pulled invoices) and how it is drawn
_VIEWS: dict[Which, tuple[str | None, Callable[[FinanceSummary], Table] | None]] = {
    Which.pnl: ("ProfitAndLoss", _pnl),
    Which.balance_sheet: ("BalanceSheet", None),
    Which.aged_receivables: (None, _aged),
    Which.bank: ("BankSummary", _bank),
}


def _show(sync: XeroSync, console: Console, connection: str, which: Which) -> bool:
    """Draw one view; False when what it needs was never fetched."""
    needed, draw = _VIEWS[which]
    stored = sync.report(connection, needed) if needed else None
    if needed and stored is None:
        console.print(
            f"no {needed} kept for {connection} yet: "
            f"`xerosync reports {connection} {which} --refresh` fetches it"
        )
        return False
    if draw is None:
        assert stored is not None
        console.print(report_table(stored))
    else:
        console.print(draw(sync.finance(connection)))
    return True


def reports(
    connection: str = typer.Argument(..., help="A connection id or tenant id."),
    which: list[Which] | None = typer.Argument(
        None, help="pnl, balance-sheet, aged-receivables or bank; default: all four."
    ),
    refresh: bool = typer.Option(
        False, "--refresh", help="Fetch the reports from Xero first (a few calls)."
    ),
) -> None:
    """The organisation's figures as tables: profit and loss per month, the balance sheet, aged
    receivables and bank balances, from the reports kept (the workers refresh them; --refresh
    fetches them now). Exit 1 when a report was never fetched."""
    console = out()
    code = OK
    with opened("reports") as sync:
        if refresh:
            fetched = sync.refresh_reports(connection)
            console.print(f"refreshed: {', '.join(fetched) or 'nothing (Xero refused them)'}")
        for view in which or list(Which):
            if not _show(sync, console, connection, view):
                code = PROBLEM
    raise typer.Exit(code)
