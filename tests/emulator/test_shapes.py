"""Record shapes as Xero's own examples show them: the fields Xero returns for each kind, and
none it does not (the spec check covers types; these cover fields a schema leaves optional)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import RunningEmulator
from tests.support.books_api import api_client


def _first(emulator: RunningEmulator, plural: str) -> dict[str, Any]:
    with api_client(emulator) as (api, _):
        response = api.get(f"/{plural}")
        assert response.status_code == 200
        records: list[dict[str, Any]] = response.json()[plural]
        assert records, f"the demo company has no {plural}"
        one = api.get(f"/{plural}/{records[0][plural[:-1] + 'ID']}")
        assert one.status_code == 200
        # listed without `page`, invoices come without their lines (as in Xero)
        assert one.json()[plural][0].keys() - {"LineItems"} == records[0].keys() - {"LineItems"}
    return records[0]


def test_bank_transfers_carry_date_strings_and_no_updated_date(emulator: RunningEmulator) -> None:
    transfer = _first(emulator, "BankTransfers")
    assert transfer["DateString"].endswith("T00:00:00")
    assert transfer["CreatedDateUTC"].startswith("/Date(")
    assert len(transfer["CreatedDateUTCString"]) == len("2016-10-17T20:46:01")
    assert "UpdatedDateUTC" not in transfer


@pytest.mark.parametrize("plural", ["Prepayments", "Overpayments"])
def test_prepayments_and_overpayments_carry_date_string_and_id(
    emulator: RunningEmulator, plural: str
) -> None:
    credit = _first(emulator, plural)
    assert credit["ID"] == credit[plural[:-1] + "ID"]
    assert credit["DateString"].endswith("T00:00:00")


def test_credit_notes_repeat_their_id(emulator: RunningEmulator) -> None:
    note = _first(emulator, "CreditNotes")
    assert note["ID"] == note["CreditNoteID"]


def test_receipts_repeat_their_id(emulator: RunningEmulator) -> None:
    receipt = _first(emulator, "Receipts")
    assert receipt["ID"] == receipt["ReceiptID"]


def test_purchase_orders_carry_type_and_flags(emulator: RunningEmulator) -> None:
    order = _first(emulator, "PurchaseOrders")
    assert order["Type"] == "PURCHASEORDER"
    assert order["IsDiscounted"] is False
    assert order["HasErrors"] is False


EMBEDDED_CONTACT = {"Addresses", "Phones", "ContactGroups", "ContactPersons", "HasValidationErrors"}


@pytest.mark.parametrize(
    "plural",
    [
        "Invoices",
        "CreditNotes",
        "BankTransactions",
        "Prepayments",
        "Overpayments",
        "PurchaseOrders",
        "Quotes",
        "RepeatingInvoices",
    ],
)
def test_a_documents_contact_carries_xeros_empty_lists(
    emulator: RunningEmulator, plural: str
) -> None:
    contact = _first(emulator, plural)["Contact"]
    assert contact.keys() >= EMBEDDED_CONTACT
    assert contact["Addresses"] == contact["Phones"] == []
    assert contact["HasValidationErrors"] is False


def test_a_payments_invoice_contact_carries_xeros_empty_lists(emulator: RunningEmulator) -> None:
    payment = _first(emulator, "Payments")
    assert payment["Invoice"]["Contact"].keys() >= EMBEDDED_CONTACT
