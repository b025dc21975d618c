"""What invoices, credit notes and bank transactions share: contact, lines, numbers.

- `BooksCatalogue`: lines are checked against the books (accounts, tax rates, items,
  and tracking categories through `books.tracking.line_tracking`).
- `resolve_contact`: a document's Contact (by ContactID, ContactNumber or Name; a new
  name creates the contact, as Xero does), applied only once the rest is valid.
- `price`: `invoice_lines.price_lines` copied onto a record (LineItems and totals).
- `copy_header`: the header fields invoices and credit notes both take (dates, texts,
  Status, SentToContact, currency).
- `document_collection` / `SalesNumbers`: invoices and credit notes indexed alike, and
  their sales numbers (`INV-0001`, `CN-0001`) unique and handed out in turn.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from xerosync.emulator.books import lifecycle as lc
from xerosync.emulator.books.contact_names import ContactNamedCollection
from xerosync.emulator.books.currencies import apply_currency
from xerosync.emulator.books.dates import parse_date
from xerosync.emulator.books.entity import flag, text
from xerosync.emulator.books.invoice_lines import price_lines
from xerosync.emulator.books.store import Collection, Record, index_key
from xerosync.emulator.books.totals import LINE_AMOUNT_TYPES
from xerosync.emulator.books.writes import Invalid, WriteContext

if TYPE_CHECKING:
    from xerosync.emulator.books import Books


class BooksCatalogue:
    """The books as a line-item `Catalogue` (accounts, tax rates, items)."""

    def __init__(self, books: Books) -> None:
        self.books = books

    def account_by_code(self, code: str) -> Mapping[str, Any]:
        return self.books.accounts.require_code(code)

    def account_by_id(self, account_id: str) -> Mapping[str, Any]:
        return self.books.accounts.require_id(account_id)

    def tracking(self, raw: object) -> list[Record]:
        categories = getattr(self.books, "tracking", None)
        if categories is None:  # books without tracking categories keep what was sent
            return list(raw) if isinstance(raw, list) else []
        result: list[Record] = categories.line_tracking(raw)
        return result

    def tax_rate(self, tax_type: str, account: Mapping[str, Any] | None) -> Decimal:
        rate = self.books.tax_rates.require_type(tax_type)
        if account is not None:
            self.books.tax_rates.check_applies(rate, dict(account))
        return Decimal(str(rate["EffectiveRate"]))

    def item_by_code(self, code: str) -> Mapping[str, Any]:
        return self.books.items.require_code(code)


def document_collection(
    books: Books, plural: str, id_field: str, number_field: str, sales_type: str, fields: list[str]
) -> ContactNamedCollection:
    """The store of invoices or credit notes: indexed by Status, Type, contact and number;
    `sales_number` holds only the `sales_type` ones (their numbers are unique)."""

    def sales_number(record: Record) -> Any:
        if record.get("Type") != sales_type or not record.get(number_field):
            return None
        return index_key(str(record[number_field]).strip())

    return ContactNamedCollection(
        plural,
        id_field,
        contacts=books.contacts.collection,
        indexes={
            "Status": lambda r: index_key(r.get("Status")),
            "Type": lambda r: index_key(r.get("Type")),
            "Contact.ContactID": lambda r: index_key(r["Contact"].get("ContactID")),
            number_field: lambda r: index_key(r.get(number_field) or None),
            "sales_number": sales_number,
        },
        fields=fields,
        updated_string=True,
    )


class SalesNumbers:
    """The numbers of a `document_collection`: hands out `PREFIX-0001`, `PREFIX-0002`...
    skipping numbers already taken (again from 1 once the collection is empty), and takes
    a number sent, unique among `sales_type` documents."""

    def __init__(self, prefix: str, field: str, sales_type: str) -> None:
        self.prefix = prefix
        self.field = field
        self.sales_type = sales_type
        self.next = 1

    def take(
        self, collection: Collection, record: Record, data: Record, existing: Record | None
    ) -> bool:
        """Copy the number `data` sends onto `record`; True if another sales document of
        the collection has it already."""
        number = text(data, self.field, max_length=255)
        if number is None or not number.strip():
            return False
        record[self.field] = number.strip()
        if record["Type"] != self.sales_type:
            return False
        other = collection.first("sales_number", index_key(number.strip()))
        return other is not None and (existing is None or other is not existing)

    def allocate(self, collection: Collection) -> str:
        if not collection:
            self.next = 1
        while True:
            number = f"{self.prefix}-{self.next:04d}"
            self.next += 1
            if not collection.find("sales_number", number):
                return number


def resolve_known_contact(
    books: Books, data: Record, ctx: WriteContext, existing: Record | None
) -> tuple[Record | None, Callable[[], Record]]:
    """Check the Contact now; return it (None if it is new) and how to get it once the
    rest is valid too."""
    contacts = books.contacts
    ref = data.get("Contact")
    if ref is None and existing is not None and existing.get("Contact"):
        current = contacts.get(existing["Contact"]["ContactID"]) or existing["Contact"]
        return current, lambda: current
    if isinstance(ref, Mapping) and not ref.get("ContactID") and not ref.get("ContactNumber"):
        name = ref.get("Name")
        if isinstance(name, str) and name.strip() and contacts.by_active_name(name) is None:
            return None, lambda: contacts.create({"Name": name}, ctx)  # Xero creates it
    found = contacts.resolve(ref, ctx, create_missing=False)
    return found, lambda: found


def resolve_contact(
    books: Books, data: Record, ctx: WriteContext, existing: Record | None
) -> Callable[[], Record]:
    """Check the Contact now; return how to get it once the rest is valid too."""
    return resolve_known_contact(books, data, ctx, existing)[1]


def copy_header(
    books: Books,
    record: Record,
    data: Record,
    existing: Record | None,
    *,
    dates: tuple[str, ...],
    texts: dict[str, int],
) -> None:
    """Validate the header fields invoices and credit notes share and copy them onto
    `record`: LineAmountTypes, Status (on update), Date, the optional `dates`, the `texts`
    (with their maximum lengths), SentToContact, currency."""
    record["LineAmountTypes"] = amount_types(data, record["LineAmountTypes"])
    requested = status_of(data)
    if requested and existing is not None:
        record["Status"] = requested
    if data.get("Date"):
        record["Date"] = day(data, "Date")
    for key in dates:
        if key in data:
            record[key] = day(data, key) if data[key] else None
    for key, limit in texts.items():
        value = text(data, key, max_length=limit)
        if value is not None:
            record[key] = value
    sent = flag(data, "SentToContact")
    if sent is not None:
        record["SentToContact"] = sent
    apply_currency(books, record, data)  # CurrencyCode subscribed, CurrencyRate


def status_of(data: Record, statuses: Sequence[str] = lc.STATUSES) -> str | None:
    """The Status `data` asks for (upper case), None if it names none."""
    value = data.get("Status")
    if value is None or value == "":
        return None
    status = str(value).upper()
    if status not in statuses:
        raise Invalid(f"'{value}' is not a valid Status.")
    return status


AMOUNT_TYPES = {name.lower(): name for name in LINE_AMOUNT_TYPES}


def contact_ref(contact: Record) -> Record:
    return {"ContactID": contact["ContactID"], "Name": contact.get("Name", "")}


_CONTACT_LISTS = ("Addresses", "Phones", "ContactGroups", "ContactPersons")


def embedded(contact: Mapping[str, Any]) -> Record:
    """A document's contact as Xero shows it (its examples, every kind): the reference, with
    empty Addresses, Phones, ContactGroups and ContactPersons and HasValidationErrors false."""
    shown = dict(contact)
    for key in _CONTACT_LISTS:
        shown.setdefault(key, [])
    shown.setdefault("HasValidationErrors", False)
    return shown


def amount_types(data: Record, current: str) -> str:
    if "LineAmountTypes" not in data:
        return current
    given = str(data["LineAmountTypes"] or "").lower()
    if given not in AMOUNT_TYPES:
        raise Invalid(f"'{data['LineAmountTypes']}' is not a valid LineAmountTypes.")
    return AMOUNT_TYPES[given]


def price(
    books: Books,
    record: Record,
    data: Record,
    ctx: WriteContext,
    *,
    line_type: str,
    existing: Record | None,
    discounts: bool = False,
) -> list[str]:
    """Price `data`'s LineItems onto `record` (errors returned, record untouched on error).

    `line_type` is the invoice type whose item details apply (ACCREC sales, ACCPAY
    purchases); `discounts` also sets TotalDiscount and IsDiscounted (invoices)."""
    if "LineItems" not in data and existing is not None:
        if record["LineAmountTypes"] != existing["LineAmountTypes"]:
            return ["Send the LineItems again when changing LineAmountTypes."]
        return []
    priced = price_lines(
        data.get("LineItems"),
        invoice_type=line_type,
        amount_types=record["LineAmountTypes"],
        catalogue=BooksCatalogue(books),
        previous=existing["LineItems"] if existing else None,
        unitdp=ctx.unitdp,
    )
    if priced.totals is None:
        return priced.errors
    record["LineItems"] = priced.lines
    record["SubTotal"] = priced.totals.sub_total
    record["TotalTax"] = priced.totals.total_tax
    record["Total"] = priced.totals.total
    if discounts:
        record["TotalDiscount"] = priced.totals.total_discount
        record["IsDiscounted"] = priced.totals.total_discount != 0
    return priced.errors


def day(data: Record, key: str) -> date:
    try:
        return parse_date(data[key])
    except ValueError as exc:
        raise Invalid(f"The {key} '{data[key]}' is not a valid date.") from exc
