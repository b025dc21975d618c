"""What credit notes and bank transactions share with invoices: contact and lines.

- lines are checked against the books by `invoices.BooksCatalogue` (accounts, tax rates,
  items, and tracking categories through `books.tracking.line_tracking`).
- `resolve_contact`: a document's Contact (by ContactID, ContactNumber or Name; a new
  name creates the contact, as Xero does), applied only once the rest is valid.
- `price`: `invoice_lines.price_lines` copied onto a record (LineItems and totals).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING

from xerosync.emulator.books.dates import parse_date
from xerosync.emulator.books.invoice_lines import price_lines
from xerosync.emulator.books.invoices import BooksCatalogue
from xerosync.emulator.books.store import Record
from xerosync.emulator.books.totals import LINE_AMOUNT_TYPES
from xerosync.emulator.books.writes import Invalid, WriteContext

if TYPE_CHECKING:
    from xerosync.emulator.books import Books


def resolve_contact(
    books: Books, data: Record, ctx: WriteContext, existing: Record | None
) -> Callable[[], Record]:
    """Check the Contact now; return how to get it once the rest is valid too."""
    contacts = books.contacts
    ref = data.get("Contact")
    if ref is None and existing is not None and existing.get("Contact"):
        current = contacts.get(existing["Contact"]["ContactID"]) or existing["Contact"]
        return lambda: current
    if isinstance(ref, Mapping) and not ref.get("ContactID") and not ref.get("ContactNumber"):
        name = ref.get("Name")
        if isinstance(name, str) and name.strip() and contacts.by_active_name(name) is None:
            return lambda: contacts.create({"Name": name}, ctx)
    found = contacts.resolve(ref, ctx, create_missing=False)
    return lambda: found


AMOUNT_TYPES = {name.lower(): name for name in LINE_AMOUNT_TYPES}


def contact_ref(contact: Record) -> Record:
    return {"ContactID": contact["ContactID"], "Name": contact.get("Name", "")}


def amount_types(data: Record, current: str) -> str:
    if "LineAmountTypes" not in data:
        return current
    given = str(data["LineAmountTypes"] or "").lower()
    if given not in AMOUNT_TYPES:
        raise Invalid(f"'{data['LineAmountTypes']}' is not a valid LineAmountTypes.")
    return AMOUNT_TYPES[given]


def price(
    books: Books,
    record: Record,
    data: Record,
    ctx: WriteContext,
    *,
    line_type: str,
    existing: Record | None,
) -> list[str]:
    """Price `data`'s LineItems onto `record` (errors returned, record untouched on error).

    `line_type` is the invoice type whose item details apply (ACCREC sales, ACCPAY
    purchases)."""
    if "LineItems" not in data and existing is not None:
        if record["LineAmountTypes"] != existing["LineAmountTypes"]:
            return ["Send the LineItems again when changing LineAmountTypes."]
        return []
    priced = price_lines(
        data.get("LineItems"),
        invoice_type=line_type,
        amount_types=record["LineAmountTypes"],
        catalogue=BooksCatalogue(books),
        previous=existing["LineItems"] if existing else None,
        unitdp=ctx.unitdp,
    )
    if priced.totals is None:
        return priced.errors
    record["LineItems"] = priced.lines
    record["SubTotal"] = priced.totals.sub_total
    record["TotalTax"] = priced.totals.total_tax
    record["Total"] = priced.totals.total
    return priced.errors


def day(data: Record, key: str) -> date:
    try:
        return parse_date(data[key])
    except ValueError as exc:
        raise Invalid(f"The {key} '{data[key]}' is not a valid date.") from exc
