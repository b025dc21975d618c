"""An invoice's line items: read from a request, checked against the organisation's
accounts, tax rates and items, and priced by `totals`.

Pure apart from the `Catalogue` it is handed (the books' lookups), so the rules can be
exercised without a server. Defaults follow Xero: an `ItemCode` fills in the
description, unit price, account and tax type from the item's sales (ACCREC) or
purchase (ACCPAY) details; an `AccountCode` fills in the account's tax type.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from xerosync.emulator.books import lifecycle as lc
from xerosync.emulator.books.money import parse_decimal
from xerosync.emulator.books.render import UnitPrice
from xerosync.emulator.books.totals import LineIn, LineOut, Totals, compute_line, compute_totals
from xerosync.emulator.books.writes import Invalid

Record = dict[str, Any]


class Catalogue(Protocol):
    """What line items are checked against (the books, in the emulator).

    Each method returns what was asked for or raises `Invalid` with Xero's message."""

    def account_by_code(self, code: str) -> Mapping[str, Any]: ...

    def account_by_id(self, account_id: str) -> Mapping[str, Any]: ...

    def tax_rate(self, tax_type: str, account: Mapping[str, Any] | None) -> Decimal:
        """The effective rate in percent of an active tax type usable on `account`."""
        ...

    def item_by_code(self, code: str) -> Mapping[str, Any]: ...

    def tracking(self, raw: object) -> list[dict[str, Any]]:
        """A line's `Tracking`, checked and completed."""
        ...


def negative_quantity(value: Decimal) -> str:
    return f"The quantity value '{value:.4f}' is invalid. Quantity must not be less than zero."


DISCOUNT_ON_BILL = "Discounts are only supported on ACCREC invoices"  # emulator's wording
# Xero's, as its API answers (calcinai/xero-php#230, benedwards44/Apex-for-Xero#9): a draft
# may lack account codes, an approved document may not (XeroAPI/xero-node#398).
ACCOUNT_CODE_REQUIRED = "Account code must be specified"


def missing_accounts(lines: list[Record]) -> list[str]:
    """One ACCOUNT_CODE_REQUIRED per line that carries an amount but no account.

    An approved invoice or credit note posts each line to its account (the ledger cannot
    post one without); a line with no amount (a heading, a note) needs none."""
    return [
        ACCOUNT_CODE_REQUIRED
        for line in lines
        if not (line.get("AccountCode") or line.get("AccountID"))
        and (line.get("LineAmount") or line.get("TaxAmount"))
    ]


def check_accounts(record: Record, data: Record, existing: Record | None) -> None:
    """Refuse approving an invoice or credit note (`record`, after `data` was applied to
    `existing`) whose priced lines lack an account; drafts may lack them."""
    previous = existing["Status"] if existing else None
    if lc.approving(record["Status"], previous, "LineItems" in data):
        missing = missing_accounts(record["LineItems"])
        if missing:
            raise Invalid(*missing)


@dataclass
class PricedLines:
    lines: list[Record] = field(default_factory=list)
    totals: Totals | None = None
    errors: list[str] = field(default_factory=list)


def _number(raw: Mapping[str, Any], key: str, errors: list[str]) -> Decimal | None:
    value = raw.get(key)
    if value is None or value == "":
        return None
    try:
        return parse_decimal(value)
    except ValueError:
        errors.append(f"The value '{value}' supplied for {key} is not a valid number.")
        return None


T = TypeVar("T")


def collect(lookup: Callable[[], T], errors: list[str]) -> T | None:
    """Run a catalogue lookup, collecting its refusal instead of raising."""
    try:
        return lookup()
    except Invalid as exc:
        errors.extend(exc.messages)
        return None


def _details(item: Mapping[str, Any], invoice_type: str) -> Mapping[str, Any]:
    key = "PurchaseDetails" if invoice_type == "ACCPAY" else "SalesDetails"
    details = item.get(key)
    return details if isinstance(details, Mapping) else {}


