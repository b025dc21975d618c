"""ManualJournals routes: list (paged), get, PUT/POST batches, POST one."""

from __future__ import annotations

from fastapi import APIRouter

from xerosync.emulator.accounting.crud import add_document_routes

router = APIRouter()

add_document_routes(router, "ManualJournals", paged=True)
