"""Bank transactions and transfers over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import RunningEmulator
from tests.support.books_api import api_client


@pytest.fixture
def api(emulator: RunningEmulator) -> Iterator[httpx.Client]:
    """The demo company without its seeded documents of the kinds under test."""
    with api_client(emulator) as (client, tenant_id):
        books = emulator.state.tenants[tenant_id].books
        for kind in ("BankTransactions", "BankTransfers", "Prepayments", "TrackingCategories"):
            books.entities[kind].reset()
        yield client


def transaction(kind: str = "SPEND", bank: str = "090", **fields: Any) -> dict[str, Any]:
    return {
        "Type": kind,
        "Contact": {"Name": "PowerDirect"},
        "BankAccount": {"Code": bank},
        "Date": "2026-01-12",
        "LineItems": [
            {"Description": "Power", "Quantity": 1, "UnitAmount": 200, "AccountCode": "445"}
        ],
        **fields,
    }


def errors(response: httpx.Response) -> list[str]:
    assert response.status_code == 400, response.text
    return [m["Message"] for m in response.json()["Elements"][0]["ValidationErrors"]]


def test_spend_and_receive_are_priced_and_listed(api: httpx.Client) -> None:
    receive = transaction("RECEIVE", Contact={"Name": "Boom FM"})
    receive["LineItems"] = [
        {"Description": "Ads", "Quantity": 2, "UnitAmount": 50, "AccountCode": "200"}
    ]
    response = api.put("/BankTransactions", json={"BankTransactions": [transaction(), receive]})
    assert response.status_code == 200, response.text
    spend, got = response.json()["BankTransactions"]
    assert (spend["Type"], spend["Status"], spend["Total"], spend["TotalTax"]) == (
        "SPEND",
        "AUTHORISED",
        230,
        30,
    )
    assert spend["BankAccount"]["Code"] == "090"
    assert got["Total"] == 115
    listed = api.get("/BankTransactions", params={"page": 1}).json()
    assert listed["pagination"]["itemCount"] == 2
    one = api.get(f"/BankTransactions/{spend['BankTransactionID']}").json()["BankTransactions"][0]
    assert one["LineItems"][0]["AccountCode"] == "445"


def test_a_non_bank_account_is_refused(api: httpx.Client) -> None:
    response = api.put("/BankTransactions", json={"BankTransactions": [transaction(bank="200")]})
    assert errors(response) == ["Account '200' is not a bank account: use a BANK account."]
    assert api.get("/BankTransactions").json()["BankTransactions"] == []


def test_contact_and_type_are_required(api: httpx.Client) -> None:
    no_contact = transaction()
    del no_contact["Contact"]
    assert errors(api.put("/BankTransactions", json={"BankTransactions": [no_contact]})) == [
        "A Contact must be specified for this type of transaction"
    ]
    transfer = transaction("SPEND-TRANSFER")
    assert (
        "bank transfers"
        in errors(api.put("/BankTransactions", json={"BankTransactions": [transfer]}))[0]
    )


def test_delete_by_status_keeps_it_as_deleted(api: httpx.Client) -> None:
    made = api.put("/BankTransactions", json={"BankTransactions": [transaction()]}).json()[
        "BankTransactions"
    ][0]
    url = f"/BankTransactions/{made['BankTransactionID']}"
    assert api.post(url, json={"BankTransactions": [{"Status": "DELETED"}]}).status_code == 200
    assert api.get(url).json()["BankTransactions"][0]["Status"] == "DELETED"
    assert errors(api.post(url, json={"Reference": "late"})) == [
        "This bank transaction has been deleted and cannot be changed."
    ]


def test_prepayment_and_overpayment_make_their_records(api: httpx.Client) -> None:
    prepay = transaction("RECEIVE-PREPAYMENT", Contact={"Name": "Boom FM"})
    prepay["LineItems"][0]["AccountCode"] = "200"
    over = transaction("RECEIVE-OVERPAYMENT", Contact={"Name": "Boom FM"}, Reference="OVR-7")
    over["LineItems"] = [{"Description": "Overpaid", "LineAmount": 40}]
    over["LineAmountTypes"] = "NoTax"
    response = api.put("/BankTransactions", json={"BankTransactions": [prepay, over]})
    assert response.status_code == 200, response.text
    first, second = response.json()["BankTransactions"]
    prepayments = api.get("/Prepayments").json()["Prepayments"]
    assert [p["PrepaymentID"] for p in prepayments] == [first["PrepaymentID"]]
    assert (prepayments[0]["RemainingCredit"], prepayments[0]["Type"]) == (
        230,
        "RECEIVE-PREPAYMENT",
    )
    referenced = api.get("/Overpayments", params={"References": second["Reference"]}).json()
    assert [o["OverpaymentID"] for o in referenced["Overpayments"]] == [second["OverpaymentID"]]
    assert api.get("/Overpayments", params={"References": "nothing"}).json()["Overpayments"] == []
    overpayment = api.get(f"/Overpayments/{second['OverpaymentID']}").json()["Overpayments"][0]
    assert (overpayment["Total"], overpayment["Status"]) == (40, "AUTHORISED")


def test_bank_transfer_between_bank_accounts_and_include_deleted(api: httpx.Client) -> None:
    body = {
        "FromBankAccount": {"Code": "090"},
        "ToBankAccount": {"Code": "091"},
        "Amount": 500,
        "Date": "2026-01-15",
    }
    response = api.put("/BankTransfers", json={"BankTransfers": [body]})
    assert response.status_code == 200, response.text
    made = response.json()["BankTransfers"][0]
    assert (made["Amount"], made["Status"]) == (500, "AUTHORISED")
    assert made["FromBankAccount"]["Code"] == "090"
    assert made["ToBankAccount"]["Code"] == "091"
    sides = api.get("/BankTransactions").json()["BankTransactions"]
    assert [(t["Type"], t["BankAccount"]["Code"], t["Total"]) for t in sides] == [
        ("SPEND-TRANSFER", "090", 500),
        ("RECEIVE-TRANSFER", "091", 500),
    ]
    assert [t["BankTransactionID"] for t in sides] == [
        made["FromBankTransactionID"],
        made["ToBankTransactionID"],
    ]
    side_url = f"/BankTransactions/{made['FromBankTransactionID']}"
    assert errors(api.post(side_url, json={"Reference": "x"})) == [
        "Transfer bank transactions are created by bank transfers."
    ]
    same = {**body, "ToBankAccount": {"Code": "090"}}
    assert errors(api.put("/BankTransfers", json={"BankTransfers": [same]})) == [
        "The From and To bank accounts must be different."
    ]
    not_bank = {**body, "ToBankAccount": {"Code": "200"}}
    assert (
        "not a bank account"
        in errors(api.put("/BankTransfers", json={"BankTransfers": [not_bank]}))[0]
    )
    deleted = api.post(
        f"/BankTransfers/{made['BankTransferID']}", json={"BankTransfers": [{"Status": "DELETED"}]}
    )
    assert deleted.status_code == 200, deleted.text
    assert api.get("/BankTransfers").json()["BankTransfers"] == []
    nameless = api.post("/BankTransfers", json={"BankTransfers": [{"Status": "DELETED"}]})
    assert errors(nameless) == ["A BankTransferID is required to delete a bank transfer."]
    everything = api.get("/BankTransfers", params={"includeDeleted": "true"}).json()[
        "BankTransfers"
    ]
    assert [t["Status"] for t in everything] == ["DELETED"]
    statuses = [t["Status"] for t in api.get("/BankTransactions").json()["BankTransactions"]]
    assert statuses == ["DELETED", "DELETED"]


def test_tracking_on_bank_transaction_lines(api: httpx.Client) -> None:
    category = api.put(
        "/TrackingCategories", json={"Name": "Region", "Options": [{"Name": "North"}]}
    )
    assert category.status_code == 200, category.text
    tracked = transaction()
    tracked["LineItems"][0]["Tracking"] = [{"Name": "Region", "Option": "north"}]
    made = api.put("/BankTransactions", json={"BankTransactions": [tracked]}).json()[
        "BankTransactions"
    ][0]
    line_tracking = made["LineItems"][0]["Tracking"][0]
    assert (line_tracking["Name"], line_tracking["Option"]) == ("Region", "North")
    assert line_tracking["TrackingOptionID"]


def test_prepayment_allocates_to_an_invoice_and_moves_its_amount_due(api: httpx.Client) -> None:
    prepay = transaction("RECEIVE-PREPAYMENT", Contact={"Name": "Boom FM"})
    prepay["LineItems"][0]["AccountCode"] = "200"  # 230.00 received ahead
    made = api.put("/BankTransactions", json={"BankTransactions": [prepay]}).json()
    prepayment_id = made["BankTransactions"][0]["PrepaymentID"]
    invoice = api.put(
        "/Invoices",
        json={
            "Invoices": [
                {
                    "Type": "ACCREC",
                    "Status": "AUTHORISED",
                    "Contact": {"Name": "Boom FM"},
                    "DueDate": "2026-02-01",
                    "LineItems": [
                        {
                            "Description": "Ads",
                            "Quantity": 1,
                            "UnitAmount": 300,
                            "AccountCode": "200",
                        }
                    ],
                }
            ]
        },
    ).json()["Invoices"][0]
    body = {
        "Allocations": [
            {"Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Amount": 230, "Date": "2026-01-20"}
        ]
    }
    response = api.put(f"/Prepayments/{prepayment_id}/Allocations", json=body)
    assert response.status_code == 200, response.text
    allocation = response.json()["Allocations"][0]
    after = api.get(f"/Invoices/{invoice['InvoiceID']}").json()["Invoices"][0]
    assert (after["AmountDue"], after["AmountCredited"], after["Status"]) == (
        115,
        230,
        "AUTHORISED",
    )
    assert after["Prepayments"][0]["PrepaymentID"] == prepayment_id
    used = api.get(f"/Prepayments/{prepayment_id}").json()["Prepayments"][0]
    assert (used["RemainingCredit"], used["Status"]) == (0, "PAID")
    over = api.put(f"/Prepayments/{prepayment_id}/Allocations", json=body)
    assert errors(over) == [
        "Prepayment cannot be allocated as amount is greater than amount outstanding"
    ]
    transaction_id = made["BankTransactions"][0]["BankTransactionID"]
    locked = api.post(f"/BankTransactions/{transaction_id}", json={"Status": "DELETED"})
    assert errors(locked) == [
        "This document cannot be edited as it has a payment or credit note allocated to it."
    ]
    gone = api.delete(f"/Prepayments/{prepayment_id}/Allocations/{allocation['AllocationID']}")
    assert gone.json()["IsDeleted"] is True
    assert api.get(f"/Invoices/{invoice['InvoiceID']}").json()["Invoices"][0]["AmountDue"] == 345


def test_paging_if_modified_since_and_summarize_errors(
    api: httpx.Client, emulator: RunningEmulator
) -> None:
    response = api.put(
        "/BankTransactions", json={"BankTransactions": [transaction() for _ in range(4)]}
    )
    assert response.status_code == 200
    emulator.clock.advance(3)
    since = emulator.clock.now().replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%S")
    mixed = api.put(
        "/BankTransactions",
        params={"summarizeErrors": "false"},
        json={"BankTransactions": [transaction(), transaction(bank="200")]},
    )
    assert mixed.status_code == 200, mixed.text
    shown = mixed.json()["BankTransactions"]
    assert [t["StatusAttributeString"] for t in shown] == ["OK", "ERROR"]
    page = api.get("/BankTransactions", params={"page": 2, "pageSize": 2}).json()
    assert page["pagination"] == {"page": 2, "pageSize": 2, "pageCount": 3, "itemCount": 5}
    changed = api.get("/BankTransactions", headers={"If-Modified-Since": since}).json()[
        "BankTransactions"
    ]
    assert [t["BankTransactionID"] for t in changed] == [shown[0]["BankTransactionID"]]


def test_look_up_by_reference_and_ids_after_a_lost_response(api: httpx.Client) -> None:
    """What a sync client does after a crash: find what it pushed by Reference or by IDs."""
    pushed = [transaction(Reference=f"stripe-po_{n}") for n in range(3)]
    made = api.put("/BankTransactions", json={"BankTransactions": pushed}).json()[
        "BankTransactions"
    ]
    found = api.get("/BankTransactions", params={"where": 'Reference=="stripe-po_1"'}).json()
    assert [t["BankTransactionID"] for t in found["BankTransactions"]] == [
        made[1]["BankTransactionID"]
    ]
    ids = ",".join(t["BankTransactionID"] for t in (made[0], made[2]))
    by_ids = api.get("/BankTransactions", params={"IDs": ids}).json()["BankTransactions"]
    assert {t["Reference"] for t in by_ids} == {"stripe-po_0", "stripe-po_2"}
    contact_id = made[0]["Contact"]["ContactID"]
    where = f'Contact.ContactID==Guid("{contact_id}") AND Type=="SPEND"'
    assert (
        len(api.get("/BankTransactions", params={"where": where}).json()["BankTransactions"]) == 3
    )


def test_spend_and_receive_lines_with_an_amount_need_an_account(
    api: httpx.Client, emulator: RunningEmulator
) -> None:
    for kind in ("SPEND", "RECEIVE", "SPEND-PREPAYMENT", "RECEIVE-PREPAYMENT"):
        body = transaction(kind)
        body["LineItems"] = [
            {"Description": "Power", "Quantity": 1, "UnitAmount": 200},
            {"Description": "A note, no amount"},
        ]
        assert errors(api.put("/BankTransactions", json={"BankTransactions": [body]})) == [
            "Account code must be specified"
        ]
    assert api.get("/BankTransactions").json()["BankTransactions"] == []
    overpay = transaction("SPEND-OVERPAYMENT", LineAmountTypes="NoTax")
    overpay["LineItems"] = [{"Description": "Deposit", "LineAmount": 50}]  # sits on payables
    made = api.put("/BankTransactions", json={"BankTransactions": [overpay]})
    assert made.status_code == 200, made.text
    for tenant in emulator.state.tenants.values():
        assert tenant.books.ledger.problems == []
