"""Payments routes: list, get by id, PUT many, POST one, POST /Payments/{id} to delete."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from xerosync.emulator.accounting.common import books_of, list_response, not_found, ok, write
from xerosync.emulator.books.listing import Page
from xerosync.emulator.books.store import Record

router = APIRouter()


@router.get("/Payments")
async def list_payments(request: Request) -> Response:
    payments = books_of(request).payments

    def view(record: Record, page: Page) -> Record:
        return payments.view(record)

    return list_response(request, payments, paged=True, view=view)


@router.get("/Payments/{payment_id}")
async def get_payment(payment_id: str, request: Request) -> Response:
    books = books_of(request)
    with books.lock:
        record = books.payments.get(payment_id)
        if record is None:
            return not_found()
        shown = books.payments.view(record)
    return ok(request, {"Payments": [shown]})


@router.put("/Payments")
async def put_payments(request: Request) -> Response:
    return await write(request, "Payments", "create")


@router.post("/Payments")
async def post_payment(request: Request) -> Response:
    """`createPayment`: one payment (Xero reads only the first element)."""
    return await write(request, "Payments", "create", first_only=True)


@router.post("/Payments/{payment_id}")
async def delete_payment(payment_id: str, request: Request) -> Response:
    """`deletePayment`: `{"Payments": [{"Status": "DELETED"}]}`."""
    return await write(request, "Payments", "update", target_id=payment_id)
