"""The organisation's currencies: the base currency always, others once added (PUT).

Adding a currency is what lets documents carry it (`Books.require_currency` reads
`books.currencies`, kept in step here). Adding one already there changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from xerosync.emulator.books.entity import Entity
from xerosync.emulator.books.store import Collection, Record, index_key
from xerosync.emulator.books.writes import Invalid, WriteContext

if TYPE_CHECKING:
    from xerosync.emulator.books import Books

NAMES = {
    "AUD": "Australian Dollar",
    "CAD": "Canadian Dollar",
    "CHF": "Swiss Franc",
    "CNY": "Chinese Yuan",
    "DKK": "Danish Krone",
    "EUR": "Euro",
    "FJD": "Fiji Dollar",
    "GBP": "British Pound",
    "HKD": "Hong Kong Dollar",
    "INR": "Indian Rupee",
    "JPY": "Japanese Yen",
    "KRW": "South Korean Won",
    "MYR": "Malaysian Ringgit",
    "NOK": "Norwegian Krone",
    "NZD": "New Zealand Dollar",
    "PGK": "Papua New Guinean Kina",
    "PHP": "Philippine Peso",
    "SEK": "Swedish Krona",
    "SGD": "Singapore Dollar",
    "THB": "Thai Baht",
    "TOP": "Tongan Pa'anga",
    "USD": "United States Dollar",
    "WST": "Samoan Tala",
    "ZAR": "South African Rand",
}


def _upper(value: object) -> str:
    return str(value).strip().upper()


class Currencies(Entity):
    plural = "Currencies"
    type_name = "Currency"
    id_field = "Code"
    error_flag = ""

    def __init__(self, books: Books) -> None:
        super().__init__(books)
        self.collection = Collection(
            "Currencies",
            "Code",
            indexes={"Description": lambda r: index_key(r.get("Description"))},
            fields=["Code", "Description"],
            show_updated=False,
            norm=_upper,
        )
        self._add(books.base_currency)

    def _add(self, code: str) -> Record:
        record = self.collection.put(
            {"Code": code, "Description": NAMES.get(code, code)}, self.books.clock.now()
        )
        self.books.currencies.add(code)
        return record

    def match(self, data: Record) -> Record | None:
        return self.get(data["Code"]) if data.get("Code") else None

    def create(self, data: Record, ctx: WriteContext) -> Record:
        code = _upper(data.get("Code") or "")
        if not code:
            raise Invalid("Code is a required field.")  # emulator's wording
        if code not in NAMES:
            raise Invalid(f"'{code}' is not a valid currency code.")  # emulator's wording
        existing = self.get(code)
        return existing if existing is not None else self._add(code)

    def update(self, record: Record, data: Record, ctx: WriteContext) -> Record:
        return record

    def reset(self) -> None:
        super().reset()
        self.books.currencies.clear()
        self._add(self.books.base_currency)
