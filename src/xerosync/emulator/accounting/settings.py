"""Organisation, Accounts, TaxRates and Items routes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from xerosync.emulator.accounting.common import (
    books_of,
    invalid,
    list_response,
    not_found,
    ok,
    unitdp,
    write,
)
from xerosync.emulator.books.writes import Invalid

router = APIRouter()


@router.get("/Organisation")
@router.get("/Organisations")  # Xero serves the plural too; some clients still call it
async def get_organisation(request: Request) -> Response:
    return ok(request, {"Organisations": [books_of(request).organisation()]})


_ACTIONS = [
    "CreateApprovedInvoice",
    "CreateDraftPurchaseOrder",
    "CreateApprovedBill",
    "AttachFilesIntoInvoice",
    "UseMulticurrency",
    "CreateDraftInvoice",
    "CreateRepeatingInvoice",
    "CreateRepeatingBill",
    "CreateSentQuote",
    "CreateInvoicePayment",
    "CreateApprovedPurchaseOrder",
    "CreateDraftQuote",
    "CreateDraftBill",
]


@router.get("/Organisation/Actions")
async def get_organisation_actions(request: Request) -> Response:
    """What the organisation's plan allows (PREMIUM: everything)."""
    return ok(request, {"Actions": [{"Name": name, "Status": "ALLOWED"} for name in _ACTIONS]})


# -- accounts ---------------------------------------------------------------------------


@router.get("/Accounts")
async def list_accounts(request: Request) -> Response:
    return list_response(request, books_of(request).accounts, paged=False, default_order="Code")


@router.get("/Accounts/{account_id}")
async def get_account(account_id: str, request: Request) -> Response:
    record = books_of(request).accounts.get(account_id)
    if record is None:
        return not_found()
    return ok(request, {"Accounts": [dict(record)]})


@router.put("/Accounts")
async def put_account(request: Request) -> Response:
    return await write(request, "Accounts", "create", first_only=True)


@router.post("/Accounts/{account_id}")
async def post_account(account_id: str, request: Request) -> Response:
    return await write(request, "Accounts", "update", target_id=account_id)


@router.delete("/Accounts/{account_id}")
async def delete_account(account_id: str, request: Request) -> Response:
    books = books_of(request)
    with books.lock:
        record = books.accounts.get(account_id)
        if record is None:
            return not_found()
        try:
            gone = books.accounts.delete(record)
        except Invalid as exc:
            return invalid(exc, {"AccountID": record["AccountID"], "Code": record.get("Code")})
    return ok(request, {"Accounts": [gone]})


# -- tax rates --------------------------------------------------------------------------


@router.get("/TaxRates")
async def list_tax_rates(request: Request) -> Response:
    return list_response(request, books_of(request).tax_rates, paged=False, default_order="Name")


@router.get("/TaxRates/{tax_type}")
async def get_tax_rate(tax_type: str, request: Request) -> Response:
    record = books_of(request).tax_rates.get(tax_type)
    if record is None:
        return not_found()
    return ok(request, {"TaxRates": [dict(record)]})


@router.put("/TaxRates")
async def put_tax_rate(request: Request) -> Response:
    return await write(request, "TaxRates", "create", first_only=True)


@router.post("/TaxRates")
async def post_tax_rate(request: Request) -> Response:
    return await write(request, "TaxRates", "upsert", first_only=True)


# -- items ------------------------------------------------------------------------------


@router.get("/Items")
async def list_items(request: Request) -> Response:
    return list_response(
        request, books_of(request).items, paged=False, default_order="Code", unitdp_=unitdp(request)
    )


@router.get("/Items/{item_id}")
async def get_item(item_id: str, request: Request) -> Response:
    record = books_of(request).items.get(item_id)
    if record is None:
        return not_found()
    return ok(request, {"Items": [dict(record)]}, unitdp=unitdp(request))


@router.put("/Items")
async def put_items(request: Request) -> Response:
    return await write(request, "Items", "create")


@router.post("/Items")
async def post_items(request: Request) -> Response:
    return await write(request, "Items", "upsert")


@router.post("/Items/{item_id}")
async def post_item(item_id: str, request: Request) -> Response:
    return await write(request, "Items", "update", target_id=item_id)


@router.delete("/Items/{item_id}")
async def delete_item(item_id: str, request: Request) -> Response:
    books = books_of(request)
    with books.lock:
        record = books.items.get(item_id)
        if record is None:
            return not_found()
        try:
            books.items.delete(record)
        except Invalid as exc:
            return invalid(exc, {"ItemID": record["ItemID"], "Code": record["Code"]})
    return Response(status_code=204)
