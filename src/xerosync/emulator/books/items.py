"""Items (the price list): unique Code, sales/purchase details checked against the books.

`require_code` is what invoice lines use ("Item code 'X' is not valid"); tracked
(inventory) items need an INVENTORY asset account and a COGS account.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from xerosync.emulator.books.entity import Entity, flag, text
from xerosync.emulator.books.money import parse_decimal, round_to
from xerosync.emulator.books.render import UnitPrice
from xerosync.emulator.books.store import Collection, Record, index_key
from xerosync.emulator.books.writes import Invalid, WriteContext

if TYPE_CHECKING:
    from xerosync.emulator.books import Books

FIELDS = [
    "Code",
    "InventoryAssetAccountCode",
    "Name",
    "IsSold",
    "IsPurchased",
    "Description",
    "PurchaseDescription",
    "PurchaseDetails",
    "SalesDetails",
    "IsTrackedAsInventory",
    "TotalCostPool",
    "QuantityOnHand",
    "UpdatedDateUTC",
    "ItemID",
]


class Items(Entity):
    plural = "Items"
    type_name = "Item"
    id_field = "ItemID"
    error_flag = ""

    def __init__(self, books: Books) -> None:
        super().__init__(books)
        self.collection = Collection(
            "Items",
            "ItemID",
            indexes={
                "Code": lambda r: index_key(r.get("Code")),
                "Name": lambda r: index_key(r.get("Name") or None),
            },
            fields=FIELDS,
        )
        # Set by the invoices module: has a tracked item been used on a document?
        self.in_use: Callable[[str], bool] = lambda item_id: False

    def by_code(self, code: str) -> Record | None:
        return self.collection.first("Code", index_key(code.strip()))

    def require_code(self, code: str) -> Record:
        found = self.by_code(str(code))
        if found is None:
            raise Invalid(f"Item code '{code}' is not valid")
        return found

    def match(self, data: Record) -> Record | None:
        found = super().match(data)
        if found is None and isinstance(data.get("Code"), str):
            found = self.by_code(data["Code"])
        return found

    def create(self, data: Record, ctx: WriteContext) -> Record:
        code = text(data, "Code", max_length=30)
        if not code or not code.strip():
            raise Invalid("Item code is required.")
        if self.by_code(code) is not None:
            raise Invalid(f"Price List Item with Code '{code.strip()}' already exists")
        record: Record = {
            "ItemID": self.books.new_id(),
            "Code": code.strip(),
            "IsSold": True,
            "IsPurchased": True,
            "IsTrackedAsInventory": False,
            "PurchaseDetails": {},
            "SalesDetails": {},
        }
        self._apply(record, data, existing=None)
        return self.store(record)

    def update(self, record: Record, data: Record, ctx: WriteContext) -> Record:
        updated = dict(record)
        self._apply(updated, data, existing=record)
        return self.store(updated)

    def delete(self, record: Record) -> None:
        if record.get("IsTrackedAsInventory") and self.in_use(record["ItemID"]):
            raise Invalid("A tracked item that has been used on transactions cannot be deleted.")
        self.collection.remove(record["ItemID"])

    def _apply(self, record: Record, data: Record, existing: Record | None) -> None:
        changes: Record = {}
        code = text(data, "Code", max_length=30)
        if code is not None and code.strip():
            other = self.by_code(code)
            if other is not None and (existing is None or other["ItemID"] != existing["ItemID"]):
                raise Invalid(f"Price List Item with Code '{code.strip()}' already exists")
            changes["Code"] = code.strip()
        for key, limit in (("Name", 50), ("Description", 4000), ("PurchaseDescription", 4000)):
            value = text(data, key, max_length=limit)
            if value is not None:
                changes[key] = value
        for key in ("IsSold", "IsPurchased"):
            on = flag(data, key)
            if on is not None:
                changes[key] = on
        sales = self._details(data.get("SalesDetails"), "SalesDetails", tracked=False)
        if sales is not None:
            changes["SalesDetails"] = sales
        inventory = data.get("InventoryAssetAccountCode")
        tracked = bool(inventory) or bool(record.get("IsTrackedAsInventory"))
        purchase = self._details(data.get("PurchaseDetails"), "PurchaseDetails", tracked=tracked)
        if purchase is not None:
            changes["PurchaseDetails"] = purchase
        if inventory:
            account = self.books.accounts.require_code(str(inventory))
            if account["Type"] != "INVENTORY":
                raise Invalid("The inventory asset account must be of type INVENTORY.")
            details = changes.get("PurchaseDetails") or record.get("PurchaseDetails") or {}
            if not details.get("COGSAccountCode"):
                raise Invalid("A COGSAccountCode is required to track an item as inventory.")
            changes["InventoryAssetAccountCode"] = account["Code"]
            changes["IsTrackedAsInventory"] = True
            if not record.get("IsTrackedAsInventory"):
                changes["QuantityOnHand"] = round_to(parse_decimal(0), 4)
                changes["TotalCostPool"] = round_to(parse_decimal(0), 2)
        merged = {**record, **changes}
        if merged.get("IsSold") is False:
            merged.pop("Description", None)
            merged["SalesDetails"] = {}
        if merged.get("IsPurchased") is False and not merged.get("IsTrackedAsInventory"):
            merged.pop("PurchaseDescription", None)
            merged["PurchaseDetails"] = {}
        record.clear()
        record.update(merged)

    def _details(self, given: object, label: str, *, tracked: bool) -> Record | None:
        if given is None:
            return None
        if not isinstance(given, dict):
            raise Invalid(f"{label} must be an object.")
        details: Record = {}
        if given.get("UnitPrice") is not None:
            try:
                details["UnitPrice"] = UnitPrice(round_to(parse_decimal(given["UnitPrice"]), 4))
            except ValueError as exc:
                raise Invalid(f"{label}.UnitPrice must be a number.") from exc
        account = None
        if given.get("AccountCode"):
            account = self.books.accounts.require_code(str(given["AccountCode"]))
            details["AccountCode"] = account["Code"]
        if given.get("COGSAccountCode"):
            details["COGSAccountCode"] = self.books.accounts.require_code(
                str(given["COGSAccountCode"])
            )["Code"]
        if given.get("TaxType"):
            rate = self.books.tax_rates.require_type(str(given["TaxType"]))
            if account is not None:
                self.books.tax_rates.check_applies(rate, account)
            details["TaxType"] = rate["TaxType"]
        return details
