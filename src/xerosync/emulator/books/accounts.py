"""The chart of accounts: unique Code and Name, Class from Type, system accounts protected.

Other entities validate through `require_code` / `require_id`, which raise Xero's
messages as `Invalid`. Accounts and TaxRates take one record per request (Xero
processes only the first element of a list).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from xerosync.emulator.books.entity import Entity, choice, flag, text
from xerosync.emulator.books.store import Collection, Record, index_key
from xerosync.emulator.books.writes import Invalid, WriteContext

if TYPE_CHECKING:
    from xerosync.emulator.books import Books

CLASS_OF_TYPE = {
    "BANK": "ASSET",
    "CURRENT": "ASSET",
    "FIXED": "ASSET",
    "INVENTORY": "ASSET",
    "NONCURRENT": "ASSET",
    "PREPAYMENT": "ASSET",
    "CURRLIAB": "LIABILITY",
    "LIABILITY": "LIABILITY",
    "TERMLIAB": "LIABILITY",
    "PAYG": "LIABILITY",
    "EQUITY": "EQUITY",
    "DEPRECIATN": "EXPENSE",
    "DIRECTCOSTS": "EXPENSE",
    "EXPENSE": "EXPENSE",
    "OVERHEADS": "EXPENSE",
    "OTHERINCOME": "REVENUE",
    "REVENUE": "REVENUE",
    "SALES": "REVENUE",
}
_BANK_TYPES = frozenset({"BANK", "CREDITCARD", "PAYPAL"})
_STATUSES = frozenset({"ACTIVE", "ARCHIVED"})
FIELDS = [
    "Code",
    "Name",
    "AccountID",
    "Type",
    "BankAccountNumber",
    "Status",
    "Description",
    "BankAccountType",
    "CurrencyCode",
    "TaxType",
    "EnablePaymentsToAccount",
    "ShowInExpenseClaims",
    "Class",
    "SystemAccount",
    "ReportingCode",
    "ReportingCodeName",
    "HasAttachments",
    "UpdatedDateUTC",
    "AddToWatchlist",
]


def removed(code: str) -> Invalid:
    return Invalid(
        f"Account code '{code}' has been removed as it does not match a recognised account."
    )


class Accounts(Entity):
    plural = "Accounts"
    type_name = "Account"
    id_field = "AccountID"
    error_flag = ""

    def __init__(self, books: Books) -> None:
        super().__init__(books)
        self.collection = Collection(
            "Accounts",
            "AccountID",
            indexes={
                "Code": lambda r: index_key(r.get("Code") or None),
                "Name": lambda r: index_key(r.get("Name")),
                "Type": lambda r: index_key(r.get("Type")),
                "Class": lambda r: index_key(r.get("Class")),
                "Status": lambda r: index_key(r.get("Status")),
                "SystemAccount": lambda r: index_key(r.get("SystemAccount") or None),
            },
            fields=FIELDS,
        )
        # Set by the ledger: is the account used by any document or journal?
        self.in_use: Callable[[str], bool] = lambda account_id: False

    # -- validators other entities call --------------------------------------------

    def by_code(self, code: str) -> Record | None:
        return self.collection.first("Code", index_key(code.strip()))

    def require_code(self, code: str) -> Record:
        """The ACTIVE account with this code, else Invalid with Xero's message."""
        found = self.by_code(str(code))
        if found is None:
            raise removed(str(code))
        if found.get("Status") != "ACTIVE":
            raise Invalid(f"Account code '{code}' is archived and cannot be used.")
        return found

    def require_id(self, account_id: str) -> Record:
        found = self.get(account_id)
        if found is None:
            raise Invalid(f"Account with AccountID '{account_id}' could not be found.")
        if found.get("Status") != "ACTIVE":
            raise Invalid(f"Account code '{found.get('Code')}' is archived and cannot be used.")
        return found

    def require_ref(self, ref: object) -> Record:
        """An `{"Code": ..}` or `{"AccountID": ..}` reference (payments, bank transactions)."""
        if isinstance(ref, dict):
            if ref.get("AccountID"):
                return self.require_id(str(ref["AccountID"]))
            if ref.get("Code"):
                return self.require_code(str(ref["Code"]))
        raise Invalid("An Account must be identified by Code or AccountID.")

    def by_system(self, system: str) -> Record | None:
        """The system account of a kind: DEBTORS, CREDITORS, GST, RETAINEDEARNINGS..."""
        return self.collection.first("SystemAccount", index_key(system))

    # -- writes --------------------------------------------------------------------

    def create(self, data: Record, ctx: WriteContext) -> Record:
        kind = choice(data, "Type", frozenset(CLASS_OF_TYPE))
        if kind is None:
            raise Invalid("Please select an account type.")
        record: Record = {
            "AccountID": self.books.new_id(),
            "Type": kind,
            "Status": "ACTIVE",
            "Class": CLASS_OF_TYPE[kind],
            "EnablePaymentsToAccount": False,
            "ShowInExpenseClaims": False,
            "HasAttachments": False,
            "AddToWatchlist": False,
            "SystemAccount": "",
        }
        if kind == "BANK":
            record["BankAccountType"] = "BANK"
            record["CurrencyCode"] = self.books.base_currency
        else:
            record["BankAccountType"] = ""
        self._apply(record, data, existing=None)
        if kind == "BANK" and not record.get("BankAccountNumber"):
            raise Invalid("Please enter a bank account number.")
        if kind != "BANK" and not record.get("Code"):
            raise Invalid("Please enter a Code.")
        return self.store(record)

    def update(self, record: Record, data: Record, ctx: WriteContext) -> Record:
        updated = dict(record)
        if data.get("Type") and str(data["Type"]).upper() != record["Type"]:
            if record.get("SystemAccount"):
                raise Invalid("The type of a system account cannot be changed.")
            kind = choice(data, "Type", frozenset(CLASS_OF_TYPE))
            assert kind is not None
            if (kind == "BANK") != (record["Type"] == "BANK"):
                raise Invalid("An account cannot be changed to or from a bank account.")
            updated["Type"] = kind
            updated["Class"] = CLASS_OF_TYPE[kind]
        status = choice(data, "Status", _STATUSES)
        if status is not None and status != record["Status"]:
            if record.get("SystemAccount") and status == "ARCHIVED":
                raise Invalid("System accounts cannot be archived.")
            updated["Status"] = status
        self._apply(updated, data, existing=record)
        return self.store(updated)

    def delete(self, record: Record) -> Record:
        """Xero's DELETE: system or used accounts are refused; the echo says DELETED."""
        if record.get("SystemAccount"):
            raise Invalid("System accounts cannot be deleted.")
        if self.in_use(record["AccountID"]):
            raise Invalid(
                "This account cannot be deleted as it has transactions against it. "
                "Archive it instead."
            )
        self.collection.remove(record["AccountID"])
        gone = dict(record)
        gone["Status"] = "DELETED"
        return gone

    def _apply(self, record: Record, data: Record, existing: Record | None) -> None:
        changes: Record = {}
        for key, limit in (("Code", 10), ("Name", 150), ("Description", 4000)):
            value = text(data, key, max_length=limit)
            if value is not None:
                changes[key] = value.strip()
        for key in ("BankAccountNumber", "ReportingCode"):
            value = text(data, key)
            if value is not None:
                changes[key] = value
        for key in ("EnablePaymentsToAccount", "ShowInExpenseClaims", "AddToWatchlist"):
            on = flag(data, key)
            if on is not None:
                changes[key] = on
        if record["Type"] == "BANK":
            bank_type = choice(data, "BankAccountType", _BANK_TYPES)
            if bank_type is not None:
                changes["BankAccountType"] = bank_type
            if data.get("CurrencyCode"):
                changes["CurrencyCode"] = self.books.require_currency(str(data["CurrencyCode"]))
        merged = {**record, **changes}
        if not merged.get("Name"):
            raise Invalid("Please enter a Name.")
        if data.get("TaxType"):
            rate = self.books.tax_rates.require_type(str(data["TaxType"]))
            self.books.tax_rates.check_applies(rate, merged)
            changes["TaxType"] = rate["TaxType"]
        own = existing["AccountID"] if existing else None
        code = merged.get("Code")
        if code:
            other = self.by_code(code)
            if other is not None and other["AccountID"] != own:
                raise Invalid("Please enter a unique Code.")
        other = self.collection.first("Name", index_key(merged["Name"]))
        if other is not None and other["AccountID"] != own:
            raise Invalid("Please enter a unique Name.")
        record.update(changes)
