"""The read-only kinds answer in Xero's shapes: seeded lists, empty lists, one theme, one user."""

from __future__ import annotations

import httpx

from tests.conftest import RunningEmulator
from tests.support.books_api import api_client


def test_seeded_and_empty_lists(emulator: RunningEmulator) -> None:
    with api_client(emulator) as (api, _):
        orders = api.get("/PurchaseOrders").json()["PurchaseOrders"]
        assert [o["PurchaseOrderNumber"] for o in orders] == ["PO-0001", "PO-0002"]
        assert orders[0]["Total"] == 2990  # 4 x 650 + 15% GST
        assert orders[0]["Contact"]["Name"] == "ABC Furniture"
        one = api.get(f"/PurchaseOrders/{orders[1]['PurchaseOrderID']}").json()["PurchaseOrders"][0]
        assert one["Status"] == "DRAFT"
        quotes = api.get("/Quotes").json()["Quotes"]
        assert [q["Status"] for q in quotes] == ["SENT", "ACCEPTED", "DRAFT"]
        accepted = api.get("/Quotes", params={"Status": "ACCEPTED"}).json()["Quotes"]
        assert [q["QuoteNumber"] for q in accepted] == ["QU-0002"]
        overpayments = api.get("/Overpayments").json()["Overpayments"]
        assert [(o["Contact"]["Name"], o["Total"]) for o in overpayments] == [("Bayside Club", 40)]
        prepayments = api.get("/Prepayments", params={"page": 1}).json()
        assert prepayments["pagination"]["itemCount"] == 1
        assert prepayments["Prepayments"][0]["Contact"]["Name"] == "Young Bros Transport"
        assert prepayments["Prepayments"][0]["RemainingCredit"] == 575
        themes = api.get("/BrandingThemes").json()["BrandingThemes"]
        assert [(t["Name"], t["SortOrder"]) for t in themes] == [("Standard", 0)]
        users = api.get("/Users").json()["Users"]
        assert len(users) == 1
        assert users[0]["IsSubscriber"] is True
        user = api.get(f"/Users/{users[0]['UserID']}")
        assert user.json()["Users"][0]["UserID"] == users[0]["UserID"]
        assert api.get("/Receipts/00000000-0000-0000-0000-000000000001").status_code == 404


EMPTY = [
    "PurchaseOrders",
    "Quotes",
    "RepeatingInvoices",
    "LinkedTransactions",
    "Receipts",
    "ExpenseClaims",
    "Prepayments",
    "Overpayments",
    "CreditNotes",
    "BankTransactions",
    "BankTransfers",
    "ManualJournals",
    "TrackingCategories",
]


def test_unseeded_organisation_has_empty_documents_but_a_theme(emulator: RunningEmulator) -> None:
    with api_client(emulator, seed=False) as (api, _):
        for plural in EMPTY:
            response = api.get(f"/{plural}")
            assert response.status_code == 200, plural
            assert response.json()[plural] == [], plural
        assert len(api.get("/BrandingThemes").json()["BrandingThemes"]) == 1
        assert len(api.get("/Users").json()["Users"]) == 1
        assert api.get("/Currencies").json()["Currencies"] == [
            {"Code": "NZD", "Description": "New Zealand Dollar"}
        ]


def test_purchase_orders_page_and_if_modified_since(emulator: RunningEmulator) -> None:
    with api_client(emulator) as (api, _):
        body = api.get("/PurchaseOrders", params={"page": 1, "pageSize": 1}).json()
        assert body["pagination"] == {"page": 1, "pageSize": 1, "pageCount": 2, "itemCount": 2}
        later = api.get("/PurchaseOrders", headers={"If-Modified-Since": "2100-01-01T00:00:00"})
        assert later.json()["PurchaseOrders"] == []


def test_writes_to_read_only_kinds_are_not_routes(emulator: RunningEmulator) -> None:
    with api_client(emulator) as (api, _):
        response: httpx.Response = api.put("/Quotes", json={"Quotes": [{}]})
        assert response.status_code in (404, 405)


