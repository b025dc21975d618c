"""Contacts: customers and suppliers, unique by name across active contacts.

Xero's rules kept here: names unique among ACTIVE contacts (case-insensitive);
ContactNumber unique; PUT refuses an existing name, POST upserts by ContactID, then
ContactNumber, then Name; ARCHIVED hidden from lists unless `includeArchived`;
IsSupplier/IsCustomer read-only (set by invoices via `mark_role`, without touching
UpdatedDateUTC, as in Xero); GET always shows both address types and four phone types.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from xerosync.emulator.books.entity import Entity, choice, text
from xerosync.emulator.books.store import Collection, Record, index_key
from xerosync.emulator.books.writes import Invalid, WriteContext

if TYPE_CHECKING:
    from xerosync.emulator.books import Books

IDENTIFY = (
    "The Contact must contain at least 1 of the following elements to identify the contact: "
    "Name, ContactID, ContactNumber"
)
ADDRESS_TYPES = ("POBOX", "STREET")
PHONE_TYPES = ("DDI", "DEFAULT", "FAX", "MOBILE")
_PHONE_TYPES_ALLOWED = frozenset({"DEFAULT", "DDI", "MOBILE", "FAX", "OFFICE"})
_STATUSES = frozenset({"ACTIVE", "ARCHIVED", "GDPRREQUEST"})
_LINE_TYPES = frozenset({"INCLUSIVE", "EXCLUSIVE", "NONE"})
_TAX_NUMBER_TYPES = frozenset({"SSN", "EIN", "ITIN", "ATIN"})
_TERM_TYPES = frozenset(
    {"DAYSAFTERBILLDATE", "DAYSAFTERBILLMONTH", "OFCURRENTMONTH", "OFFOLLOWINGMONTH"}
)
_ADDRESS_KEYS = [
    "AddressLine1",
    "AddressLine2",
    "AddressLine3",
    "AddressLine4",
    "City",
    "Region",
    "PostalCode",
    "Country",
    "AttentionTo",
]
_PHONE_KEYS = ("PhoneNumber", "PhoneAreaCode", "PhoneCountryCode")
_TEXT_FIELDS = {
    "Name": 255,
    "FirstName": 255,
    "LastName": 255,
    "EmailAddress": 255,
    "ContactNumber": 50,
    "AccountNumber": 50,
    "CompanyNumber": 50,
    "TaxNumber": 50,
    "BankAccountDetails": None,
    "XeroNetworkKey": None,
}
_BLANK_ADDRESSES = [{"AddressType": t, **dict.fromkeys(_ADDRESS_KEYS, "")} for t in ADDRESS_TYPES]
_BLANK_PHONES = [{"PhoneType": t, **dict.fromkeys(_PHONE_KEYS, "")} for t in PHONE_TYPES]
# Shown only when fetched by id, paged or summaryOnly (spec, Contact schema).
_PAGED_ONLY = ("SalesDefaultLineAmountType", "PurchasesDefaultLineAmountType", "MergedToContactID")
_SUMMARY_FIELDS = [
    "ContactID",
    "ContactNumber",
    "AccountNumber",
    "ContactStatus",
    "Name",
    "FirstName",
    "LastName",
    "EmailAddress",
    "CompanyNumber",
    "TaxNumber",
    "IsSupplier",
    "IsCustomer",
    "UpdatedDateUTC",
    "HasAttachments",
    "HasValidationErrors",
    "SalesDefaultLineAmountType",
    "PurchasesDefaultLineAmountType",
]
FIELDS = [
    "ContactID",
    "MergedToContactID",
    "ContactNumber",
    "AccountNumber",
    "ContactStatus",
    "Name",
    "FirstName",
    "LastName",
    "CompanyNumber",
    "EmailAddress",
    "ContactPersons",
    "BankAccountDetails",
    "TaxNumber",
    "TaxNumberType",
    "AccountsReceivableTaxType",
    "AccountsPayableTaxType",
    "Addresses",
    "Phones",
    "IsSupplier",
    "IsCustomer",
    "SalesDefaultLineAmountType",
    "PurchasesDefaultLineAmountType",
    "DefaultCurrency",
    "XeroNetworkKey",
    "SalesDefaultAccountCode",
    "PurchasesDefaultAccountCode",
    "SalesTrackingCategories",
    "PurchasesTrackingCategories",
    "PaymentTerms",
    "UpdatedDateUTC",
    "ContactGroups",
    "Website",
    "BrandingTheme",
    "Discount",
    "Balances",
    "HasAttachments",
    "HasValidationErrors",
]


def _active_name(record: Record) -> Any:
    if record.get("ContactStatus") != "ACTIVE" or not record.get("Name"):
        return None
    return index_key(str(record["Name"]).strip())


class Contacts(Entity):
    plural = "Contacts"
    type_name = "Contact"
    id_field = "ContactID"
    error_flag = "HasValidationErrors"

    def __init__(self, books: Books) -> None:
        super().__init__(books)
        self.collection = Collection(
            "Contacts",
            "ContactID",
            indexes={
                "ContactStatus": lambda r: index_key(r.get("ContactStatus")),
                "Name": lambda r: index_key(r.get("Name")),
                "ContactNumber": lambda r: index_key(r.get("ContactNumber") or None),
                "EmailAddress": lambda r: index_key(r.get("EmailAddress") or None),
                "AccountNumber": lambda r: index_key(r.get("AccountNumber") or None),
                "active_name": _active_name,
            },
            fields=FIELDS,
        )
        # Set by the invoices module to show Balances on GET by id.
        self.balances: Callable[[str], Record] | None = None

    # -- lookups other entities use ------------------------------------------------

    def by_active_name(self, name: str) -> Record | None:
        return self.collection.first("active_name", index_key(name.strip()))

    def by_number(self, number: str) -> Record | None:
        return self.collection.first("ContactNumber", index_key(number))

    def resolve(self, ref: object, ctx: WriteContext, *, create_missing: bool = True) -> Record:
        """The contact a document refers to: by ContactID, ContactNumber or Name.

        As in Xero, a Name that matches no active contact creates one. Raises Invalid."""
        if not isinstance(ref, dict):
            raise Invalid(IDENTIFY)
        if ref.get("ContactID"):
            found = self.get(ref["ContactID"])
            if found is None:
                raise Invalid(
                    f"The contact with ContactID '{ref['ContactID']}' could not be found."
                )
        elif ref.get("ContactNumber"):
            found = self.by_number(str(ref["ContactNumber"]))
            if found is None:
                raise Invalid(
                    f"The contact with ContactNumber '{ref['ContactNumber']}' could not be found."
                )
        elif isinstance(ref.get("Name"), str) and ref["Name"].strip():
            found = self.by_active_name(ref["Name"])
            if found is None:
                if not create_missing:
                    raise Invalid(f"The contact '{ref['Name']}' could not be found.")
                found = self.create({"Name": ref["Name"]}, ctx)
        else:
            raise Invalid(IDENTIFY)
        if found.get("ContactStatus") == "ARCHIVED":
            raise Invalid(f"The contact '{found.get('Name')}' is archived and cannot be used.")
        return found

    def mark_role(self, contact_id: str, *, customer: bool = False, supplier: bool = False) -> None:
        """Set IsCustomer/IsSupplier; like Xero, this does not bump UpdatedDateUTC."""
        record = self.get(contact_id)
        if record is None:
            return
        if customer:
            record["IsCustomer"] = True
        if supplier:
            record["IsSupplier"] = True

    def set_groups(self, contact_id: str, groups: list[Record]) -> None:
        record = self.get(contact_id)
        if record is not None:
            record["ContactGroups"] = groups
            self.store(record)

    # -- writes --------------------------------------------------------------------

    def match(self, data: Record) -> Record | None:
        found = super().match(data)
        if found is not None:
            return found
        number = data.get("ContactNumber")
        if isinstance(number, str) and number:
            found = self.by_number(number)
            if found is not None:
                return found
        name = data.get("Name")
        if isinstance(name, str) and name.strip():
            return self.by_active_name(name)
        return None

    def blank(self, name: str = "") -> Record:
        """A new contact record with Xero's defaults (not stored): for create and bulk loads."""
        return {
            "ContactID": self.books.new_id(),
            "ContactStatus": "ACTIVE",
            "Name": name,
            "EmailAddress": "",
            "BankAccountDetails": "",
            "Addresses": [dict(a) for a in _BLANK_ADDRESSES],
            "Phones": [dict(p) for p in _BLANK_PHONES],
            "IsSupplier": False,
            "IsCustomer": False,
            "ContactGroups": [],
            "ContactPersons": [],
            "HasAttachments": False,
            "HasValidationErrors": False,
        }

    def create(self, data: Record, ctx: WriteContext) -> Record:
        if data.get("ContactID") and self.get(data["ContactID"]) is not None:
            raise Invalid("A contact with this ContactID already exists.")
        record = self.blank()
        if not isinstance(data.get("Name"), str) or not data["Name"].strip():
            raise Invalid(IDENTIFY)
        self._apply(record, data, existing=None)
        return self.store(record)

    def update(self, record: Record, data: Record, ctx: WriteContext) -> Record:
        if "Name" in data and (not isinstance(data["Name"], str) or not data["Name"].strip()):
            raise Invalid("The contact name cannot be empty.")
        updated = dict(record)
        self._apply(updated, data, existing=record)
        return self.store(updated)

    def _apply(self, record: Record, data: Record, existing: Record | None) -> None:
        """Validate everything first, then copy onto `record` (a fresh dict)."""
        changes: Record = {}
        for key, limit in _TEXT_FIELDS.items():
            value = text(data, key, max_length=limit)
            if value is not None:
                changes[key] = value.strip() if key == "Name" else value
        for key, allowed in (
            ("SalesDefaultLineAmountType", _LINE_TYPES),
            ("PurchasesDefaultLineAmountType", _LINE_TYPES),
            ("TaxNumberType", _TAX_NUMBER_TYPES),
        ):
            value = choice(data, key, allowed)
            if value is not None:
                changes[key] = value
        status = choice(data, "ContactStatus", _STATUSES)
        if status is not None:
            changes["ContactStatus"] = status
        for key in ("AccountsReceivableTaxType", "AccountsPayableTaxType"):
            if data.get(key):
                changes[key] = self.books.tax_rates.require_type(str(data[key]))["TaxType"]
        for key in ("SalesDefaultAccountCode", "PurchasesDefaultAccountCode"):
            if data.get(key):
                changes[key] = self.books.accounts.require_code(str(data[key]))["Code"]
        if data.get("DefaultCurrency"):
            changes["DefaultCurrency"] = self.books.require_currency(str(data["DefaultCurrency"]))
        if "Addresses" in data:
            changes["Addresses"] = _merge_typed(
                record.get("Addresses", []),
                data["Addresses"],
                "AddressType",
                frozenset(ADDRESS_TYPES),
                _ADDRESS_KEYS,
            )
        if "Phones" in data:
            changes["Phones"] = _merge_typed(
                record.get("Phones", []),
                data["Phones"],
                "PhoneType",
                _PHONE_TYPES_ALLOWED,
                _PHONE_KEYS,
            )
        if "ContactPersons" in data:
            changes["ContactPersons"] = _persons(data["ContactPersons"])
        if "PaymentTerms" in data:
            changes["PaymentTerms"] = _terms(data["PaymentTerms"])

        merged = {**record, **changes}
        self._check_unique(merged, existing)
        record.update(changes)

    def _check_unique(self, merged: Record, existing: Record | None) -> None:
        own_id = existing["ContactID"] if existing else None
        if merged.get("ContactStatus") == "ACTIVE":
            other = self.by_active_name(merged["Name"])
            if other is not None and other["ContactID"] != own_id:
                raise Invalid(
                    f"The contact name {merged['Name']} is already assigned to another contact. "
                    "The contact name must be unique across all active contacts."
                )
        number = merged.get("ContactNumber")
        if number:
            other = self.by_number(number)
            if other is not None and other["ContactID"] != own_id:
                raise Invalid(
                    f"The contact number {number} is already assigned to another contact. "
                    "The contact number must be unique."
                )

    # -- reads ---------------------------------------------------------------------

    def view(self, record: Record) -> Record:
        """Full view (GET by id, write responses)."""
        shown = dict(record)
        if self.balances is not None:
            shown["Balances"] = self.balances(record["ContactID"])
        return shown

    def list_view(self, record: Record, *, paged: bool, summary: bool) -> Record:
        if summary:
            return {k: record[k] for k in _SUMMARY_FIELDS if k in record}
        if paged:
            return record
        return {k: v for k, v in record.items() if k not in _PAGED_ONLY}

    def search_filter(self, term: str) -> Callable[[Record], bool]:
        needle = term.lower()
        keys = ("Name", "FirstName", "LastName", "ContactNumber", "EmailAddress")

        def matches(record: Record) -> bool:
            return any(needle in str(record.get(k) or "").lower() for k in keys)

        return matches


