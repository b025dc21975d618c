"""BankTransactions and BankTransfers routes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from xerosync.emulator.accounting.common import bool_param, write
from xerosync.emulator.accounting.crud import add_document_routes
from xerosync.emulator.books.listing import ListQuery

router = APIRouter()

add_document_routes(router, "BankTransactions", paged=True)


def _hide_deleted(request: Request, query: ListQuery) -> None:
    if not bool_param(request, "includeDeleted"):
        query.filters.append(lambda r: r["Status"] != "DELETED")


@router.post("/BankTransfers")
async def delete_bank_transfers(request: Request) -> Response:
    """`deleteBankTransfers`: `{"BankTransfers": [{"BankTransferID": .., "Status": "DELETED"}]}`."""
    return await write(request, "BankTransfers", "upsert")


add_document_routes(router, "BankTransfers", paged=False, writes=False, tune=_hide_deleted)


@router.put("/BankTransfers")
async def put_bank_transfers(request: Request) -> Response:
    return await write(request, "BankTransfers", "create")


@router.post("/BankTransfers/{transfer_id}")
async def delete_bank_transfer(transfer_id: str, request: Request) -> Response:
    """`deleteBankTransfer`: `{"BankTransfers": [{"Status": "DELETED"}]}`."""
    return await write(request, "BankTransfers", "update", target_id=transfer_id)
