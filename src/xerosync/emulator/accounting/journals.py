"""Journals: the general ledger, 100 a call after `offset` (a JournalNumber), or one by ID/number."""

from __future__ import annotations

import bisect

from fastapi import APIRouter, Request
from fastapi.responses import Response

from xerosync.emulator import responses
from xerosync.emulator.accounting.common import ParamError, books_of, int_param, not_found, ok
from xerosync.emulator.books.dates import parse_if_modified_since
from xerosync.emulator.books.store import norm_id
from xerosync.emulator.ledger import journal_record

router = APIRouter()
PAGE = 100


@router.get("/Journals")
async def list_journals(request: Request) -> Response:
    try:
        offset = max(int_param(request, "offset") or 0, 0)
    except ParamError as exc:
        return responses.validation_exception([{"ValidationErrors": [{"Message": str(exc)}]}])
    books = books_of(request)
    with books.lock:
        entries = books.ledger.ledger.entries
        start = offset
        header = request.headers.get("if-modified-since")
        if header:
            try:
                since = parse_if_modified_since(header)
            except ValueError:
                since = None  # Xero ignores a header it cannot read
            if since is not None:  # entries are appended in time order
                start = max(start, bisect.bisect_right(entries, since, key=lambda e: e.created))
        shown = [journal_record(e) for e in entries[start : start + PAGE]]
    return ok(request, {"Journals": shown})


@router.get("/Journals/{journal}")
async def get_journal(request: Request, journal: str) -> Response:
    books = books_of(request)
    with books.lock:
        ledger = books.ledger.ledger
        if journal.isdigit():
            entry = ledger.by_number(int(journal))
        else:
            entry = ledger.by_id(norm_id(journal))
        if entry is None:
            return not_found()
        return ok(request, {"Journals": [journal_record(entry)]})
