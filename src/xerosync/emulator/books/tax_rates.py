"""Tax rates, keyed by TaxType: system rates of the region plus user rates TAX001...

`require_type` and `check_applies` are the validators documents use; `rate_of` gives
the effective rate (a Decimal percentage) for computing line tax.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from xerosync.emulator.books.entity import Entity, choice, flag, text
from xerosync.emulator.books.money import parse_decimal, round_to
from xerosync.emulator.books.store import Collection, Record, index_key
from xerosync.emulator.books.writes import Invalid, WriteContext

if TYPE_CHECKING:
    from xerosync.emulator.books import Books

_STATUSES = frozenset({"ACTIVE", "DELETED", "ARCHIVED"})
REPORT_TAX_TYPES = frozenset(
    [
        "OUTPUT",
        "INPUT",
        "NONE",
        "EXEMPTOUTPUT",
        "EXEMPTINPUT",
        "EXEMPTEXPENSES",
        "GSTONIMPORTS",
        "ZERORATEDOUTPUT",
        "ZERORATEDINPUT",
        "BASEXCLUDED",
        "CAPITALSALESOUTPUT",
        "CAPITALEXPENSESINPUT",
        "ECOUTPUT",
        "ECINPUT",
        "INPUTTAXED",
        "NONEOUTPUT",
        "PURCHASESINPUT",
        "SALESOUTPUT",
    ]
)
FIELDS = [
    "Name",
    "TaxType",
    "TaxComponents",
    "Status",
    "ReportTaxType",
    "CanApplyToAssets",
    "CanApplyToEquity",
    "CanApplyToExpenses",
    "CanApplyToLiabilities",
    "CanApplyToRevenue",
    "DisplayTaxRate",
    "EffectiveRate",
]
_APPLIES = {
    "ASSET": "CanApplyToAssets",
    "EQUITY": "CanApplyToEquity",
    "EXPENSE": "CanApplyToExpenses",
    "LIABILITY": "CanApplyToLiabilities",
    "REVENUE": "CanApplyToRevenue",
}


def _upper(value: object) -> str:
    return str(value).strip().upper()


def effective_rate(components: list[Record]) -> tuple[Decimal, Decimal]:
    """(DisplayTaxRate, EffectiveRate): compound components apply on top of the others."""
    simple = sum((Decimal(str(c["Rate"])) for c in components if not c["IsCompound"]), Decimal(0))
    display = sum((Decimal(str(c["Rate"])) for c in components), Decimal(0))
    effective = simple
    for comp in components:
        if comp["IsCompound"]:
            rate = Decimal(str(comp["Rate"]))
            effective += rate * (Decimal(100) + simple) / Decimal(100)
    return round_to(display, 4), round_to(effective, 4)


class TaxRates(Entity):
    plural = "TaxRates"
    type_name = "TaxRate"
    id_field = "TaxType"
    error_flag = ""

    def __init__(self, books: Books) -> None:
        super().__init__(books)
        self.collection = Collection(
            "TaxRates",
            "TaxType",
            indexes={
                "Name": lambda r: index_key(r.get("Name")),
                "Status": lambda r: index_key(r.get("Status")),
            },
            fields=FIELDS,
            show_updated=False,
            norm=_upper,
        )

    def require_type(self, tax_type: str) -> Record:
        found = self.get(tax_type)
        if found is None or found.get("Status") != "ACTIVE":
            raise Invalid(f"The TaxType code '{tax_type}' is not a valid tax type.")
        return found

    def check_applies(self, rate: Record, account: Record) -> None:
        """Refuse a tax type the account's class may not use (Xero's CanApplyTo* flags)."""
        key = _APPLIES.get(str(account.get("Class")))
        if key is not None and rate.get(key) is False:
            raise Invalid(
                f"The TaxType code '{rate['TaxType']}' cannot be used with account code "
                f"'{account.get('Code')}'."
            )

    def rate_of(self, tax_type: str) -> Decimal:
        """The effective rate in percent (15.0000 for 15% GST)."""
        return Decimal(str(self.require_type(tax_type)["EffectiveRate"]))

    def match(self, data: Record) -> Record | None:
        if data.get("TaxType"):
            return self.get(data["TaxType"])
        if isinstance(data.get("Name"), str):
            return self.collection.first("Name", index_key(data["Name"]))
        return None

    def create(self, data: Record, ctx: WriteContext) -> Record:
        if data.get("TaxType") and self.get(data["TaxType"]) is not None:
            raise Invalid(f"A tax rate with TaxType '{data['TaxType']}' already exists.")
        record: Record = {
            "TaxType": self._next_user_type(),
            "Status": "ACTIVE",
            "CanApplyToAssets": True,
            "CanApplyToEquity": True,
            "CanApplyToExpenses": True,
            "CanApplyToLiabilities": True,
            "CanApplyToRevenue": True,
        }
        if "TaxComponents" not in data:
            raise Invalid("A tax rate must have at least one tax component.")
        self._apply(record, data, existing=None)
        return self.store(record)

    def update(self, record: Record, data: Record, ctx: WriteContext) -> Record:
        updated = dict(record)
        status = choice(data, "Status", _STATUSES)
        if status is not None:
            updated["Status"] = status
        self._apply(updated, data, existing=record)
        return self.store(updated)

    def _apply(self, record: Record, data: Record, existing: Record | None) -> None:
        changes: Record = {}
        name = text(data, "Name", max_length=50)
        if name is not None:
            changes["Name"] = name.strip()
        report = choice(data, "ReportTaxType", REPORT_TAX_TYPES)
        if report is not None:
            changes["ReportTaxType"] = report
        if "TaxComponents" in data:
            changes["TaxComponents"] = _components(data["TaxComponents"])
            display, effective = effective_rate(changes["TaxComponents"])
            changes["DisplayTaxRate"] = display
            changes["EffectiveRate"] = effective
        merged = {**record, **changes}
        if not merged.get("Name"):
            raise Invalid("Please enter a Name.")
        other = self.collection.first("Name", index_key(merged["Name"]))
        if other is not None and (existing is None or other["TaxType"] != existing["TaxType"]):
            raise Invalid("Please enter a unique Name.")
        record.update(changes)

    def _next_user_type(self) -> str:
        number = 1
        while f"TAX{number:03d}" in self.collection.records:
            number += 1
        return f"TAX{number:03d}"


def _components(given: object) -> list[Record]:
    if not isinstance(given, list) or not given or not all(isinstance(g, dict) for g in given):
        raise Invalid("A tax rate must have at least one tax component.")
    result = []
    for item in given:
        name = text(item, "Name", max_length=50)
        if not name:
            raise Invalid("Each tax component needs a Name.")
        try:
            rate = round_to(parse_decimal(item.get("Rate")), 4)
        except ValueError as exc:
            raise Invalid("Each tax component needs a numeric Rate.") from exc
        if rate < 0 or rate > 100:
            raise Invalid("A tax component Rate must be between 0 and 100.")
        result.append(
            {
                "Name": name,
                "Rate": rate,
                "IsCompound": bool(flag(item, "IsCompound")),
                "IsNonRecoverable": bool(flag(item, "IsNonRecoverable")),
            }
        )
    return result
