"""Bank transactions: money received (RECEIVE) or spent (SPEND) straight through a bank
account, without an invoice; and the prepayment and overpayment variants.

Xero's rules kept here: Type, BankAccount and LineItems are required; the BankAccount
must be a BANK account; a Contact is required; lines are priced like invoice lines (sales
details for RECEIVE, purchase details for SPEND), and a RECEIVE/SPEND line that carries
an amount needs an account ("Account code must be specified"), and so does a prepayment's
(it is posted to its lines' accounts and tax, `ledger.prepayments`); RECEIVE-TRANSFER/SPEND-TRANSFER come
only from bank transfers (`mirror_transfer`), and cannot be changed. A *-PREPAYMENT or *-OVERPAYMENT transaction also makes the
Prepayment/Overpayment record (`books.prepayments` / `books.overpayments`) whose ID it
carries. Status AUTHORISED; POST Status DELETED deletes (kept, as DELETED); a deleted
transaction cannot be changed.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from xerosync.emulator.books.currencies import apply_currency
from xerosync.emulator.books.dates import date_string
from xerosync.emulator.books.documents import (
    amount_types,
    contact_ref,
    day,
    embedded,
    price,
    resolve_contact,
)
from xerosync.emulator.books.entity import Entity, flag, text
from xerosync.emulator.books.invoice_lines import missing_accounts
from xerosync.emulator.books.store import Collection, Record, index_key
from xerosync.emulator.books.writes import Invalid, WriteContext

if TYPE_CHECKING:
    from xerosync.emulator.books import Books

TYPES = frozenset(
    {
        "RECEIVE",
        "SPEND",
        "RECEIVE-PREPAYMENT",
        "SPEND-PREPAYMENT",
        "RECEIVE-OVERPAYMENT",
        "SPEND-OVERPAYMENT",
        "RECEIVE-TRANSFER",
        "SPEND-TRANSFER",
    }
)
TYPE_REQUIRED = "The Type of a bank transaction must be RECEIVE or SPEND (or a variant)."
TRANSFER_ONLY = "Transfer bank transactions are created by bank transfers."  # emulator's
CONTACT_REQUIRED = "A Contact must be specified for this type of transaction"
BANK_REQUIRED = "A BankAccount must be specified."  # emulator's wording
LINES_REQUIRED = "A bank transaction must have at least one line item."  # emulator's wording
DELETED_FINAL = "This bank transaction has been deleted and cannot be changed."  # emulator's
FIELDS = [
    "Type",
    "Contact",
    "LineItems",
    "BankAccount",
    "IsReconciled",
    "Date",
    "Reference",
    "CurrencyCode",
    "CurrencyRate",
    "Url",
    "Status",
    "LineAmountTypes",
    "SubTotal",
    "TotalTax",
    "Total",
    "BankTransactionID",
    "PrepaymentID",
    "OverpaymentID",
    "UpdatedDateUTC",
    "HasAttachments",
]


def not_bank(account: Record) -> str:
    code = account.get("Code") or account.get("Name")
    return f"Account '{code}' is not a bank account: use a BANK account."  # emulator's wording


def credit_kind(kind: str) -> str | None:
    if kind.endswith("-PREPAYMENT"):
        return "Prepayment"
    if kind.endswith("-OVERPAYMENT"):
        return "Overpayment"
    return None


class BankTransactions(Entity):
    plural = "BankTransactions"
    type_name = "BankTransaction"
    id_field = "BankTransactionID"
    error_flag = ""

    def __init__(self, books: Books) -> None:
        super().__init__(books)
        self.collection = Collection(
            "BankTransactions",
            "BankTransactionID",
            indexes={
                "Status": lambda r: index_key(r.get("Status")),
                "Type": lambda r: index_key(r.get("Type")),
                "Contact.ContactID": lambda r: index_key((r.get("Contact") or {}).get("ContactID")),
                "BankAccount.AccountID": lambda r: index_key(r["BankAccount"].get("AccountID")),
            },
            fields=FIELDS,
        )

    def create(self, data: Record, ctx: WriteContext) -> Record:
        if data.get("BankTransactionID") and self.get(data["BankTransactionID"]) is not None:
            raise Invalid("A bank transaction with this BankTransactionID already exists.")
        kind = str(data.get("Type") or "").upper()
        if kind not in TYPES:
            raise Invalid(TYPE_REQUIRED)
        if kind.endswith("-TRANSFER"):
            raise Invalid(TRANSFER_ONLY)
        status = str(data.get("Status") or "AUTHORISED").upper()
        if status != "AUTHORISED":
            raise Invalid("A new bank transaction must have Status AUTHORISED.")  # emulator's
        record: Record = {
            "Type": kind,
            "BankTransactionID": self.books.new_id(),
            "Status": "AUTHORISED",
            "LineAmountTypes": "Exclusive",
            "CurrencyCode": self.books.base_currency,
            "CurrencyRate": Decimal("1"),
            "Date": ctx.now.date(),
            "Reference": "",
            "IsReconciled": False,
            "LineItems": [],
            "HasAttachments": False,
        }
        contact = self._apply(record, data, ctx, existing=None)
        record["Contact"] = contact_ref(contact())
        self._link_credit(record)
        return self.store(record)

    def update(self, record: Record, data: Record, ctx: WriteContext) -> Record:
        if record["Status"] == "DELETED":
            raise Invalid(DELETED_FINAL)
        if record["Type"].endswith("-TRANSFER"):
            raise Invalid(TRANSFER_ONLY)
        if self._allocated(record):
            raise Invalid(
                "This document cannot be edited as it has a payment or credit note allocated to it."
            )
        if data.get("Type") and str(data["Type"]).upper() != record["Type"]:
            raise Invalid("The Type of an existing bank transaction cannot be changed.")
        updated = dict(record)
        status = str(data.get("Status") or "").upper()
        if status and status not in ("AUTHORISED", "DELETED"):
            raise Invalid(f"'{data['Status']}' is not a valid Status.")
        if status == "DELETED":
            updated["Status"] = "DELETED"
        else:
            contact = self._apply(updated, data, ctx, existing=record)
            updated["Contact"] = contact_ref(contact())
        self._link_credit(updated)
        return self.store(updated)

    def _apply(
        self, record: Record, data: Record, ctx: WriteContext, existing: Record | None
    ) -> Callable[[], Record]:
        errors: list[str] = []
        if data.get("Contact") is None and existing is None:
            raise Invalid(CONTACT_REQUIRED)
        contact = resolve_contact(self.books, data, ctx, existing)
        ref = data.get("BankAccount")
        if ref is None and existing is None:
            errors.append(BANK_REQUIRED)
        elif ref is not None:
            try:
                account = self.books.accounts.require_ref(ref)
            except Invalid as exc:
                errors.extend(exc.messages)
            else:
                if account["Type"] != "BANK":
                    errors.append(not_bank(account))
                else:
                    record["BankAccount"] = {
                        "AccountID": account["AccountID"],
                        "Code": account.get("Code", ""),
                        "Name": account.get("Name", ""),
                    }
                    if not data.get("CurrencyCode") and account.get("CurrencyCode"):
                        record["CurrencyCode"] = account["CurrencyCode"]
        record["LineAmountTypes"] = amount_types(data, record["LineAmountTypes"])
        if data.get("Date"):
            record["Date"] = day(data, "Date")
        for key, limit in (("Reference", 255), ("Url", 2000)):
            value = text(data, key, max_length=limit)
            if value is not None:
                record[key] = value
        reconciled = flag(data, "IsReconciled")
        if reconciled is not None:
            record["IsReconciled"] = reconciled
        apply_currency(self.books, record, data)
        if existing is None and not data.get("LineItems"):
            errors.append(LINES_REQUIRED)
        else:
            line_type = "ACCREC" if record["Type"].startswith("RECEIVE") else "ACCPAY"
            errors.extend(
                price(self.books, record, data, ctx, line_type=line_type, existing=existing)
            )
            if not errors and not record["Type"].endswith("-OVERPAYMENT"):
                # posted line by line, like an approved invoice, prepayments too (an
                # overpayment sits whole on receivables/payables: no accounts needed)
                errors.extend(missing_accounts(record["LineItems"]))
        if errors:
            raise Invalid(*errors)
        record["DateString"] = date_string(record["Date"])
        return contact

    def _link_credit(self, record: Record) -> None:
        """Make or refresh the Prepayment/Overpayment this transaction stands for."""
        kind = credit_kind(record["Type"])
        if kind is None:
            return
        credits = self.books.prepayments if kind == "Prepayment" else self.books.overpayments
        made = credits.from_bank_transaction(record)
        record[kind + "ID"] = made[kind + "ID"]

    def mirror_transfer(self, transfer: Record) -> None:
        """The SPEND-TRANSFER and RECEIVE-TRANSFER a bank transfer shows as (the ledger posts
        the transfer itself and skips these)."""
        for side, kind in (("From", "SPEND-TRANSFER"), ("To", "RECEIVE-TRANSFER")):
            amount = transfer["Amount"]
            self.store(
                {
                    "BankTransactionID": transfer[f"{side}BankTransactionID"],
                    "Type": kind,
                    "Status": transfer["Status"],
                    "BankAccount": transfer[f"{side}BankAccount"],
                    "Date": transfer["Date"],
                    "DateString": date_string(transfer["Date"]),
                    "Reference": transfer.get("Reference", ""),
                    "IsReconciled": transfer[f"{side}IsReconciled"],
                    "LineAmountTypes": "NoTax",
                    "LineItems": [
                        {
                            "Description": transfer.get("Reference") or "Bank transfer",
                            "Quantity": Decimal(1),
                            "UnitAmount": amount,
                            "LineAmount": amount,
                            "TaxAmount": Decimal("0.00"),
                            "Tracking": [],
                        }
                    ],
                    "SubTotal": amount,
                    "TotalTax": Decimal("0.00"),
                    "Total": amount,
                    "CurrencyCode": self.books.base_currency,
                    "CurrencyRate": Decimal(1),
                    "HasAttachments": False,
                }
            )

    def _allocated(self, record: Record) -> bool:
        """Has the Prepayment/Overpayment this transaction made been allocated?"""
        kind = credit_kind(record["Type"])
        if kind is None or not record.get(kind + "ID"):
            return False
        credits = self.books.prepayments if kind == "Prepayment" else self.books.overpayments
        made = credits.get(record[kind + "ID"])
        return bool(made and made["Allocations"])

    def view(self, record: Record) -> Record:
        shown = dict(record)
        if not record.get("Contact"):
            return shown  # a transfer's side has no contact
        contact = self.books.contacts.get(record["Contact"]["ContactID"])
        shown["Contact"] = embedded(
            contact_ref(contact) if contact is not None else record["Contact"]
        )
        return shown
