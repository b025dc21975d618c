"""Is a write body something Xero could even read? Type checks before any rule runs.

Xero deserialises a request into typed objects before it validates anything, so a value
of the wrong type (a Status not in the enum, "two" for a Quantity, a ContactID that is
not a GUID, an unreadable date) refuses the WHOLE request with a 400
`PostDataInvalidException` (ErrorNumber 14) and creates nothing, e.g.

    JSON for post data was invalid,Error converting value "APPROVED" to type
    'InvoiceStatus'. Path 'Invoices[0].Status'.

Only values of the right type reach the per-record rules (which answer with
ValidationErrors). Like Json.NET, numbers accept numeric strings, booleans accept
"true"/"false", strings accept numbers, and unknown properties are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Union

from xerosync.emulator.books.dates import parse_date

_GUID = re.compile(r"^[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}$")


@dataclass(frozen=True)
class Enum:
    type_name: str
    values: frozenset[str]


@dataclass(frozen=True)
class ListOf:
    item: Shape


Shape = Union[str, Enum, ListOf, Mapping[str, "Shape"]]  # noqa: UP007 (recursive alias)
# str shapes: "string", "number", "boolean", "guid", "date"

_TRACKING: Mapping[str, Shape] = {
    "TrackingCategoryID": "guid",
    "TrackingOptionID": "guid",
    "Name": "string",
    "Option": "string",
}
LINE_ITEM: Mapping[str, Shape] = {
    "LineItemID": "guid",
    "Description": "string",
    "Quantity": "number",
    "UnitAmount": "number",
    "LineAmount": "number",
    "TaxAmount": "number",
    "DiscountRate": "number",
    "DiscountAmount": "number",
    "ItemCode": "string",
    "AccountCode": "string",
    "AccountID": "guid",
    "TaxType": "string",
    "Tracking": ListOf(_TRACKING),
}
_CONTACT_REF: Mapping[str, Shape] = {
    "ContactID": "guid",
    "ContactNumber": "string",
    "Name": "string",
}
INVOICE: Mapping[str, Shape] = {
    "Type": Enum(
        "InvoiceType",
        frozenset(
            [
                "ACCPAY",
                "ACCPAYCREDIT",
                "APOVERPAYMENT",
                "APPREPAYMENT",
                "ACCREC",
                "ACCRECCREDIT",
                "AROVERPAYMENT",
                "ARPREPAYMENT",
            ]
        ),
    ),
    "Status": Enum(
        "InvoiceStatus",
        frozenset(["DRAFT", "SUBMITTED", "DELETED", "AUTHORISED", "PAID", "VOIDED"]),
    ),
    "LineAmountTypes": Enum("LineAmountTypes", frozenset({"EXCLUSIVE", "INCLUSIVE", "NOTAX"})),
    "Contact": _CONTACT_REF,
    "LineItems": ListOf(LINE_ITEM),
    "Date": "date",
    "DueDate": "date",
    "ExpectedPaymentDate": "date",
    "PlannedPaymentDate": "date",
    "InvoiceNumber": "string",
    "Reference": "string",
    "Url": "string",
    "CurrencyCode": "string",
    "CurrencyRate": "number",
    "SentToContact": "boolean",
    "InvoiceID": "guid",
    "BrandingThemeID": "guid",
}
PAYMENT: Mapping[str, Shape] = {
    "Invoice": {"InvoiceID": "guid", "InvoiceNumber": "string"},
    "Account": {"AccountID": "guid", "Code": "string"},
    "InvoiceNumber": "string",
    "Code": "string",
    "Date": "date",
    "Amount": "number",
    "CurrencyRate": "number",
    "Reference": "string",
    "IsReconciled": "boolean",
    "Status": Enum("PaymentStatus", frozenset({"AUTHORISED", "DELETED"})),
    "PaymentID": "guid",
}
_NET_TYPES = {
    "string": "System.String",
    "number": "System.Nullable`1[System.Decimal]",
    "boolean": "System.Nullable`1[System.Boolean]",
    "guid": "System.Nullable`1[System.Guid]",
    "date": "System.Nullable`1[System.DateTime]",
}


def problem(body: Any, plural: str, shape: Mapping[str, Shape]) -> str | None:
    """Xero's PostDataInvalidException message for the first unreadable value, or None.

    A body that is not the expected envelope is left to the write pipeline."""
    if not isinstance(body, Mapping):
        return None
    elements = next((v for k, v in body.items() if k.lower() == plural.lower()), None)
    if isinstance(elements, Mapping):
        elements = [elements]
    if not isinstance(elements, list):
        return None
    for index, element in enumerate(elements):
        found = _check(element, shape, f"{plural}[{index}]")
        if found:
            return "JSON for post data was invalid," + found
    return None


def _check(value: Any, shape: Shape, path: str) -> str | None:
    if value is None:
        return None
    if isinstance(shape, ListOf):
        if not isinstance(value, list):
            return _cannot(value, "List`1", path)
        for index, item in enumerate(value):
            found = _check(item, shape.item, f"{path}[{index}]")
            if found:
                return found
        return None
    if isinstance(shape, Mapping):
        if not isinstance(value, Mapping):
            return _cannot(value, "Object", path)
        for key, item in value.items():
            sub = shape.get(key)
            if sub is not None:
                found = _check(item, sub, f"{path}.{key}")
                if found:
                    return found
        return None
    if isinstance(shape, Enum):
        if not isinstance(value, str) or value.upper() not in shape.values:
            return _cannot(value, shape.type_name, path)
        return None
    return None if _readable(value, shape) else _cannot(value, _NET_TYPES[shape], path)


def _readable(value: Any, kind: str) -> bool:
    if isinstance(value, Mapping | list):
        return False
    if kind == "string":
        return not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool) or (
            isinstance(value, str) and value.lower() in ("true", "false")
        )
    if kind == "number":
        if isinstance(value, bool):
            return False
        if isinstance(value, int | float):
            return True
        try:
            return isinstance(value, str) and Decimal(value.strip()).is_finite()
        except InvalidOperation:
            return False
    if kind == "guid":
        return isinstance(value, str) and bool(_GUID.match(value.strip()))
    try:
        parse_date(value)
    except (ValueError, TypeError):
        return False
    return True


def _cannot(value: Any, type_name: str, path: str) -> str:
    shown = f'"{value}"' if isinstance(value, str) else repr(value)
    return f"Error converting value {shown} to type '{type_name}'. Path '{path}'."
