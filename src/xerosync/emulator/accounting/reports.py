"""Reports routes: ProfitAndLoss, BalanceSheet, TrialBalance, BankSummary, ExecutiveSummary,
BudgetSummary, aged by contact.

Thin shells over `emulator.reports`: read the parameters (Xero's defaults when absent),
take the books' lock, build the report from the tenant's ledger and documents.
Accrual basis: `paymentsOnly`, `standardLayout` and the BalanceSheet's tracking options are
accepted and ignored.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from xerosync.emulator import responses
from xerosync.emulator.accounting.common import (
    ParamError,
    books_of,
    int_param,
    ok,
    param,
    state_of,
)
from xerosync.emulator.books import Books
from xerosync.emulator.books.dates import parse_date
from xerosync.emulator.books.entity import Entity
from xerosync.emulator.books.store import Record, index_key
from xerosync.emulator.reports import (
    Organisation,
    aged_by_contact,
    balance_sheet,
    bank_summary,
    budget_summary,
    executive_summary,
    profit_and_loss,
    trial_balance,
)
from xerosync.emulator.reports.periods import TIMEFRAME_MONTHS, month_end
from xerosync.emulator.reports.profit_and_loss import Column, period_columns, tracking_columns

router = APIRouter()


def _date(request: Request, name: str, default: date) -> date:
    value = param(request, name)
    if not value:
        return default
    try:
        return parse_date(value)
    except ValueError as exc:
        raise ParamError(f"The {name} '{value}' is not a valid date.") from exc


def _periods(request: Request) -> tuple[int, str]:
    periods = int_param(request, "periods") or 0
    if not 0 <= periods <= 12:
        raise ParamError("periods must be a whole number from 1 to 12.")
    timeframe = (param(request, "timeframe") or "MONTH").upper()
    if timeframe not in TIMEFRAME_MONTHS:
        raise ParamError("timeframe must be MONTH, QUARTER or YEAR.")
    return periods, timeframe


def _organisation(books: Books) -> Organisation:
    org = books.organisation()
    return Organisation(
        name=str(org["Name"]),
        financial_year_end_day=int(org["FinancialYearEndDay"]),
        financial_year_end_month=int(org["FinancialYearEndMonth"]),
    )


def _serve(request: Request, build: Callable[[Books, date], dict[str, Any]]) -> Response:
    books = books_of(request)
    today = state_of(request).clock.now().date()
    try:
        with books.lock:
            report = build(books, today)
    except ParamError as exc:
        return responses.validation_exception([{"ValidationErrors": [{"Message": str(exc)}]}])
    return ok(request, {"Reports": [report]})


def _serve_ledger(
    request: Request,
    report: Callable[..., dict[str, Any]],
    options: Callable[[Books, date], dict[str, Any]],
) -> Response:
    """Serve `report(ledger, chart, organisation, **options, run_at=now)` from the books'
    ledger; `options` reads the report's own parameters."""

    def build(books: Books, today: date) -> dict[str, Any]:
        chosen = options(books, today)
        keeper = books.ledger
        return report(
            keeper.ledger,
            keeper.chart(),
            _organisation(books),
            **chosen,
            run_at=books.clock.now(),
        )

    return _serve(request, build)


def _date_range(request: Request, today: date) -> tuple[date, date]:
    """fromDate..toDate, by default the current month."""
    to_date = _date(request, "toDate", month_end(today))
    from_date = _date(request, "fromDate", to_date.replace(day=1))
    if from_date > to_date:
        raise ParamError("fromDate must be on or before toDate.")
    return from_date, to_date


@router.get("/Reports/ProfitAndLoss")
async def get_profit_and_loss(request: Request) -> Response:
    def options(books: Books, today: date) -> dict[str, Any]:
        periods, timeframe = _periods(request)
        from_date, to_date = _date_range(request, today)
        columns = _pnl_columns(request, books, from_date, to_date, periods, timeframe)
        return {"from_date": from_date, "to_date": to_date, "columns": columns}

    return _serve_ledger(request, profit_and_loss, options)


