"""`/Reports/<name>`: balance sheet, profit and loss, trial balance, bank summary, aged reports.

Parameters pass through as Xero names them (`date`, `fromDate`, `toDate`, `periods`, `timeframe`,
`contactId`, ...); dates may be given as `datetime.date`.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from xerosync.xero.models.reports import Report
from xerosync.xero.resources.base import Resource

__all__ = ["ReportName", "Reports"]

ReportName = Literal[
    "BalanceSheet",
    "ProfitAndLoss",
    "TrialBalance",
    "BankSummary",
    "AgedReceivablesByContact",
    "AgedPayablesByContact",
    "BudgetSummary",
    "ExecutiveSummary",
]


def _param(value: date | str | int | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class Reports(Resource[Report]):
    path = "Reports"
    envelope = "Reports"
    model = Report

    def get(
        self, name: ReportName | str, *, tenant: str, **params: date | str | int | bool
    ) -> Report:
        query = {key: _param(value) for key, value in params.items() if value is not None}
        records = self._read(self._get(f"{self.path}/{name}", tenant=tenant, params=query))
        if not records:
            raise LookupError(f"Xero returned no {name} report")
        return records[0]

    def balance_sheet(
        self, *, tenant: str, on: date | None = None, **params: date | str | int | bool
    ) -> Report:
        return self.get("BalanceSheet", tenant=tenant, **({"date": on} if on else {}), **params)

    def profit_and_loss(
        self, *, tenant: str, from_date: date, to_date: date, **params: date | str | int | bool
    ) -> Report:
        return self.get(
            "ProfitAndLoss", tenant=tenant, fromDate=from_date, toDate=to_date, **params
        )

    def trial_balance(self, *, tenant: str, on: date | None = None) -> Report:
        return self.get("TrialBalance", tenant=tenant, **({"date": on} if on else {}))

    def aged_receivables(self, contact_id: str, *, tenant: str, on: date | None = None) -> Report:
        extra = {"date": on} if on else {}
        return self.get("AgedReceivablesByContact", tenant=tenant, contactId=contact_id, **extra)
