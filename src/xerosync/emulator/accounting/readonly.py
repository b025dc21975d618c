"""Currencies; Prepayments and Overpayments with their allocations; and the read-only kinds
(PurchaseOrders, Quotes, RepeatingInvoices, LinkedTransactions, Receipts, ExpenseClaims,
BrandingThemes, Users) with the filters Xero offers on each."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response

from xerosync.emulator.accounting.common import (
    ParamError,
    books_of,
    int_param,
    json_response,
    list_response,
    not_found,
    param,
    write,
)
from xerosync.emulator.accounting.crud import Tune, add_document_routes
from xerosync.emulator.books import allocations
from xerosync.emulator.books.allocations import AllocationWriter
from xerosync.emulator.books.dates import parse_date
from xerosync.emulator.books.listing import ListQuery, csv
from xerosync.emulator.books.store import Record

router = APIRouter()


@router.get("/Currencies")
async def list_currencies(request: Request) -> Response:
    def tune(query: ListQuery) -> None:
        query.modified_since = None  # not offered on this endpoint

    return list_response(
        request, books_of(request).currency_list, paged=False, tune=tune, default_order="Code"
    )


@router.put("/Currencies")
async def put_currency(request: Request) -> Response:
    return await write(request, "Currencies", "create", first_only=True)


def _page_only(request: Request, query: ListQuery) -> None:
    """Quotes and LinkedTransactions take `page` (100 a page) but not `pageSize`."""
    page = int_param(request, "page")
    if page is not None:
        query.page = max(page, 1)
        query.page_size = 100


def _by_params(
    *pairs: tuple[str, str],
    page_only: bool = True,
    dates: tuple[tuple[str, str, bool], ...] = (),
    equal: tuple[tuple[str, str], ...] = (),
    modified_since: bool = True,
) -> Tune:
    """Filters from query params: `pairs` (param, index) take CSV values through an index
    (`Status=`, `ContactID=`); `dates` (param, field, is_lower_bound) bound a date field
    (`DateFrom=2025-11-01`); `equal` (param, field) match a field exactly (`QuoteNumber=`)."""

    def tune(request: Request, query: ListQuery) -> None:
        if page_only:
            _page_only(request, query)
        if not modified_since:
            query.modified_since = None
        for name, index in pairs:
            values = csv(param(request, name))
            if values is not None:
                query.index_in[index] = values
        for name, field, lower in dates:
            given = param(request, name)
            if given:
                try:
                    bound = parse_date(given)
                except ValueError as exc:
                    raise ParamError(f"The value '{given}' is not valid for {name}.") from exc
                query.filters.append(_date_bound(field, bound, lower))
        for name, field in equal:
            given = param(request, name)
            if given:
                query.filters.append(_equal(field, given))

    return tune


def _equal(field: str, given: str) -> Callable[[Record], bool]:
    wanted = given.strip().lower()
    return lambda record: str(record.get(field) or "").lower() == wanted


def _date_bound(field: str, bound: date, lower: bool) -> Callable[[Record], bool]:
    def keep(record: Record) -> bool:
        value = record.get(field)
        if not isinstance(value, date):
            return False
        return value >= bound if lower else value <= bound

    return keep


def _no_modified_since(request: Request, query: ListQuery) -> None:
    query.modified_since = None


add_document_routes(router, "Prepayments", paged=True, writes=False)
add_document_routes(
    router,
    "Overpayments",
    paged=True,
    writes=False,
    tune=_by_params(("References", "Reference"), page_only=False),
)


async def _put_allocations(plural: str, credit_id: str, request: Request) -> Response:
    books = books_of(request)
    entity = books.entities[plural]
    with books.lock:
        credit = entity.get(credit_id)
    if credit is None:
        return not_found()
    writer = AllocationWriter(entity, credit[entity.id_field])
    return await write(request, "Allocations", "create", writer=writer)


async def _delete_allocation(
    plural: str, credit_id: str, allocation_id: str, request: Request
) -> Response:
    books = books_of(request)
    entity = books.entities[plural]
    with books.lock:
        credit = entity.get(credit_id)
        if credit is None:
            return not_found()
        try:
            gone = allocations.remove(entity, credit, allocation_id)
        except LookupError:
            return not_found()
    return json_response(gone)


@router.put("/Prepayments/{credit_id}/Allocations")
async def put_prepayment_allocations(credit_id: str, request: Request) -> Response:
    return await _put_allocations("Prepayments", credit_id, request)


@router.put("/Overpayments/{credit_id}/Allocations")
async def put_overpayment_allocations(credit_id: str, request: Request) -> Response:
    return await _put_allocations("Overpayments", credit_id, request)


@router.delete("/Prepayments/{credit_id}/Allocations/{allocation_id}")
async def delete_prepayment_allocation(
    credit_id: str, allocation_id: str, request: Request
) -> Response:
    return await _delete_allocation("Prepayments", credit_id, allocation_id, request)


@router.delete("/Overpayments/{credit_id}/Allocations/{allocation_id}")
async def delete_overpayment_allocation(
    credit_id: str, allocation_id: str, request: Request
) -> Response:
    return await _delete_allocation("Overpayments", credit_id, allocation_id, request)


add_document_routes(
    router,
    "PurchaseOrders",
    paged=True,
    writes=False,
    tune=_by_params(
        ("Status", "Status"),
        page_only=False,
        dates=(("DateFrom", "Date", True), ("DateTo", "Date", False)),
    ),
    by_key=lambda books, key: books.purchase_orders.by_field("PurchaseOrderNumber", key),
)
add_document_routes(
    router,
    "Quotes",
    paged=False,
    writes=False,
    tune=_by_params(
        ("Status", "Status"),
        ("ContactID", "Contact.ContactID"),
        dates=(
            ("DateFrom", "Date", True),
            ("DateTo", "Date", False),
            ("ExpiryDateFrom", "ExpiryDate", True),
            ("ExpiryDateTo", "ExpiryDate", False),
        ),
        equal=(("QuoteNumber", "QuoteNumber"),),
    ),
)
add_document_routes(router, "RepeatingInvoices", paged=False, writes=False, tune=_no_modified_since)
add_document_routes(
    router,
    "LinkedTransactions",
    paged=False,
    writes=False,
    tune=_by_params(
        ("Status", "Status"),
        ("ContactID", "Contact.ContactID"),
        equal=(
            ("LinkedTransactionID", "LinkedTransactionID"),
            ("SourceTransactionID", "SourceTransactionID"),
            ("TargetTransactionID", "TargetTransactionID"),
        ),
        modified_since=False,
    ),
)
add_document_routes(router, "Receipts", paged=False, writes=False)
add_document_routes(router, "ExpenseClaims", paged=False, writes=False)
add_document_routes(router, "BrandingThemes", paged=False, writes=False, tune=_no_modified_since)
add_document_routes(router, "Users", paged=False, writes=False)