def _pnl_columns(
    request: Request, books: Books, from_date: date, to_date: date, periods: int, timeframe: str
) -> list[Column]:
    """Period columns; one option's lines (trackingOptionID); or a column per option of a
    category, then Unassigned and Total (trackingCategoryID)."""
    ledger = books.ledger.ledger
    option_id = (param(request, "trackingOptionID") or "").strip().lower()
    category_id = (param(request, "trackingCategoryID") or "").strip()
    if option_id:
        return period_columns(ledger, from_date, to_date, periods, timeframe, option_id)
    if category_id:
        category = books.tracking.get(category_id)
        if category is None:
            raise ParamError(f"Tracking category '{category_id}' was not found.")  # emulator's
        options = [(str(o["TrackingOptionID"]), str(o["Name"])) for o in category["Options"]]
        return tracking_columns(ledger, from_date, to_date, options)
    return period_columns(ledger, from_date, to_date, periods, timeframe)


@router.get("/Reports/BalanceSheet")
async def get_balance_sheet(request: Request) -> Response:
    def options(_books: Books, today: date) -> dict[str, Any]:
        periods, timeframe = _periods(request)
        at = _date(request, "date", month_end(today))
        return {"at": at, "periods": periods, "timeframe": timeframe}

    return _serve_ledger(request, balance_sheet, options)


@router.get("/Reports/TrialBalance")
async def get_trial_balance(request: Request) -> Response:
    return _serve_ledger(request, trial_balance, lambda _b, today: _at(request, today))


@router.get("/Reports/BankSummary")
async def get_bank_summary(request: Request) -> Response:
    def options(_books: Books, today: date) -> dict[str, Any]:
        from_date, to_date = _date_range(request, today)
        return {"from_date": from_date, "to_date": to_date}

    return _serve_ledger(request, bank_summary, options)


@router.get("/Reports/ExecutiveSummary")
async def get_executive_summary(request: Request) -> Response:
    return _serve_ledger(request, executive_summary, lambda _b, today: _at(request, today))


def _at(request: Request, today: date) -> dict[str, Any]:
    """The `date` a report is run at, by default today."""
    return {"at": _date(request, "date", today)}


@router.get("/Reports/BudgetSummary")
async def get_budget_summary(request: Request) -> Response:
    def build(books: Books, today: date) -> dict[str, Any]:
        periods = int_param(request, "periods") or 12
        timeframe = int_param(request, "timeframe") or 1
        if not 1 <= periods <= 12:
            raise ParamError("periods must be a whole number from 1 to 12.")
        if timeframe not in (1, 3, 12):
            raise ParamError("timeframe must be 1 (month), 3 (quarter) or 12 (year).")
        return budget_summary(
            _organisation(books),
            at=_date(request, "date", today),
            periods=periods,
            timeframe=timeframe,
            run_at=books.clock.now(),
        )

    return _serve(request, build)


def _of_contact(entity: Entity, contact_id: str) -> list[Record]:
    """A contact's documents through the entity's Contact index."""
    collection = entity.collection
    ids = collection.lookup("Contact.ContactID", index_key(contact_id))
    return [collection.records[i] for i in ids]


def _aged(side: str) -> Callable[[Request], Any]:
    async def get_aged(request: Request) -> Response:
        def build(books: Books, today: date) -> dict[str, Any]:
            contact_id = (param(request, "contactId") or "").strip().lower()
            if not contact_id:
                raise ParamError("contactId is required.")
            contact = books.contacts.get(contact_id)
            at = _date(request, "date", _date(request, "toDate", today))
            from_date = param(request, "fromDate")
            return aged_by_contact(
                side,
                _organisation(books),
                contact_id=contact_id,
                at=at,
                from_date=_date(request, "fromDate", at) if from_date else None,
                invoices=_of_contact(books.invoices, contact_id),
                credit_notes=_of_contact(books.credit_notes, contact_id),
                prepayments=_of_contact(books.prepayments, contact_id),
                overpayments=_of_contact(books.overpayments, contact_id),
                contact_name=str(contact["Name"]) if contact else None,
                run_at=books.clock.now(),
            )

        return _serve(request, build)

    return get_aged


router.add_api_route("/Reports/AgedReceivablesByContact", _aged("receivables"), methods=["GET"])
router.add_api_route("/Reports/AgedPayablesByContact", _aged("payables"), methods=["GET"])


@router.get("/Reports")
async def list_reports(request: Request) -> Response:
    """The organisation's published reports (GST/BAS returns): the emulator has none."""
    return ok(request, {"Reports": []})
