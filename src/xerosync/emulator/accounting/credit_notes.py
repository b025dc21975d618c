"""CreditNotes routes: list, get, PUT/POST batches, POST one, allocations to invoices."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from xerosync.emulator.accounting.common import (
    books_of,
    by_key,
    json_response,
    list_response,
    not_found,
    ok,
    unitdp,
    write,
)
from xerosync.emulator.books.allocations import AllocationWriter
from xerosync.emulator.books.listing import Page
from xerosync.emulator.books.store import Record

router = APIRouter()


@router.get("/CreditNotes")
async def list_credit_notes(request: Request) -> Response:
    notes = books_of(request).credit_notes

    def view(record: Record, page: Page) -> Record:
        return notes.view(record)

    return list_response(request, notes, paged=True, view=view, unitdp_=unitdp(request))


@router.get("/CreditNotes/{note_key}")
async def get_credit_note(note_key: str, request: Request) -> Response:
    books = books_of(request)
    with books.lock:
        record = by_key(books.credit_notes, note_key)
        if record is None:
            return not_found()
        shown = books.credit_notes.view(record)
    return ok(request, {"CreditNotes": [shown]}, unitdp=unitdp(request))


@router.put("/CreditNotes")
async def put_credit_notes(request: Request) -> Response:
    return await write(request, "CreditNotes", "create")


@router.post("/CreditNotes")
async def post_credit_notes(request: Request) -> Response:
    return await write(request, "CreditNotes", "upsert")


@router.post("/CreditNotes/{note_key}")
async def post_credit_note(note_key: str, request: Request) -> Response:
    books = books_of(request)
    with books.lock:
        record = by_key(books.credit_notes, note_key)
    if record is None:
        return not_found()
    return await write(request, "CreditNotes", "update", target_id=record["CreditNoteID"])


@router.put("/CreditNotes/{note_id}/Allocations")
async def put_allocations(note_id: str, request: Request) -> Response:
    books = books_of(request)
    with books.lock:
        note = books.credit_notes.get(note_id)
    if note is None:
        return not_found()
    writer = AllocationWriter(books.credit_notes, note["CreditNoteID"])
    return await write(request, "Allocations", "create", writer=writer)


@router.delete("/CreditNotes/{note_id}/Allocations/{allocation_id}")
async def delete_allocation(note_id: str, allocation_id: str, request: Request) -> Response:
    """Answers the bare Allocation (IsDeleted true), as Xero's spec has it."""
    books = books_of(request)
    with books.lock:
        note = books.credit_notes.get(note_id)
        if note is None:
            return not_found()
        try:
            gone = books.credit_notes.remove_allocation(note, allocation_id)
        except LookupError:
            return not_found()
    return json_response(gone)
