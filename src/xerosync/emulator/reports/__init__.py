"""Xero's reports computed from the ledger (and, for aged reports, the open documents).

Pure builders: each takes the `Ledger`, the `Chart`, an `Organisation` and the report's
parameters and returns one report dict in Xero's `ReportWithRow` shape (serve it as
`{"Reports": [report]}`). Cell values are strings with 2 dp, as Xero writes them.
"""

from __future__ import annotations

from xerosync.emulator.reports.aged import aged_by_contact
from xerosync.emulator.reports.balance_sheet import balance_sheet
from xerosync.emulator.reports.bank_summary import bank_summary
from xerosync.emulator.reports.budget_summary import budget_summary
from xerosync.emulator.reports.executive_summary import executive_summary
from xerosync.emulator.reports.layout import Organisation
from xerosync.emulator.reports.profit_and_loss import profit_and_loss
from xerosync.emulator.reports.trial_balance import trial_balance

__all__ = [
    "Organisation",
    "aged_by_contact",
    "balance_sheet",
    "bank_summary",
    "budget_summary",
    "executive_summary",
    "profit_and_loss",
    "trial_balance",
]
