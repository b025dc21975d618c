"""Prepayments on the ledger, as Xero posts them.

A prepayment is money received (or paid) before the invoice (bill) exists. Xero posts it like a
cash sale (purchase): Dr bank for its total, Cr each line's account for its net, Cr GST for its
tax (RECEIVE-PREPAYMENT, source type ARPREPAYMENT; SPEND-PREPAYMENT mirrors it as
APPREPAYMENT). Receivables (payables) are untouched until the prepayment is used.

Each time part of it is used, that part of its lines moves to receivables (payables):
allocating A of a prepayment of total T to an invoice posts, on the allocation's date,
Dr each line's account and GST by A/T of what the prepayment credited them, Cr Accounts
Receivable A, so the invoice's receivable is settled and the line account and GST keep only
what is still unallocated. A refund of part of a prepayment (a Payment against it) is used
up the same way: its share moves to receivables, which the refund payment then clears against
the bank. Deleting an allocation or a refund reverses its share.

Overpayments are different: they sit on receivables (payables) for their total and carry no
tax; allocating one moves receivables to receivables and posts nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from xerosync.emulator.ledger.accounts import Chart
from xerosync.emulator.ledger.journal import JournalLine, Posting
from xerosync.emulator.ledger.values import ZERO, money, to_date

Doc = Mapping[str, Any]
ItemLines = Callable[[list[Mapping[str, Any]], Chart, int, Decimal, Doc], list[JournalLine]]
# Prepayment Type -> (source type, control system account, +1 when the lines are debited)
SIDES = {
    "RECEIVE-PREPAYMENT": ("ARPREPAYMENT", "DEBTORS", 1),
    "SPEND-PREPAYMENT": ("APPREPAYMENT", "CREDITORS", -1),
}
POSTED = ("AUTHORISED", "PAID")
_COPIED = ("Type", "LineItems", "LineAmountTypes", "Total", "CurrencyRate", "Contact")


def uses(prepayment: Doc | None) -> dict[str, Doc]:
    """Each allocation and refund of a prepayment as a document of its own (by its id):
    the prepayment's lines and total with the `Amount` and `Date` used."""
    if prepayment is None or prepayment.get("Status") not in POSTED:
        return {}
    if prepayment.get("Type") not in SIDES:
        return {}
    base = {key: prepayment.get(key) for key in _COPIED}
    base["PrepaymentID"] = prepayment.get("PrepaymentID")
    found: dict[str, Doc] = {}
    for allocation in prepayment.get("Allocations") or []:
        invoice = allocation.get("Invoice") or {}
        found[str(allocation["AllocationID"]).lower()] = {
            **base,
            "AllocationID": allocation["AllocationID"],
            "Amount": allocation["Amount"],
            "Date": allocation.get("Date") or prepayment.get("Date"),
            "Reference": invoice.get("InvoiceNumber") or "",
        }
    for refund in prepayment.get("Payments") or []:
        found[str(refund["PaymentID"]).lower()] = {
            **base,
            "AllocationID": refund["PaymentID"],
            "Amount": refund["Amount"],
            "Date": refund.get("Date") or prepayment.get("Date"),  # undated: the prepayment's
            "Reference": "",
        }
    return found


def use_posting(
    doc: Doc, chart: Chart, item_lines: ItemLines, rate: Decimal, contact_id: str
) -> Posting | None:
    """The posting for one use of a prepayment (a document from `uses`)."""
    source_type, control, sign = SIDES[str(doc["Type"])]
    amount = money(doc["Amount"])
    total = money(doc.get("Total"))
    if not amount or not total:
        return None
    if rate != 1:
        amount, total = money(amount / rate), money(total / rate)
    # what the prepayment put on its lines (credits for a receipt), taken back in proportion
    posted = item_lines(list(doc.get("LineItems") or []), chart, -sign, rate, doc)
    share = amount / total
    lines = [
        JournalLine(
            x.account,
            money(-x.net * share),
            money(-x.tax * share),
            x.tax_type,
            x.description,
            x.tracking,
        )
        for x in posted
    ]
    lines = [x for x in lines if x.net]
    moved = sum((x.net for x in lines), ZERO)
    if lines and moved != sign * amount:  # rounding: the largest line takes the cents
        big = max(range(len(lines)), key=lambda i: abs(lines[i].net))
        x = lines[big]
        lines[big] = JournalLine(
            x.account,
            x.net + sign * amount - moved,
            x.tax,
            x.tax_type,
            x.description,
            x.tracking,
        )
    lines.append(JournalLine(chart.system(control), -sign * amount))
    return Posting(
        to_date(doc["Date"]),
        source_type,
        str(doc.get("PrepaymentID") or ""),
        tuple(lines),
        reference=str(doc.get("Reference") or ""),
        contact_id=contact_id,
        rate=rate,
    )
