"""Payments against invoices: PUT many, POST one, delete by POSTing Status DELETED.

Xero's rules (shared/xero-api-facts.md sections 5.1, 8, 10): a payment names its invoice
by InvoiceID or InvoiceNumber and its account by AccountID or Code; the account must be
a bank account or have EnablePaymentsToAccount; only AUTHORISED documents take payments
and never more than AmountDue; the invoice's AmountPaid/AmountDue move and it becomes
PAID (with FullyPaidOnDate) at zero. Deleting a payment keeps it, as Status DELETED,
and gives the invoice its AmountDue (and AUTHORISED status) back. There is no other
edit of a payment.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from xerosync.emulator.books import lifecycle as lc
from xerosync.emulator.books.dates import parse_date
from xerosync.emulator.books.entity import Entity, flag, text
from xerosync.emulator.books.invoice_lines import collect
from xerosync.emulator.books.money import parse_decimal
from xerosync.emulator.books.store import Collection, Record, index_key
from xerosync.emulator.books.totals import money
from xerosync.emulator.books.writes import Invalid, WriteContext

if TYPE_CHECKING:
    from xerosync.emulator.books import Books

PAYMENT_TYPES = {"ACCREC": "ACCRECPAYMENT", "ACCPAY": "ACCPAYPAYMENT"}
ONLY_DELETE = "A payment cannot be changed; it can only be deleted (Status DELETED)."
ALREADY_DELETED = "This payment has already been deleted."
FIELDS = [
    "Invoice",
    "CreditNote",
    "Prepayment",
    "Overpayment",
    "Account",
    "Code",
    "Date",
    "CurrencyRate",
    "Amount",
    "BankAmount",
    "Reference",
    "IsReconciled",
    "Status",
    "PaymentType",
    "UpdatedDateUTC",
    "PaymentID",
    "BatchPaymentID",
    "BankAccountNumber",
    "Particulars",
    "Details",
    "HasAccount",
    "HasValidationErrors",
]


def not_payable(account: Record) -> str:
    return (
        f"Payments cannot be made to account '{account.get('Code') or account.get('Name')}': "
        "use a bank account, or one with EnablePaymentsToAccount."
    )  # emulator's wording


class Payments(Entity):
    plural = "Payments"
    type_name = "Payment"
    id_field = "PaymentID"
    error_flag = "HasValidationErrors"

    def __init__(self, books: Books) -> None:
        super().__init__(books)
        self.collection = Collection(
            "Payments",
            "PaymentID",
            indexes={
                "Status": lambda r: index_key(r.get("Status")),
                "PaymentType": lambda r: index_key(r.get("PaymentType")),
                "Invoice.InvoiceID": lambda r: index_key(r["Invoice"].get("InvoiceID")),
            },
            fields=FIELDS,
            updated_string=True,
        )

    def create(self, data: Record, ctx: WriteContext) -> Record:
        books = self.books
        if str(data.get("Status") or "AUTHORISED").upper() != "AUTHORISED":
            raise Invalid("A new payment must have Status AUTHORISED.")
        for other in ("CreditNote", "Prepayment", "Overpayment"):
            if data.get(other):
                raise Invalid(f"Payments to a {other} are not supported by the emulator yet.")
        invoice_ref = data.get("Invoice")
        if not invoice_ref and data.get("InvoiceNumber"):
            invoice_ref = {"InvoiceNumber": data["InvoiceNumber"]}
        errors: list[str] = []
        invoice = collect(lambda: books.invoices.require(invoice_ref), errors)
        account_ref = data.get("Account")
        if not account_ref and data.get("Code"):
            account_ref = {"Code": data["Code"]}
        account = collect(lambda: books.accounts.require_ref(account_ref), errors)
        if account is not None and not _payable(account):
            errors.append(not_payable(account))
        amount = collect(lambda: _amount(data), errors)
        paid_on = collect(lambda: _day(data, ctx), errors)
        if errors:
            raise Invalid(*errors)
        assert invoice is not None
        assert account is not None
        assert amount is not None
        assert paid_on is not None
        problem = lc.check_payment(invoice["Status"], amount, invoice["AmountDue"])
        if problem:
            raise Invalid(problem)
        rate = _rate(data, invoice)
        record: Record = {
            "PaymentID": books.new_id(),
            "Date": paid_on,
            "Amount": amount,
            "BankAmount": amount if rate == 1 else money(amount / rate),
            "CurrencyRate": rate,
            "Reference": text(data, "Reference", max_length=255) or "",
            "IsReconciled": bool(flag(data, "IsReconciled")),
            "Status": "AUTHORISED",
            "PaymentType": PAYMENT_TYPES[invoice["Type"]],
            "Account": {"AccountID": account["AccountID"], "Code": account.get("Code", "")},
            "Invoice": _invoice_ref(invoice),
            "HasAccount": False,
            "HasValidationErrors": False,
        }
        stored = self.store(record)
        books.invoices.apply_payment(invoice, stored)
        return stored

    def update(self, record: Record, data: Record, ctx: WriteContext) -> Record:
        if str(data.get("Status") or "").upper() != "DELETED":
            raise Invalid(ONLY_DELETE)
        if record["Status"] == "DELETED":
            raise Invalid(ALREADY_DELETED)
        updated = {**record, "Status": "DELETED"}
        invoice = self.books.invoices.get(record["Invoice"]["InvoiceID"])
        stored = self.store(updated)
        if invoice is not None:
            self.books.invoices.remove_payment(invoice, record)
        return stored

    def view(self, record: Record) -> Record:
        shown = dict(record)
        invoice = self.books.invoices.get(record["Invoice"]["InvoiceID"])
        if invoice is not None:
            shown["Invoice"] = _invoice_ref(invoice)
        return shown


def _payable(account: Record) -> bool:
    return account.get("Type") == "BANK" or account.get("EnablePaymentsToAccount") is True


def _amount(data: Record) -> Decimal:
    if data.get("Amount") is None:
        raise Invalid("Amount is required.")
    try:
        return money(parse_decimal(data["Amount"]))
    except ValueError as exc:
        raise Invalid(f"The Amount '{data['Amount']}' is not a valid number.") from exc


def _rate(data: Record, invoice: Record) -> Decimal:
    """The payment's CurrencyRate: as sent, else the invoice's (1 in the base currency)."""
    if data.get("CurrencyRate") in (None, ""):
        return Decimal(str(invoice.get("CurrencyRate") or 1))
    try:
        rate = parse_decimal(data["CurrencyRate"])
    except ValueError as exc:
        raise Invalid(f"The CurrencyRate '{data['CurrencyRate']}' is not valid.") from exc
    if rate <= 0:
        raise Invalid("A CurrencyRate must be greater than zero.")
    return rate


def _day(data: Record, ctx: WriteContext) -> date:
    if not data.get("Date"):
        return ctx.now.date()
    try:
        return parse_date(data["Date"])
    except ValueError as exc:
        raise Invalid(f"The Date '{data['Date']}' is not a valid date.") from exc


def _invoice_ref(invoice: Mapping[str, object]) -> Record:
    return {
        "InvoiceID": invoice["InvoiceID"],
        "InvoiceNumber": invoice.get("InvoiceNumber", ""),
        "Type": invoice["Type"],
        "Contact": invoice["Contact"],
        "Status": invoice["Status"],
        "IsDiscounted": invoice.get("IsDiscounted", False),
        "HasErrors": False,
    }
