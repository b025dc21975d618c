"""Allocating credit to invoices: credit notes, prepayments and overpayments alike.

A credit (a record with `Type`, `Contact`, `CurrencyCode`, `Total`, `RemainingCredit`,
`Allocations`, `Status`) gives part of itself to an AUTHORISED invoice of the same
contact, currency and side (customer credit to ACCREC, supplier credit to ACCPAY):

- the invoice's AmountCredited rises, the credit is listed in its `CreditNotes` /
  `Prepayments` / `Overpayments`, AmountDue falls and the invoice is PAID at zero;
- the credit's RemainingCredit falls and it is PAID at zero.

Deleting an allocation undoes both. Refunds (`apply_refund` / `remove_refund`, for
payments against a credit) also use up RemainingCredit. Messages are Xero's for credit notes ("Credit Note
cannot be allocated as amount is greater than amount outstanding"...), with the kind's name.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from xerosync.emulator.books import lifecycle as lc
from xerosync.emulator.books.documents import day
from xerosync.emulator.books.money import parse_decimal
from xerosync.emulator.books.store import Record, norm_id
from xerosync.emulator.books.totals import money
from xerosync.emulator.books.writes import Invalid, WriteContext

INVOICE_TYPE = {
    "ACCRECCREDIT": "ACCREC",
    "ACCPAYCREDIT": "ACCPAY",
    "RECEIVE-PREPAYMENT": "ACCREC",
    "SPEND-PREPAYMENT": "ACCPAY",
    "RECEIVE-OVERPAYMENT": "ACCREC",
    "SPEND-OVERPAYMENT": "ACCPAY",
}
OVER_ALLOCATED = "{kind} cannot be allocated as amount is greater than amount outstanding"
WRONG_TYPE = "{kind} cannot be allocated to an incorrect invoice type"
ALREADY_PAID = "The invoice you are trying to allocate to has already been paid off"
NOT_AUTHORISED = "Only Authorised {kinds} can be allocated."  # emulator's wording
INVOICE_NOT_AUTHORISED = "{Kinds} can only be allocated to Authorised invoices."  # emulator's
OTHER_CONTACT = "The {kind_lower} and the invoice must be for the same contact."  # emulator's
OTHER_CURRENCY = "The {kind_lower} and the invoice must be in the same currency."  # emulator's
NOT_POSITIVE = "The allocation Amount must be greater than zero."  # emulator's wording
NO_INVOICE = "The allocation must name an Invoice by InvoiceID."  # emulator's wording

_LABEL = {"CreditNote": "Credit Note", "Prepayment": "Prepayment", "Overpayment": "Overpayment"}


def _words(kind: str) -> dict[str, str]:
    label = _LABEL[kind]
    return {
        "kind": label,
        "kinds": label.lower() + "s",
        "Kinds": label.capitalize() + "s" if kind != "CreditNote" else "Credit notes",
        "kind_lower": label.lower(),
    }


def allocate(entity: Any, credit: Record, data: Record, ctx: WriteContext) -> Record:
    """Give `data["Amount"]` of `credit` (of `entity`, e.g. books.credit_notes) to an invoice."""
    kind: str = entity.type_name
    words = _words(kind)
    books = entity.books
    ref = data.get("Invoice")
    if not isinstance(ref, dict) or not (ref.get("InvoiceID") or ref.get("InvoiceNumber")):
        raise Invalid(NO_INVOICE)
    invoice = books.invoices.require(ref)
    amount = amount_sent(data)
    on = day(data, "Date") if data.get("Date") else ctx.now.date()
    errors: list[str] = []
    if credit["Status"] not in (lc.AUTHORISED, lc.PAID):
        errors.append(NOT_AUTHORISED.format(**words))
    if invoice["Type"] != INVOICE_TYPE.get(credit["Type"]):
        errors.append(WRONG_TYPE.format(**words))
    if invoice["Status"] == lc.PAID:
        errors.append(ALREADY_PAID)
    elif invoice["Status"] != lc.AUTHORISED:
        errors.append(INVOICE_NOT_AUTHORISED.format(**words))
    if norm_id(invoice["Contact"]["ContactID"]) != norm_id(credit["Contact"]["ContactID"]):
        errors.append(OTHER_CONTACT.format(**words))
    if invoice.get("CurrencyCode") != credit.get("CurrencyCode"):
        errors.append(OTHER_CURRENCY.format(**words))
    if amount <= 0:
        errors.append(NOT_POSITIVE)
    elif amount > credit["RemainingCredit"] or amount > invoice["AmountDue"]:
        errors.append(OVER_ALLOCATED.format(**words))
    if errors:
        raise Invalid(*errors)
    allocation: Record = {
        "AllocationID": books.new_id(),
        "Amount": amount,
        "Date": on,
        "Invoice": {"InvoiceID": invoice["InvoiceID"], "InvoiceNumber": invoice["InvoiceNumber"]},
    }
    _credit_invoice(entity, invoice, credit, amount, on)
    updated = dict(credit)
    updated["Allocations"] = [*credit["Allocations"], allocation]
    _settle(entity, updated, on)
    return view(entity, updated, allocation)


def remove(entity: Any, credit: Record, allocation_id: str) -> Record:
    """Delete an allocation (LookupError if `credit` has none with this id)."""
    wanted = norm_id(allocation_id)
    allocation = next((a for a in credit["Allocations"] if a["AllocationID"] == wanted), None)
    if allocation is None:
        raise LookupError(allocation_id)
    invoice = entity.books.invoices.get(allocation["Invoice"]["InvoiceID"])
    if invoice is not None:
        _credit_invoice(entity, invoice, credit, -allocation["Amount"], None)
    updated = dict(credit)
    updated["Allocations"] = [a for a in credit["Allocations"] if a["AllocationID"] != wanted]
    _settle(entity, updated, None)
    return {**view(entity, updated, allocation), "IsDeleted": True}


def view(entity: Any, credit: Record, allocation: Record) -> Record:
    """An allocation as Xero shows it: with the credit it came from."""
    kind: str = entity.type_name
    source: Record = {f"{kind}ID": credit[entity.id_field], "Type": credit["Type"]}
    if kind == "CreditNote":
        source["CreditNoteNumber"] = credit.get("CreditNoteNumber", "")
    return {**allocation, kind: source}


def used(credit: Record) -> Decimal:
    """What has gone out of a credit: its allocations and its refunds (Payments)."""
    allocated = sum((a["Amount"] for a in credit.get("Allocations") or []), Decimal(0))
    refunded = sum((p["Amount"] for p in credit.get("Payments") or []), Decimal(0))
    return allocated + refunded


def apply_refund(entity: Any, credit: Record, payment: Record) -> Record:
    """A payment refunding part of a credit (Xero's ARCREDITPAYMENT / APCREDITPAYMENT):
    RemainingCredit falls, PAID at zero. For `books.payments` to call."""
    problem = lc.check_payment(
        lc.AUTHORISED if credit["Status"] == lc.AUTHORISED else credit["Status"],
        payment["Amount"],
        credit["RemainingCredit"],
    )
    if problem:
        raise Invalid(problem)
    updated = dict(credit)
    summary = {k: payment[k] for k in ("PaymentID", "Date", "Amount") if k in payment}
    updated["Payments"] = [*(credit.get("Payments") or []), summary]
    _settle(entity, updated, payment.get("Date"))
    return updated


def remove_refund(entity: Any, credit: Record, payment_id: str) -> Record:
    """Undo a deleted refund: the credit is available again."""
    wanted = norm_id(payment_id)
    updated = dict(credit)
    updated["Payments"] = [
        p for p in credit.get("Payments") or [] if norm_id(p["PaymentID"]) != wanted
    ]
    _settle(entity, updated, None)
    return updated


def _settle(entity: Any, credit: Record, on: date | None) -> None:
    credit["RemainingCredit"] = money(credit["Total"] - used(credit))
    lc.settle(credit, credit["RemainingCredit"], on)
    entity.store(credit)


def _credit_invoice(
    entity: Any, invoice: Record, credit: Record, amount: Decimal, on: date | None
) -> None:
    """Move the invoice's AmountCredited by `amount` (negative to undo)."""
    kind: str = entity.type_name
    id_field: str = entity.id_field
    list_key = kind + "s"  # CreditNotes | Prepayments | Overpayments
    updated = dict(invoice)
    updated["AmountCredited"] = money(invoice["AmountCredited"] + amount)
    credit_id = credit[id_field]
    listed = [c for c in invoice.get(list_key) or [] if c.get(id_field) != credit_id]
    invoice_id = invoice["InvoiceID"]
    earlier = sum(
        (a["Amount"] for a in credit["Allocations"] if a["Invoice"]["InvoiceID"] == invoice_id),
        Decimal(0),
    )
    applied = earlier + amount
    if applied > 0:
        summary: Record = {
            id_field: credit_id,
            "AppliedAmount": money(applied),
            "Total": credit["Total"],
            "Date": credit["Date"],
        }
        if kind == "CreditNote":
            summary["CreditNoteNumber"] = credit.get("CreditNoteNumber", "")
            summary["HasErrors"] = False
        listed.append(summary)
    updated[list_key] = listed
    due = money(updated["Total"] - updated["AmountPaid"] - updated["AmountCredited"])
    updated["AmountDue"] = due
    lc.settle(updated, due, on)
    entity.books.invoices.store(updated)


def amount_sent(data: Record) -> Decimal:
    """The Amount a payment or allocation sends (required, a number, to the cent)."""
    if data.get("Amount") is None:
        raise Invalid("Amount is required.")
    try:
        return money(parse_decimal(data["Amount"]))
    except ValueError as exc:
        raise Invalid(f"The Amount '{data['Amount']}' is not a valid number.") from exc


class AllocationWriter:
    """The write pipeline's view of `PUT /{Kind}s/{id}/Allocations`: each element allocates
    part of one credit (re-read each time, as allocating replaces the record)."""

    plural = "Allocations"
    id_field = "AllocationID"
    error_flag = ""

    def __init__(self, entity: Any, credit_id: str) -> None:
        self.entity = entity
        self.credit_id = credit_id

    def match(self, data: Record) -> Record | None:
        return None

    def create(self, data: Record, ctx: WriteContext) -> Record:
        credit = self.entity.get(self.credit_id)
        if credit is None:
            raise Invalid(f"The {self.entity.type_name} could not be found.")
        result: Record = allocate(self.entity, credit, data, ctx)
        return result

    def update(self, record: Record, data: Record, ctx: WriteContext) -> Record:
        raise Invalid("An allocation cannot be changed; delete it and allocate again.")

    def view(self, record: Record) -> Record:
        return dict(record)
