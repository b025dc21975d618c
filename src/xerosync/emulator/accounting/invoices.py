"""Invoices routes: list, get by id or number, PUT/POST batches, POST one."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from xerosync.emulator.access import api_call
from xerosync.emulator.accounting.common import (
    books_of,
    bool_param,
    by_key,
    list_response,
    not_found,
    ok,
    param,
    unitdp,
    write,
)
from xerosync.emulator.books.listing import ListQuery, Page, csv
from xerosync.emulator.books.store import Record

router = APIRouter()


@router.get("/Invoices")
async def list_invoices(request: Request) -> Response:
    books = books_of(request)
    invoices = books.invoices
    summary = bool_param(request, "summaryOnly")
    include_archived = bool_param(request, "includeArchived")
    mine = bool_param(request, "createdByMyApp")
    term = (param(request, "searchTerm") or "").strip()
    client_id = api_call(request).app.client_id

    def tune(query: ListQuery) -> None:
        if summary and query.page is None:
            query.page = 1  # summaryOnly forces paging
        for name, index in (
            ("Statuses", "Status"),
            ("ContactIDs", "Contact.ContactID"),
            ("InvoiceNumbers", "InvoiceNumber"),
        ):
            values = csv(param(request, name))
            if values is not None:
                query.index_in[index] = values
        if mine:
            created_by = invoices.created_by
            query.filters.append(lambda r: created_by.get(r["InvoiceID"]) == client_id)
        if term:
            query.filters.append(invoices.search_filter(term))
        if not include_archived:
            archived = books.contacts.collection.find("ContactStatus", "ARCHIVED")
            if archived:
                hidden: set[str] = set()
                for contact_id in archived:
                    hidden |= invoices.collection.find("Contact.ContactID", contact_id)
                if hidden:
                    query.exclude = hidden

    def view(record: Record, page: Page) -> Record:
        return invoices.list_view(record, paged=page.page is not None, summary=summary)

    return list_response(
        request, invoices, paged=True, tune=tune, view=view, unitdp_=unitdp(request)
    )


@router.get("/Invoices/{invoice_key}")
async def get_invoice(invoice_key: str, request: Request) -> Response:
    books = books_of(request)
    with books.lock:
        record = by_key(books.invoices, invoice_key)
        if record is None:
            return not_found()
        shown = books.invoices.view(record)
    return ok(request, {"Invoices": [shown]}, unitdp=unitdp(request))


@router.put("/Invoices")
async def put_invoices(request: Request) -> Response:
    return await write(request, "Invoices", "create")


@router.post("/Invoices")
async def post_invoices(request: Request) -> Response:
    return await write(request, "Invoices", "upsert")


@router.post("/Invoices/{invoice_key}")
async def post_invoice(invoice_key: str, request: Request) -> Response:
    books = books_of(request)
    with books.lock:
        record = by_key(books.invoices, invoice_key)
    if record is None:
        return not_found()
    return await write(request, "Invoices", "update", target_id=record["InvoiceID"])
