"""Bank transfers: money moved between two of the organisation's bank accounts.

Xero's rules kept here: FromBankAccount and ToBankAccount are BANK accounts and differ;
Amount is more than zero; Date defaults to today. A transfer is AUTHORISED when made and
can only be deleted afterwards (POST with Status DELETED), after which it is listed only
with `includeDeleted=true`. Each transfer names the two bank transactions Xero makes for it
(`FromBankTransactionID`, `ToBankTransactionID`), listed as SPEND-TRANSFER and
RECEIVE-TRANSFER BankTransactions (which the ledger skips: it posts the transfer itself).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from xerosync.emulator.books.bank_transactions import not_bank
from xerosync.emulator.books.dates import date_string
from xerosync.emulator.books.documents import day
from xerosync.emulator.books.entity import Entity, flag, text
from xerosync.emulator.books.money import parse_decimal
from xerosync.emulator.books.store import Collection, Record, index_key
from xerosync.emulator.books.totals import money
from xerosync.emulator.books.writes import Invalid, WriteContext

if TYPE_CHECKING:
    from xerosync.emulator.books import Books

SAME_ACCOUNT = "The From and To bank accounts must be different."  # emulator's wording
NOT_POSITIVE = "The Amount must be greater than zero."  # emulator's wording
ONLY_DELETE = "A bank transfer cannot be changed; it can only be deleted (Status DELETED)."
FIELDS = [
    "FromBankAccount",
    "ToBankAccount",
    "Amount",
    "Date",
    "BankTransferID",
    "CurrencyRate",
    "FromBankTransactionID",
    "ToBankTransactionID",
    "FromIsReconciled",
    "ToIsReconciled",
    "Reference",
    "HasAttachments",
    "CreatedDateUTC",
    "Status",
]


class BankTransfers(Entity):
    plural = "BankTransfers"
    type_name = "BankTransfer"
    id_field = "BankTransferID"
    error_flag = ""

    def __init__(self, books: Books) -> None:
        super().__init__(books)
        self.collection = Collection(
            "BankTransfers",
            "BankTransferID",
            indexes={"Status": lambda r: index_key(r.get("Status"))},
            fields=FIELDS,
            show_updated=False,  # Xero's BankTransfers carry CreatedDateUTC, no UpdatedDateUTC
        )

    def create(self, data: Record, ctx: WriteContext) -> Record:
        errors: list[str] = []
        accounts = []
        for key in ("FromBankAccount", "ToBankAccount"):
            ref = data.get(key)
            if not ref:
                errors.append(f"{key} is required.")  # emulator's wording
                continue
            try:
                account = self.books.accounts.require_ref(ref)
            except Invalid as exc:
                errors.extend(exc.messages)
                continue
            if account["Type"] != "BANK":
                errors.append(not_bank(account))
            accounts.append(account)
        if len(accounts) == 2 and accounts[0]["AccountID"] == accounts[1]["AccountID"]:
            errors.append(SAME_ACCOUNT)
        amount = Decimal(0)
        try:
            amount = money(parse_decimal(data.get("Amount")))
        except ValueError:
            errors.append(f"The Amount '{data.get('Amount')}' is not a valid number.")
        else:
            if amount <= 0:
                errors.append(NOT_POSITIVE)
        if errors:
            raise Invalid(*errors)
        source, target = accounts
        record: Record = {
            "BankTransferID": self.books.new_id(),
            "FromBankAccount": _ref(source),
            "ToBankAccount": _ref(target),
            "Amount": amount,
            "Date": day(data, "Date") if data.get("Date") else ctx.now.date(),
            "CurrencyRate": Decimal("1"),
            "FromBankTransactionID": self.books.new_id(),
            "ToBankTransactionID": self.books.new_id(),
            "FromIsReconciled": bool(flag(data, "FromIsReconciled")),
            "ToIsReconciled": bool(flag(data, "ToIsReconciled")),
            "Reference": text(data, "Reference", max_length=255) or "",
            "HasAttachments": False,
            "CreatedDateUTC": ctx.now,
            "CreatedDateUTCString": date_string(ctx.now),
            "Status": "AUTHORISED",
        }
        record["DateString"] = date_string(record["Date"])
        stored = self.store(record)
        self.books.bank_transactions.mirror_transfer(stored)
        return stored

    def match(self, data: Record) -> Record | None:
        """POST /BankTransfers only deletes: each element names its BankTransferID."""
        if not data.get("BankTransferID"):
            raise Invalid("A BankTransferID is required to delete a bank transfer.")  # emulator's
        return super().match(data)

    def update(self, record: Record, data: Record, ctx: WriteContext) -> Record:
        if str(data.get("Status") or "").upper() != "DELETED":
            raise Invalid(ONLY_DELETE)
        if record["Status"] == "DELETED":
            raise Invalid("This bank transfer has already been deleted.")  # emulator's wording
        stored = self.store({**record, "Status": "DELETED"})
        self.books.bank_transactions.mirror_transfer(stored)
        return stored


def _ref(account: Record) -> Record:
    return {
        "AccountID": account["AccountID"],
        "Code": account.get("Code", ""),
        "Name": account.get("Name", ""),
    }
