"""REST for finance figures, behind the API keys: the chart of accounts, Xero's reports as last
fetched, the finance summary (bank balances, monthly profit and loss, receivables by age,
invoices paid and owed), and a refresh of the reports. Money is a string ("1234.50"). A key
limited to some connections gets 404 for any other's, as in `v1`."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query

from xerosync.errors import AuthError, RateLimited, XeroError
from xerosync.service.deps import ApiKey, CallerDep, ServiceDep, Storable, answers
from xerosync.service.models import REFUSALS, FinanceOut, RefreshedOut, ReportOut

__all__ = ["router"]

router = APIRouter(
    prefix="/v1", tags=["finance"], dependencies=[ApiKey, Storable], responses=REFUSALS
)


@router.get("/connections/{connection}/accounts", response_model=list[dict[str, Any]])
def accounts(service: ServiceDep, caller: CallerDep, connection: str) -> list[dict[str, Any]]:
    """The chart of accounts as Xero gives it (Code, Name, Type, Class, Status...), by code."""
    connection_id = service.visible_connection(caller, connection)
    with answers():
        return service.sync.accounts(connection_id)


@router.get("/connections/{connection}/finance", response_model=FinanceOut)
def finance(
    service: ServiceDep,
    caller: CallerDep,
    connection: str,
    today: Annotated[
        date | None, Query(description="age receivables as of (default today)")
    ] = None,
) -> FinanceOut:
    """What a finance person looks at; empty figures until reports are fetched and invoices
    pulled."""
    connection_id = service.visible_connection(caller, connection)
    with answers():
        return service.sync.finance(connection_id, today=today)


@router.get(
    "/connections/{connection}/reports/{name}",
    response_model=ReportOut,
    responses={404: {"description": "no such connection, or the report was never fetched"}},
)
def report(service: ServiceDep, caller: CallerDep, connection: str, name: str) -> ReportOut:
    """A report as last fetched from Xero (ProfitAndLoss, BalanceSheet, BankSummary,
    TrialBalance)."""
    connection_id = service.visible_connection(caller, connection)
    with answers():
        found = service.sync.report(connection_id, name)
    if found is None:
        raise HTTPException(404, f"the {name} report was never fetched for this connection")
    return ReportOut.of(found)


@router.post(
    "/connections/{connection}/reports/refresh",
    response_model=RefreshedOut,
    responses={
        409: {"description": "the organisation must be connected again (or with more scopes)"},
        429: {"description": "Xero's rate limit: try later"},
    },
)
def refresh(service: ServiceDep, caller: CallerDep, connection: str) -> RefreshedOut:
    """Fetch the reports from Xero now (the workers also do, on a schedule)."""
    connection_id = service.visible_connection(caller, connection)
    try:
        with answers():
            names = service.sync.refresh_reports(connection_id)
    except AuthError as exc:
        raise HTTPException(
            409, f"Xero refused ({type(exc).__name__}): connect the organisation again"
        ) from exc
    except RateLimited as exc:
        raise HTTPException(429, "Xero's rate limit was hit: try again later") from exc
    except XeroError as exc:
        raise HTTPException(503, f"Xero could not be asked ({type(exc).__name__})") from exc
    return RefreshedOut(refreshed=names)
