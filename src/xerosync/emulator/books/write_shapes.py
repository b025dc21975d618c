"""The typed shape of every entity's write body, for `post_shapes`' readability check.

`post_shapes` holds the check itself (and the Invoice and Payment shapes); this module
declares the other entities' shapes the same way, from Xero's OpenAPI schemas
(`tests/emulator/test_write_shapes.py` checks every field against the spec), and maps
each write kind to its shape. The common write pipeline refuses a body whose values
Xero could not deserialise with a 400 `PostDataInvalidException` before any rule runs,
and `conform` gives an echoed element its spec types (a numeric string read as a
number is echoed as a number, as Xero's deserialised object would be).

Enums whose spec list is open-ended in practice (currency codes, report tax types) are
declared as strings: the entity's rules refuse what they do not know.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from xerosync.emulator.books.post_shapes import (
    INVOICE,
    LINE_ITEM,
    PAYMENT,
    Enum,
    ListOf,
    Shape,
    problem,
)


def _enum(name: str, *values: str) -> Enum:
    return Enum(name, frozenset(v.upper() for v in values))


_LINE_AMOUNT_TYPES = _enum("LineAmountTypes", "Exclusive", "Inclusive", "NoTax")
_LINE_AMOUNT_NAMES = {"EXCLUSIVE": "Exclusive", "INCLUSIVE": "Inclusive", "NOTAX": "NoTax"}
_DEFAULT_LINE_AMOUNT_TYPE = _enum("LineAmountType", "INCLUSIVE", "EXCLUSIVE", "NONE")
_CONTACT_REF: Mapping[str, Shape] = {
    "ContactID": "guid",
    "ContactNumber": "string",
    "Name": "string",
}
_ACCOUNT_REF: Mapping[str, Shape] = {"AccountID": "guid", "Code": "string", "Name": "string"}
_TRACKING: Mapping[str, Shape] = {
    "TrackingCategoryID": "guid",
    "TrackingOptionID": "guid",
    "Name": "string",
    "Option": "string",
}
_TOTALS: Mapping[str, Shape] = {"SubTotal": "number", "TotalTax": "number", "Total": "number"}

_ADDRESS: Mapping[str, Shape] = {
    "AddressType": _enum("AddressType", "POBOX", "STREET"),
    **dict.fromkeys(
        (
            "AddressLine1",
            "AddressLine2",
            "AddressLine3",
            "AddressLine4",
            "City",
            "Region",
            "PostalCode",
            "Country",
            "AttentionTo",
        ),
        "string",
    ),
}
_PHONE: Mapping[str, Shape] = {
    "PhoneType": _enum("PhoneType", "DEFAULT", "DDI", "MOBILE", "FAX", "OFFICE"),
    "PhoneNumber": "string",
    "PhoneAreaCode": "string",
    "PhoneCountryCode": "string",
}
_BILL: Mapping[str, Shape] = {
    "Day": "number",
    "Type": _enum(
        "PaymentTermType",
        "DAYSAFTERBILLDATE",
        "DAYSAFTERBILLMONTH",
        "OFCURRENTMONTH",
        "OFFOLLOWINGMONTH",
    ),
}
_CONTACT_GROUP_REF: Mapping[str, Shape] = {
    "ContactGroupID": "guid",
    "Name": "string",
    "Status": _enum("ContactGroupStatus", "ACTIVE", "DELETED"),
}

CONTACT: Mapping[str, Shape] = {
    "ContactID": "guid",
    "MergedToContactID": "guid",
    "ContactStatus": _enum("ContactStatus", "ACTIVE", "ARCHIVED", "GDPRREQUEST"),
    **dict.fromkeys(
        (
            "ContactNumber",
            "AccountNumber",
            "Name",
            "FirstName",
            "LastName",
            "CompanyNumber",
            "EmailAddress",
            "BankAccountDetails",
            "TaxNumber",
            "AccountsReceivableTaxType",
            "AccountsPayableTaxType",
            "DefaultCurrency",
            "XeroNetworkKey",
            "SalesDefaultAccountCode",
            "PurchasesDefaultAccountCode",
        ),
        "string",
    ),
    "TaxNumberType": _enum("TaxNumberType", "SSN", "EIN", "ITIN", "ATIN"),
    "ContactPersons": ListOf(
        {
            "FirstName": "string",
            "LastName": "string",
            "EmailAddress": "string",
            "IncludeInEmails": "boolean",
        }
    ),
    "Addresses": ListOf(_ADDRESS),
    "Phones": ListOf(_PHONE),
    "IsSupplier": "boolean",
    "IsCustomer": "boolean",
    "SalesDefaultLineAmountType": _DEFAULT_LINE_AMOUNT_TYPE,
    "PurchasesDefaultLineAmountType": _DEFAULT_LINE_AMOUNT_TYPE,
    "PaymentTerms": {"Bills": _BILL, "Sales": _BILL},
    "ContactGroups": ListOf(_CONTACT_GROUP_REF),
    "Discount": "number",
}
CONTACT_GROUP: Mapping[str, Shape] = {
    **_CONTACT_GROUP_REF,
    "Contacts": ListOf(_CONTACT_REF),
}
_ITEM_DETAILS: Mapping[str, Shape] = {
    "UnitPrice": "number",
    "AccountCode": "string",
    "COGSAccountCode": "string",
    "TaxType": "string",
}
ITEM: Mapping[str, Shape] = {
    "ItemID": "guid",
    "Code": "string",
    "InventoryAssetAccountCode": "string",
    "Name": "string",
    "IsSold": "boolean",
    "IsPurchased": "boolean",
    "Description": "string",
    "PurchaseDescription": "string",
    "PurchaseDetails": _ITEM_DETAILS,
    "SalesDetails": _ITEM_DETAILS,
    "IsTrackedAsInventory": "boolean",
    "TotalCostPool": "number",
    "QuantityOnHand": "number",
}
ACCOUNT: Mapping[str, Shape] = {
    "AccountID": "guid",
    "Code": "string",
    "Name": "string",
    "Type": _enum(
        "AccountType",
        *[
            "BANK",
            "CURRENT",
            "CURRLIAB",
            "DEPRECIATN",
            "DIRECTCOSTS",
            "EQUITY",
            "EXPENSE",
            "FIXED",
            "INVENTORY",
        ],
        *[
            "LIABILITY",
            "NONCURRENT",
            "OTHERINCOME",
            "OVERHEADS",
            "PREPAYMENT",
            "REVENUE",
            "SALES",
            "TERMLIAB",
        ],
        "PAYG",
    ),
    "BankAccountNumber": "string",
    "Status": _enum("AccountStatusEnum", "ACTIVE", "ARCHIVED", "DELETED"),
    "Description": "string",
    "BankAccountType": _enum("BankAccountType", "BANK", "CREDITCARD", "PAYPAL", "NONE", ""),
    "CurrencyCode": "string",
    "TaxType": "string",
    "EnablePaymentsToAccount": "boolean",
    "ShowInExpenseClaims": "boolean",
    "Class": _enum("AccountClassType", "ASSET", "EQUITY", "EXPENSE", "LIABILITY", "REVENUE"),
    "ReportingCode": "string",
    "AddToWatchlist": "boolean",
}
TAX_RATE: Mapping[str, Shape] = {
    "Name": "string",
    "TaxType": "string",
    "TaxComponents": ListOf(
        {
            "Name": "string",
            "Rate": "number",
            "IsCompound": "boolean",
            "IsNonRecoverable": "boolean",
        }
    ),
    "Status": _enum("TaxRateStatus", "ACTIVE", "DELETED", "ARCHIVED", "PENDING"),
    "ReportTaxType": "string",
}
CURRENCY: Mapping[str, Shape] = {"Code": "string", "Description": "string"}
_OPTION_STATUS = _enum("TrackingStatus", "ACTIVE", "ARCHIVED", "DELETED")
TRACKING_OPTION: Mapping[str, Shape] = {
    "TrackingOptionID": "guid",
    "Name": "string",
    "Status": _OPTION_STATUS,
    "TrackingCategoryID": "guid",
}
TRACKING_CATEGORY: Mapping[str, Shape] = {
    "TrackingCategoryID": "guid",
    "Name": "string",
    "Status": _OPTION_STATUS,
    "Options": ListOf(TRACKING_OPTION),
}
CREDIT_NOTE: Mapping[str, Shape] = {
    "CreditNoteID": "guid",
    "Type": _enum("CreditNoteType", "ACCPAYCREDIT", "ACCRECCREDIT"),
    "Contact": _CONTACT_REF,
    "Date": "date",
    "DueDate": "date",
    "Status": _enum(
        "CreditNoteStatus", "DRAFT", "SUBMITTED", "DELETED", "AUTHORISED", "PAID", "VOIDED"
    ),
    "LineAmountTypes": _LINE_AMOUNT_TYPES,
    "LineItems": ListOf(LINE_ITEM),
    **_TOTALS,
    "CurrencyCode": "string",
    "CurrencyRate": "number",
    "CreditNoteNumber": "string",
    "Reference": "string",
    "BrandingThemeID": "guid",
}
ALLOCATION: Mapping[str, Shape] = {
    "AllocationID": "guid",
    "Invoice": {"InvoiceID": "guid", "InvoiceNumber": "string"},
    "CreditNote": {"CreditNoteID": "guid", "CreditNoteNumber": "string"},
    "Prepayment": {"PrepaymentID": "guid"},
    "Overpayment": {"OverpaymentID": "guid"},
    "Amount": "number",
    "Date": "date",
}
BANK_TRANSACTION: Mapping[str, Shape] = {
    "BankTransactionID": "guid",
    "Type": _enum(
        "BankTransactionType",
        *["RECEIVE", "RECEIVE-OVERPAYMENT", "RECEIVE-PREPAYMENT", "RECEIVE-TRANSFER"],
        *["SPEND", "SPEND-OVERPAYMENT", "SPEND-PREPAYMENT", "SPEND-TRANSFER"],
    ),
    "Contact": _CONTACT_REF,
    "LineItems": ListOf(LINE_ITEM),
    "BankAccount": _ACCOUNT_REF,
    "IsReconciled": "boolean",
    "Date": "date",
    "Reference": "string",
    "CurrencyCode": "string",
    "CurrencyRate": "number",
    "Url": "string",
    "Status": _enum("BankTransactionStatus", "AUTHORISED", "DELETED", "VOIDED"),
    "LineAmountTypes": _LINE_AMOUNT_TYPES,
    **_TOTALS,
}
BANK_TRANSFER: Mapping[str, Shape] = {
    "BankTransferID": "guid",
    "FromBankAccount": _ACCOUNT_REF,
    "ToBankAccount": _ACCOUNT_REF,
    "Amount": "number",
    "Date": "date",
    "FromIsReconciled": "boolean",
    "ToIsReconciled": "boolean",
    "Reference": "string",
    "Status": _enum("BankTransferStatus", "AUTHORISED", "DELETED"),
}
MANUAL_JOURNAL: Mapping[str, Shape] = {
    "ManualJournalID": "guid",
    "Narration": "string",
    "JournalLines": ListOf(
        {
            "LineAmount": "number",
            "AccountCode": "string",
            "AccountID": "guid",
            "Description": "string",
            "TaxType": "string",
            "Tracking": ListOf(_TRACKING),
            "TaxAmount": "number",
            "IsBlank": "boolean",
        }
    ),
    "Date": "date",
    "LineAmountTypes": _LINE_AMOUNT_TYPES,
    "Status": _enum("ManualJournalStatus", "DRAFT", "POSTED", "DELETED", "VOIDED", "ARCHIVED"),
    "Url": "string",
    "ShowOnCashBasisReports": "boolean",
}

# Write kind (the name `accounting.common.write` is called with) -> element shape.
SHAPES: Mapping[str, Mapping[str, Shape]] = {
    "Accounts": ACCOUNT,
    "Allocations": ALLOCATION,
    "BankTransactions": BANK_TRANSACTION,
    "BankTransfers": BANK_TRANSFER,
    "ContactGroups": CONTACT_GROUP,
    "Contacts": CONTACT,
    "CreditNotes": CREDIT_NOTE,
    "Currencies": CURRENCY,
    "Invoices": INVOICE,
    "Items": ITEM,
    "ManualJournals": MANUAL_JOURNAL,
    "Options": TRACKING_OPTION,
    "Payments": PAYMENT,
    "TaxRates": TAX_RATE,
    "TrackingCategories": TRACKING_CATEGORY,
}


def unreadable(body: Any, kind: str, plural: str) -> str | None:
    """Xero's PostDataInvalidException message for `body` (a `kind` write whose
    envelope key is `plural`), or None when every value is readable or the kind has
    no declared shape."""
    shape = SHAPES.get(kind)
    if shape is None:
        return None
    if isinstance(body, list) or (
        isinstance(body, Mapping) and body and not any(k.lower() == plural.lower() for k in body)
    ):
        body = {plural: body if isinstance(body, list) else [body]}  # as `elements_of` reads it
    return problem(body, plural, shape)


def conform(element: Mapping[str, Any], kind: str) -> dict[str, Any]:
    """A copy of `element` with readable values given their spec types (numbers as
    Decimal, "true"/"false" as booleans, numbers for strings as text); values already
    of the right type, and fields the shape does not declare, are kept as they are."""
    shape = SHAPES.get(kind)
    if shape is None:
        return dict(element)
    result = _conform(element, shape)
    return result if isinstance(result, dict) else dict(element)


def _conform(value: Any, shape: Shape) -> Any:
    if value is None:
        return None
    if isinstance(shape, ListOf):
        return [_conform(item, shape.item) for item in value] if isinstance(value, list) else value
    if isinstance(shape, Mapping):
        if not isinstance(value, Mapping):
            return value
        return {
            key: (_conform(item, shape[key]) if key in shape else item)
            for key, item in value.items()
        }
    if isinstance(shape, Enum):
        if not isinstance(value, str) or value.upper() not in shape.values:
            return value
        if shape.type_name == "LineAmountTypes":
            return _LINE_AMOUNT_NAMES.get(value.upper(), value)
        return value.upper()
    if shape == "number" and isinstance(value, str):
        try:
            return Decimal(value.strip())
        except ArithmeticError:
            return value
    if shape == "boolean" and isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if shape in ("string", "guid") and isinstance(value, int | float | Decimal):
        return str(value)
    return value
