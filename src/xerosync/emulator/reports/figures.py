"""The numbers reports share: accounts in use, profit over a range, equity as Xero shows it."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from xerosync.emulator.ledger.accounts import Account, Chart
from xerosync.emulator.ledger.journal import Ledger
from xerosync.emulator.ledger.values import ZERO
from xerosync.emulator.reports.layout import Organisation
from xerosync.emulator.reports.periods import financial_year_start


def accounts_in_use(ledger: Ledger, chart: Chart) -> list[Account]:
    """Accounts with journal lines, as the chart now describes them, sorted by name."""
    out = [chart.get(a.account_id) or a for a in ledger.accounts_used()]
    return sorted(out, key=lambda a: (a.name.lower(), a.code))


def net_profit(ledger: Ledger, accounts: list[Account], start: date | None, end: date) -> Decimal:
    """Income less expenses over start..end (credit-positive; all time before `end` if no start)."""
    return -sum(
        (ledger.movement(a.account_id, start, end) for a in accounts if a.is_profit_and_loss),
        ZERO,
    )


def year_start(org: Organisation, day: date) -> date:
    return financial_year_start(day, org.financial_year_end_day, org.financial_year_end_month)


def current_year_earnings(
    ledger: Ledger, accounts: list[Account], org: Organisation, at: date
) -> Decimal:
    """Profit from the start of the financial year containing `at` to `at`."""
    return net_profit(ledger, accounts, year_start(org, at), at)


def retained_earnings(
    ledger: Ledger, accounts: list[Account], chart: Chart, org: Organisation, at: date
) -> Decimal:
    """The Retained Earnings account's credit balance plus all profit of earlier years."""
    prior = net_profit(ledger, accounts, None, year_start(org, at) - timedelta(days=1))
    if chart.has_system("RETAINEDEARNINGS"):
        prior -= ledger.balance(chart.system("RETAINEDEARNINGS").account_id, at)
    return prior
