"""Payments against invoices, and refunds of credit: PUT many, POST one, delete by POSTing
Status DELETED.

Xero's rules (docs/xero-behaviour.md sections 2, 5, 6): a payment names one document
(an Invoice by InvoiceID or InvoiceNumber; or, to refund credit, a CreditNote by
CreditNoteID or CreditNoteNumber, a Prepayment or an Overpayment by id) and its account by
AccountID or Code; the account must be a bank account or have EnablePaymentsToAccount;
only AUTHORISED documents take payments and never more than what is outstanding. An
invoice's AmountPaid/AmountDue move and it becomes PAID (with FullyPaidOnDate) at zero; a
refund lowers the credit's RemainingCredit (`allocations.apply_refund`), PAID at zero. The
PaymentType follows the document (ACCRECPAYMENT, ARCREDITPAYMENT, ARPREPAYMENTPAYMENT...),
and the ledger posts each type to the bank and receivables/payables. Deleting a payment
keeps it, as Status DELETED, and gives the document back what it took. There is no other
edit of a payment.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from xerosync.emulator.books import allocations
from xerosync.emulator.books import lifecycle as lc
from xerosync.emulator.books.contact_names import plain
from xerosync.emulator.books.credit_notes import NOTE_NOT_FOUND
from xerosync.emulator.books.dates import parse_date
from xerosync.emulator.books.documents import contact_ref, embedded
from xerosync.emulator.books.entity import NOT_FOUND, Entity, flag, text
from xerosync.emulator.books.invoice_lines import collect
from xerosync.emulator.books.money import parse_decimal
from xerosync.emulator.books.store import Collection, Record, index_key
from xerosync.emulator.books.totals import money
from xerosync.emulator.books.writes import Invalid, WriteContext

if TYPE_CHECKING:
    from xerosync.emulator.books import Books

PAYMENT_TYPES = {
    "ACCREC": "ACCRECPAYMENT",
    "ACCPAY": "ACCPAYPAYMENT",
    "ACCRECCREDIT": "ARCREDITPAYMENT",
    "ACCPAYCREDIT": "APCREDITPAYMENT",
    "RECEIVE-PREPAYMENT": "ARPREPAYMENTPAYMENT",
    "SPEND-PREPAYMENT": "APPREPAYMENTPAYMENT",
    "RECEIVE-OVERPAYMENT": "AROVERPAYMENTPAYMENT",
    "SPEND-OVERPAYMENT": "APOVERPAYMENTPAYMENT",
}
CREDITS = ("CreditNote", "Prepayment", "Overpayment")  # what a refund pays out of
ONE_DOCUMENT = "A payment must name one document: an Invoice, CreditNote, Prepayment or Overpayment."  # emulator's wording
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
                "Invoice.InvoiceID": lambda r: index_key((r.get("Invoice") or {}).get("InvoiceID")),
            },
            fields=FIELDS,
            updated_string=True,
        )

    def create(self, data: Record, ctx: WriteContext) -> Record:
        books = self.books
        if str(data.get("Status") or "AUTHORISED").upper() != "AUTHORISED":
            raise Invalid("A new payment must have Status AUTHORISED.")
        errors: list[str] = []
        found = collect(lambda: self._document(data), errors)
        account_ref = data.get("Account")
        if not account_ref and data.get("Code"):
            account_ref = {"Code": data["Code"]}
        account = collect(lambda: books.accounts.require_ref(account_ref), errors)
        if account is not None and not _payable(account):
            errors.append(not_payable(account))
        amount = collect(lambda: allocations.amount_sent(data), errors)
        paid_on = collect(lambda: _day(data, ctx), errors)
        if errors:
            raise Invalid(*errors)
        assert found is not None
        assert account is not None
        assert amount is not None
        assert paid_on is not None
        kind, document = found
        outstanding = document["AmountDue"] if kind == "Invoice" else document["RemainingCredit"]
        problem = lc.check_payment(document["Status"], amount, outstanding)
        if problem:
            raise Invalid(problem)
        rate = _rate(data, document)
        record: Record = {
            "PaymentID": books.new_id(),
            "Date": paid_on,
            "Amount": amount,
            "BankAmount": amount if rate == 1 else money(amount / rate),
            "CurrencyRate": rate,
            "Reference": text(data, "Reference", max_length=255) or "",
            "IsReconciled": bool(flag(data, "IsReconciled")),
            "Status": "AUTHORISED",
            "PaymentType": PAYMENT_TYPES[document["Type"]],
            "Account": {"AccountID": account["AccountID"], "Code": account.get("Code", "")},
            kind: self._reference(kind, document),
            "HasAccount": False,
            "HasValidationErrors": False,
        }
        if kind == "Invoice":
            stored = self.store(record)
            books.invoices.apply_payment(document, stored)
            return stored
        allocations.apply_refund(self._credits(kind), document, record)
        return self.store(record)

    def update(self, record: Record, data: Record, ctx: WriteContext) -> Record:
        if str(data.get("Status") or "").upper() != "DELETED":
            raise Invalid(ONLY_DELETE)
        if record["Status"] == "DELETED":
            raise Invalid(ALREADY_DELETED)
        stored = self.store({**record, "Status": "DELETED"})
        kind, document = self._paid(record)
        if document is None:
            return stored
        if kind == "Invoice":
            self.books.invoices.remove_payment(document, record)
        else:
            allocations.remove_refund(self._credits(kind), document, record["PaymentID"])
        return stored

    def view(self, record: Record) -> Record:
        shown = dict(record)
        kind, document = self._paid(record)
        if document is not None:
            shown[kind] = self._reference(kind, document)
        return shown

    # -- the document a payment pays ------------------------------------------------

    def _document(self, data: Record) -> tuple[str, Record]:
        """(kind, record) of the one document `data` pays: Invoice or a credit (refund)."""
        named = [kind for kind in ("Invoice", *CREDITS) if data.get(kind)]
        if not named and data.get("InvoiceNumber"):
            data = {**data, "Invoice": {"InvoiceNumber": data["InvoiceNumber"]}}
            named = ["Invoice"]
        if not named and data.get("CreditNoteNumber"):
            data = {**data, "CreditNote": {"CreditNoteNumber": data["CreditNoteNumber"]}}
            named = ["CreditNote"]
        if len(named) > 1:
            raise Invalid(ONE_DOCUMENT)
        kind = named[0] if named else "Invoice"
        if kind == "Invoice":
            return kind, self.books.invoices.require(data.get("Invoice"))
        ref = data[kind]
        entity = self._credits(kind)
        found = None
        if isinstance(ref, Mapping) and ref.get(f"{kind}ID"):
            found = entity.get(ref[f"{kind}ID"])
        elif kind == "CreditNote" and isinstance(ref, Mapping) and ref.get("CreditNoteNumber"):
            found = self.books.credit_notes.by_number(str(ref["CreditNoteNumber"]))
        if found is None:
            raise Invalid(NOTE_NOT_FOUND if kind == "CreditNote" else NOT_FOUND)
        return kind, found

    def _paid(self, record: Record) -> tuple[str, Record | None]:
        """The document a stored payment paid, as it is now (None if gone)."""
        for kind in ("Invoice", *CREDITS):
            ref = record.get(kind)
            if isinstance(ref, Mapping):
                if kind == "Invoice":
                    return kind, self.books.invoices.get(ref["InvoiceID"])
                return kind, self._credits(kind).get(ref[f"{kind}ID"])
        return "Invoice", None

    def _credits(self, kind: str) -> Entity:
        entities = {
            "CreditNote": self.books.credit_notes,
            "Prepayment": self.books.prepayments,
            "Overpayment": self.books.overpayments,
        }
        return entities[kind]

    def _reference(self, kind: str, document: Mapping[str, Any]) -> Record:
        """The paid document as a payment shows it (its contact under the current name)."""
        if kind == "Invoice":
            return _invoice_ref(document)
        contact = self.books.contacts.get(document["Contact"]["ContactID"])
        shown: Record = {
            f"{kind}ID": document[f"{kind}ID"],
            "Type": document["Type"],
            "Contact": embedded(
                contact_ref(contact) if contact is not None else plain(document["Contact"])
            ),
            "Status": document["Status"],
            "CurrencyRate": document.get("CurrencyRate", Decimal("1")),
        }
        if kind == "CreditNote":
            shown["CreditNoteNumber"] = document.get("CreditNoteNumber", "")
            shown["HasErrors"] = False
        return shown


def _payable(account: Record) -> bool:
    return account.get("Type") == "BANK" or account.get("EnablePaymentsToAccount") is True


def _rate(data: Record, document: Record) -> Decimal:
    """The payment's CurrencyRate: as sent, else the document's (1 in the base currency)."""
    if data.get("CurrencyRate") in (None, ""):
        return Decimal(str(document.get("CurrencyRate") or 1))
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


def _invoice_ref(invoice: Mapping[str, Any]) -> Record:
    return {
        "InvoiceID": invoice["InvoiceID"],
        "InvoiceNumber": invoice.get("InvoiceNumber", ""),
        "Type": invoice["Type"],
        "Contact": embedded(plain(invoice["Contact"])),
        "Status": invoice["Status"],
        "IsDiscounted": invoice.get("IsDiscounted", False),
        "HasErrors": False,
    }