def price_lines(
    raw_lines: object,
    *,
    invoice_type: str,
    amount_types: str,
    catalogue: Catalogue,
    previous: list[Record] | None = None,
    unitdp: int = 2,
) -> PricedLines:
    """Check and price the `LineItems` of a request. Errors are Xero's messages."""
    out = PricedLines()
    if raw_lines is None:
        raw_lines = []
    if not isinstance(raw_lines, list):
        out.errors.append("LineItems must be a list of line items.")
        return out
    known_ids = {str(line.get("LineItemID")) for line in previous or []}
    computed: list[LineOut] = []
    for raw in raw_lines:
        if not isinstance(raw, Mapping):
            out.errors.append("A line item must be an object.")
            continue
        line, priced = _price_one(raw, invoice_type, amount_types, catalogue, unitdp, out.errors)
        if line is None or priced is None:
            continue
        given_id = str(raw.get("LineItemID") or "").lower()
        line["LineItemID"] = given_id if given_id in known_ids else str(uuid.uuid4())
        out.lines.append(line)
        computed.append(priced)
    if not out.errors:
        out.totals = compute_totals(computed, amount_types)
    return out


def _price_one(
    raw: Mapping[str, Any],
    invoice_type: str,
    amount_types: str,
    catalogue: Catalogue,
    unitdp: int,
    errors: list[str],
) -> tuple[Record | None, LineOut | None]:
    start = len(errors)
    line: Record = {}
    description = raw.get("Description")
    qty = _number(raw, "Quantity", errors)
    unit = _number(raw, "UnitAmount", errors)
    line_amount = _number(raw, "LineAmount", errors)
    rate = _number(raw, "DiscountRate", errors)
    discount_amount = _number(raw, "DiscountAmount", errors)
    tax_amount = _number(raw, "TaxAmount", errors)
    account_code = raw.get("AccountCode")
    tax_type = raw.get("TaxType")

    item_code = raw.get("ItemCode")
    if item_code:
        item = collect(lambda: catalogue.item_by_code(str(item_code)), errors)
        if item is not None:
            details = _details(item, invoice_type)
            line["ItemCode"] = item.get("Code")
            line["Item"] = {
                "ItemID": item.get("ItemID"),
                "Name": item.get("Name"),
                "Code": item.get("Code"),
            }
            if description is None:
                key = "PurchaseDescription" if invoice_type == "ACCPAY" else "Description"
                description = item.get(key) or item.get("Description")
            if unit is None and details.get("UnitPrice") is not None:
                unit = parse_decimal(details["UnitPrice"])
            account_code = account_code or details.get("AccountCode")
            tax_type = tax_type or details.get("TaxType")

    account: Mapping[str, Any] | None = None
    if account_code:
        account = collect(lambda: catalogue.account_by_code(str(account_code)), errors)
    elif raw.get("AccountID"):
        account = collect(lambda: catalogue.account_by_id(str(raw["AccountID"])), errors)
    if account is not None:
        line["AccountCode"] = account.get("Code")
        line["AccountID"] = account.get("AccountID")
        tax_type = tax_type or account.get("TaxType")

    tax_rate = Decimal(0)
    if tax_type:
        found = collect(lambda: catalogue.tax_rate(str(tax_type), account), errors)
        if found is not None:
            tax_rate = found
            line["TaxType"] = str(tax_type).upper()

    if qty is not None and qty < 0:
        errors.append(negative_quantity(qty))
    line["Tracking"] = collect(lambda: catalogue.tracking(raw.get("Tracking")), errors) or []
    has_discount = bool(rate) or bool(discount_amount)
    if has_discount and invoice_type != "ACCREC":
        errors.append(DISCOUNT_ON_BILL)
    if len(errors) > start:
        return None, None

    priced = compute_line(
        LineIn(qty, unit, line_amount, rate, discount_amount, tax_rate, tax_amount),
        amount_types,
        unitdp,
    )
    line["Description"] = "" if description is None else str(description)
    line["Quantity"] = priced.quantity
    line["UnitAmount"] = UnitPrice(priced.unit_amount)
    line["LineAmount"] = priced.line_amount
    line["TaxAmount"] = priced.tax_amount
    if rate:
        line["DiscountRate"] = rate
    if discount_amount:
        line["DiscountAmount"] = discount_amount
    return line, priced