def test_demo_company_has_credit_notes_bank_activity_and_journals(
    emulator: RunningEmulator,
) -> None:
    with api_client(emulator) as (api, _):
        notes = api.get("/CreditNotes").json()["CreditNotes"]
        assert [(n["Type"], n["Status"]) for n in notes] == [
            ("ACCRECCREDIT", "PAID"),
            ("ACCRECCREDIT", "AUTHORISED"),
            ("ACCPAYCREDIT", "AUTHORISED"),
        ]
        credited = notes[0]["Allocations"][0]["Invoice"]["InvoiceID"]
        invoice = api.get(f"/Invoices/{credited}").json()["Invoices"][0]
        assert invoice["AmountCredited"] == 23
        assert invoice["AmountDue"] == invoice["Total"] - 23
        kinds = [t["Type"] for t in api.get("/BankTransactions").json()["BankTransactions"]]
        assert kinds == [
            "SPEND",
            "SPEND",
            "RECEIVE",
            "RECEIVE-PREPAYMENT",
            "RECEIVE-OVERPAYMENT",
            "SPEND-TRANSFER",
            "RECEIVE-TRANSFER",
        ]
        assert len(api.get("/BankTransfers").json()["BankTransfers"]) == 1
        journals = api.get("/ManualJournals").json()["ManualJournals"]
        assert [j["Status"] for j in journals] == ["POSTED", "POSTED", "DRAFT"]


def test_quote_and_purchase_order_filters_and_lookup_by_number(emulator: RunningEmulator) -> None:
    with api_client(emulator) as (api, _):
        november_late = api.get("/Quotes", params={"DateFrom": "2025-11-10"}).json()["Quotes"]
        assert [q["QuoteNumber"] for q in november_late] == ["QU-0002", "QU-0003"]
        early = api.get("/Quotes", params={"DateTo": "2025-11-06", "ExpiryDateFrom": "2025-11-28"})
        assert [q["QuoteNumber"] for q in early.json()["Quotes"]] == ["QU-0001"]
        by_number = api.get("/Quotes", params={"QuoteNumber": "qu-0003"}).json()["Quotes"]
        assert [q["Status"] for q in by_number] == ["DRAFT"]
        orders = api.get("/PurchaseOrders", params={"DateFrom": "2025-11-05"}).json()
        assert [o["PurchaseOrderNumber"] for o in orders["PurchaseOrders"]] == ["PO-0002"]
        one = api.get("/PurchaseOrders/PO-0001").json()["PurchaseOrders"][0]
        assert one["Contact"]["Name"] == "ABC Furniture"
        bad = api.get("/Quotes", params={"DateFrom": "soon"})
        assert bad.status_code == 400


def test_repeating_invoice_and_linked_transaction(emulator: RunningEmulator) -> None:
    with api_client(emulator) as (api, _):
        repeating = api.get("/RepeatingInvoices").json()["RepeatingInvoices"]
        assert len(repeating) == 1
        assert repeating[0]["Schedule"]["Unit"] == "MONTHLY"
        assert repeating[0]["Total"] == 51.75  # 45 + 15% GST
        assert repeating[0]["ID"] == repeating[0]["RepeatingInvoiceID"]
        linked = api.get("/LinkedTransactions").json()["LinkedTransactions"]
        assert [(t["Type"], t["Status"]) for t in linked] == [("BILLABLEEXPENSE", "APPROVED")]
        bill = api.get(f"/Invoices/{linked[0]['SourceTransactionID']}").json()["Invoices"][0]
        assert bill["InvoiceNumber"] == "CC-5512"
        by_source = api.get(
            "/LinkedTransactions", params={"SourceTransactionID": bill["InvoiceID"]}
        ).json()["LinkedTransactions"]
        assert len(by_source) == 1
        assert (
            api.get("/LinkedTransactions", params={"Status": "BILLED"}).json()["LinkedTransactions"]
            == []
        )


def test_expense_claim_of_receipts(emulator: RunningEmulator) -> None:
    with api_client(emulator) as (api, _):
        claims = api.get("/ExpenseClaims").json()["ExpenseClaims"]
        assert len(claims) == 1
        receipts = api.get("/Receipts").json()["Receipts"]
        assert [r["Total"] for r in receipts] == [38.5, 12]  # tax inclusive
        assert claims[0]["Total"] == claims[0]["AmountDue"] == 50.5
        assert {r["ReceiptID"] for r in claims[0]["Receipts"]} == {r["ReceiptID"] for r in receipts}
        user = api.get("/Users").json()["Users"][0]
        assert receipts[0]["User"]["UserID"] == user["UserID"]
