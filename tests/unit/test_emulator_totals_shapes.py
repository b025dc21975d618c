"""Which write bodies Xero could not even read (PostDataInvalidException), as a table."""

from __future__ import annotations

from typing import Any

import pytest

from xerosync.emulator.books.post_shapes import INVOICE, PAYMENT, problem

GOOD_INVOICE = {
    "Type": "ACCREC",
    "Status": "authorised",
    "LineAmountTypes": "NoTax",
    "Contact": {"ContactID": "0C0B6A5E-1D7C-4E8E-9A3F-0123456789AB", "Extra": [1, 2]},
    "Date": "/Date(1767225600000+0000)/",
    "DueDate": "2026-02-01T00:00:00",
    "SentToContact": "true",
    "CurrencyRate": "1.5",
    "Reference": 1234,
    "LineItems": [{"Quantity": "2", "UnitAmount": 3, "Tracking": [{"Name": "Region"}]}],
    "SomethingXeroIgnores": {"any": "thing"},
    "InvoiceNumber": None,
}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({}, None),
        (
            {"Status": "APPROVED"},
            "Error converting value \"APPROVED\" to type 'InvoiceStatus'. "
            "Path 'Invoices[0].Status'.",
        ),
        ({"Date": "tomorrow"}, "Path 'Invoices[0].Date'."),
        ({"Contact": {"ContactID": "abc"}}, "Path 'Invoices[0].Contact.ContactID'."),
        ({"LineItems": [{}, {"UnitAmount": "1,5"}]}, "Path 'Invoices[0].LineItems[1].UnitAmount'."),
        (
            {"LineItems": [{"Tracking": [{"TrackingOptionID": 7}]}]},
            "Path 'Invoices[0].LineItems[0].Tracking[0].TrackingOptionID'.",
        ),
        ({"SentToContact": 1}, "Path 'Invoices[0].SentToContact'."),
        ({"Reference": True}, "Path 'Invoices[0].Reference'."),
        ({"CurrencyRate": "NaN"}, "Path 'Invoices[0].CurrencyRate'."),
    ],
)
def test_invoice_values(change: dict[str, Any], expected: str | None) -> None:
    found = problem({"Invoices": [{**GOOD_INVOICE, **change}]}, "Invoices", INVOICE)
    if expected is None:
        assert found is None
    else:
        assert found is not None
        assert found.startswith("JSON for post data was invalid,Error converting value ")
        assert found.endswith(expected)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"Payments": [{"Amount": 10, "Invoice": {"InvoiceNumber": "INV-1"}}]}, None),
        ({"Payments": {"Amount": "ten"}}, "Path 'Payments[0].Amount'."),
        (
            {"payments": [{"Status": "VOIDED"}]},
            "to type 'PaymentStatus'. Path 'Payments[0].Status'.",
        ),
        ({"Payments": [{"Account": "090"}]}, "Path 'Payments[0].Account'."),
        ({"Payments": "not a list"}, None),  # the write pipeline refuses the envelope
        (["not", "an", "envelope"], None),
    ],
)
def test_payment_values(body: Any, expected: str | None) -> None:
    found = problem(body, "Payments", PAYMENT)
    if expected is None:
        assert found is None
    else:
        assert found is not None
        assert found.endswith(expected)
