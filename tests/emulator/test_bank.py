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
    over = transaction("RECEIVE-OVERPAYMENT", Contact={"Name": "Boom FM"})
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
    everything = api.get("/BankTransfers", params={"includeDeleted": "true"}).json()[
        "BankTransfers"
    ]
    assert [t["Status"] for t in everything] == ["DELETED"]


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