def _merge_typed(
    current: list[Record],
    given: object,
    type_key: str,
    allowed: frozenset[str],
    keys: list[str] | tuple[str, ...],
) -> list[Record]:
    if not isinstance(given, list) or not all(isinstance(g, dict) for g in given):
        raise Invalid(f"{type_key[:-4]}es must be a list.")
    merged = {str(item.get(type_key)): dict(item) for item in current}
    for item in given:
        kind = str(item.get(type_key) or "").upper()
        if kind not in allowed:
            raise Invalid(f"'{item.get(type_key)}' is not a valid {type_key}.")
        entry = merged.setdefault(kind, {type_key: kind, **dict.fromkeys(keys, "")})
        for key in keys:
            if key in item and item[key] is not None:
                entry[key] = str(item[key])
    return list(merged.values())


def _persons(given: object) -> list[Record]:
    if not isinstance(given, list) or not all(isinstance(g, dict) for g in given):
        raise Invalid("ContactPersons must be a list.")
    if len(given) > 5:
        raise Invalid("A contact can have at most 5 contact persons.")
    people = []
    for item in given:
        person: Record = {}
        for key in ("FirstName", "LastName", "EmailAddress"):
            value = text(item, key, max_length=255)
            if value is not None:
                person[key] = value
        person["IncludeInEmails"] = bool(item.get("IncludeInEmails", False))
        people.append(person)
    return people


def _terms(given: object) -> Record:
    if not isinstance(given, dict):
        raise Invalid("PaymentTerms must be an object.")
    terms: Record = {}
    for side in ("Bills", "Sales"):
        part = given.get(side)
        if part is None:
            continue
        if not isinstance(part, dict):
            raise Invalid(f"PaymentTerms.{side} must be an object.")
        day = part.get("Day")
        kind = str(part.get("Type") or "").upper()
        if not isinstance(day, int) or isinstance(day, bool) or kind not in _TERM_TYPES:
            raise Invalid(f"PaymentTerms.{side} needs a Day and a valid Type.")
        terms[side] = {"Day": day, "Type": kind}
    return terms
