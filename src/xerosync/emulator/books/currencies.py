"""The organisation's currencies: the base currency always, others once added (PUT).

Adding a currency is what lets documents carry it (`Books.require_currency` reads
`books.currencies`, kept in step here). Adding one already there changes nothing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from xerosync.emulator.books.entity import Entity
from xerosync.emulator.books.money import parse_decimal
from xerosync.emulator.books.store import Collection, Record, index_key
from xerosync.emulator.books.writes import Invalid, WriteContext

if TYPE_CHECKING:
    from xerosync.emulator.books import Books

RATE_NOT_POSITIVE = "A CurrencyRate must be greater than zero."  # emulator's wording
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


def apply_currency(books: Books, record: Record, data: Record) -> None:
    """A document's CurrencyCode (the organisation must be subscribed to it: "Organisation
    is not subscribed to currency EUR") and CurrencyRate (always 1 in the base currency)."""
    if data.get("CurrencyCode"):
        record["CurrencyCode"] = books.require_currency(str(data["CurrencyCode"]))
    if record["CurrencyCode"] == books.base_currency:
        record["CurrencyRate"] = Decimal("1")
    elif data.get("CurrencyRate") is not None:
        try:
            rate = parse_decimal(data["CurrencyRate"])
        except ValueError as exc:
            raise Invalid(f"The CurrencyRate '{data['CurrencyRate']}' is not valid.") from exc
        if rate <= 0:
            raise Invalid(RATE_NOT_POSITIVE)
        record["CurrencyRate"] = rate
