"""Xero's financial reports, fetched and kept: what a finance person is shown comes from these
(and from the pulled invoices), read from the store without asking Xero again.

One call per report, each kept as Xero returned it as soon as it arrives. A report Xero refuses
or cannot serve now (a 404, a validation error, Xero unavailable) is logged and skipped, and
the copy fetched last time stays; an authorisation problem (a dead grant, a missing scope, an
organisation no longer connected) or a rate limit that could not be waited out stops the
refresh and is raised, since every following call would fail the same way.
"""

from __future__ import annotations

import calendar
import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from xerosync.engine.context import SyncContext
from xerosync.errors import AuthError, NeedsReauth, RateLimited, XeroError
from xerosync.store import connections
from xerosync.store import reports as report_store

__all__ = ["REPORTS", "refresh_reports", "report_params"]

logger = logging.getLogger("xerosync.engine")


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _profit_and_loss(today: date) -> dict[str, Any]:
    """This month and the 11 before it, a column each (one call: the latest month's range
    with `periods`; the range ends on a month end so every earlier column is a whole month)."""
    return {
        "fromDate": today.replace(day=1).isoformat(),
        "toDate": _month_end(today).isoformat(),
        "periods": 11,
        "timeframe": "MONTH",
    }


def _balance_sheet(today: date) -> dict[str, Any]:
    return {"date": today.isoformat()}


def _bank_summary(today: date) -> dict[str, Any]:
    """This month so far: opening balances on the 1st, closing balances today."""
    return {"fromDate": today.replace(day=1).isoformat(), "toDate": today.isoformat()}


def _trial_balance(today: date) -> dict[str, Any]:
    return {"date": today.isoformat()}


#: the reports kept, in the order they are fetched, and the parameters each is asked with
REPORTS: dict[str, Callable[[date], dict[str, Any]]] = {
    "ProfitAndLoss": _profit_and_loss,
    "BalanceSheet": _balance_sheet,
    "BankSummary": _bank_summary,
    "TrialBalance": _trial_balance,
}


def report_params(name: str, today: date) -> dict[str, Any]:
    """What `refresh_reports` asks Xero for `name` on `today`."""
    return REPORTS[name](today)


def refresh_reports(ctx: SyncContext, connection_id: str) -> list[str]:
    """Fetch and keep the ProfitAndLoss (12 months by month), BalanceSheet, BankSummary (this
    month) and TrialBalance; returns the names of those refreshed."""
    with ctx.db.transaction() as session:
        tenant = connections.get(session, connection_id).tenant_id
    today = ctx.clock.now().date()
    refreshed: list[str] = []
    for name, params_for in REPORTS.items():
        params = params_for(today)
        try:
            report = ctx.client.reports.get(name, tenant=tenant, **params)
        except NeedsReauth as exc:
            with ctx.db.transaction() as session:
                connections.set_status(session, connection_id, connections.NEEDS_REAUTH, str(exc))
            raise
        except (AuthError, RateLimited):
            raise
        except (XeroError, LookupError) as exc:
            logger.warning(
                "engine.report_skipped",
                extra={
                    "connection": connection_id,
                    "report": name,
                    "error": type(exc).__name__,
                    "detail": str(exc)[:300],
                },
            )
            continue
        with ctx.db.transaction() as session:
            report_store.save(
                session,
                connection_id,
                name,
                params=params,
                body=report.to_json_dict(),
                fetched_at=ctx.clock.now(),
            )
        refreshed.append(name)
    return refreshed
