"""Credit notes over real HTTP: totals, numbering, allocations moving invoices, Xero's refusals."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import RunningEmulator
from tests.support.books_api import api_client

OVER = "Credit Note cannot be allocated as amount is greater than amount outstanding"


@pytest.fixture
def api(emulator: RunningEmulator) -> Iterator[httpx.Client]:
    """The demo company without its seeded documents of the kinds under test."""
    with api_client(emulator) as (client, tenant_id):
        books = emulator.state.tenants[tenant_id].books
        for kind in ("CreditNotes",):
            books.entities[kind].reset()
        yield client


def document(api: httpx.Client, kind: str, amount: float, **fields: Any) -> dict[str, Any]:
    """An AUTHORISED invoice (ACCREC/ACCPAY) or credit note (…CREDIT) for Marine Systems."""
    plural = "CreditNotes" if kind.endswith("CREDIT") else "Invoices"
    body = {
        "Type": kind,
        "Status": "AUTHORISED",
        "Contact": {"Name": "Marine Systems"},
        "Date": "2026-01-05",
        "LineItems": [
            {"Description": "Service", "Quantity": 1, "UnitAmount": amount, "AccountCode": "200"}
        ],
        **fields,
    }
    if plural == "Invoices":
        body["DueDate"] = "2026-02-05"
    response = api.put(f"/{plural}", json={plural: [body]})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()[plural][0]
    return result


def allocate(
    api: httpx.Client, note: dict[str, Any], invoice: dict[str, Any], amount: float
) -> httpx.Response:
    body = {"Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Amount": amount, "Date": "2026-01-10"}
    return api.put(f"/CreditNotes/{note['CreditNoteID']}/Allocations", json={"Allocations": [body]})


def get(api: httpx.Client, plural: str, record_id: str) -> dict[str, Any]:
    response = api.get(f"/{plural}/{record_id}")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()[plural][0]
    return result


def errors(response: httpx.Response) -> list[str]:
    assert response.status_code == 400, response.text
    return [m["Message"] for m in response.json()["Elements"][0]["ValidationErrors"]]


def test_credit_note_is_priced_numbered_and_carries_remaining_credit(api: httpx.Client) -> None:
    first = document(api, "ACCRECCREDIT", 100)
    second = document(api, "ACCRECCREDIT", 10.5)
    assert (first["SubTotal"], first["TotalTax"], first["Total"]) == (100, 15, 115)
    assert first["RemainingCredit"] == 115
    assert first["CreditNoteNumber"] == "CN-0001"
    assert second["CreditNoteNumber"] == "CN-0002"
    assert second["Total"] == 12.08  # 10.50 + 1.575 rounded half up
    duplicate = api.put(
        "/CreditNotes",
        json={"CreditNotes": [{**_minimal("ACCRECCREDIT"), "CreditNoteNumber": "CN-0001"}]},
    )
    assert errors(duplicate) == ["Credit Note # must be unique."]
    by_number = get(api, "CreditNotes", "CN-0002")
    assert by_number["CreditNoteID"] == second["CreditNoteID"]


def _minimal(kind: str) -> dict[str, Any]:
    return {
        "Type": kind,
        "Contact": {"Name": "Marine Systems"},
        "LineItems": [{"Description": "x", "Quantity": 1, "UnitAmount": 5, "AccountCode": "200"}],
    }


def test_allocation_flips_the_invoice_to_paid_and_uses_up_the_credit(api: httpx.Client) -> None:
    invoice = document(api, "ACCREC", 100)  # 115.00 due
    note = document(api, "ACCRECCREDIT", 100)  # 115.00 credit
    response = allocate(api, note, invoice, 115)
    assert response.status_code == 200, response.text
    allocation = response.json()["Allocations"][0]
    assert allocation["Amount"] == 115
    assert allocation["Invoice"]["InvoiceID"] == invoice["InvoiceID"]
    paid = get(api, "Invoices", invoice["InvoiceID"])
    assert paid["Status"] == "PAID"
    assert (paid["AmountDue"], paid["AmountCredited"], paid["AmountPaid"]) == (0, 115, 0)
    assert paid["CreditNotes"][0]["CreditNoteID"] == note["CreditNoteID"]
    assert paid["CreditNotes"][0]["AppliedAmount"] == 115
    used = get(api, "CreditNotes", note["CreditNoteID"])
    assert used["Status"] == "PAID"
    assert used["RemainingCredit"] == 0
    assert [a["AllocationID"] for a in used["Allocations"]] == [allocation["AllocationID"]]


def test_partial_allocation_then_delete_restores_both_documents(api: httpx.Client) -> None:
    invoice = document(api, "ACCREC", 200)  # 230.00
    note = document(api, "ACCRECCREDIT", 40)  # 46.00
    allocation = allocate(api, note, invoice, 20).json()["Allocations"][0]
    part = get(api, "Invoices", invoice["InvoiceID"])
    assert (part["Status"], part["AmountDue"], part["AmountCredited"]) == ("AUTHORISED", 210, 20)
    assert get(api, "CreditNotes", note["CreditNoteID"])["RemainingCredit"] == 26
    voiding = api.post(f"/CreditNotes/{note['CreditNoteID']}", json={"Status": "VOIDED"})
    assert errors(voiding) == [
        "This document cannot be edited as it has a payment or credit note allocated to it."
    ]
    renamed = api.post(
        f"/CreditNotes/{note['CreditNoteID']}",
        json={"Reference": "Goodwill", "Contact": {"ContactID": note["Contact"]["ContactID"]}},
    )
    assert renamed.status_code == 200, renamed.text  # non-financial edits stay allowed
    repriced = api.post(
        f"/CreditNotes/{note['CreditNoteID']}",
        json={
            "LineItems": [
                {"Description": "x", "Quantity": 1, "UnitAmount": 1, "AccountCode": "200"}
            ]
        },
    )
    assert errors(repriced) == [
        "This document cannot be edited as it has a payment or credit note allocated to it."
    ]
    gone = api.delete(
        f"/CreditNotes/{note['CreditNoteID']}/Allocations/{allocation['AllocationID']}"
    )
    assert gone.status_code == 200, gone.text
    assert gone.json()["IsDeleted"] is True
    back = get(api, "Invoices", invoice["InvoiceID"])
    assert (back["AmountDue"], back["AmountCredited"], back["CreditNotes"]) == (230, 0, [])
    restored = get(api, "CreditNotes", note["CreditNoteID"])
    assert (restored["RemainingCredit"], restored["Allocations"]) == (46, [])
    missing = api.delete(
        f"/CreditNotes/{note['CreditNoteID']}/Allocations/{allocation['AllocationID']}"
    )
    assert missing.status_code == 404


def test_over_allocation_is_refused_and_changes_nothing(api: httpx.Client) -> None:
    invoice = document(api, "ACCREC", 100)  # 115.00
    small = document(api, "ACCRECCREDIT", 10)  # 11.50
    big = document(api, "ACCRECCREDIT", 200)  # 230.00
    assert errors(allocate(api, small, invoice, 20)) == [OVER]  # more than the credit
    assert errors(allocate(api, big, invoice, 200)) == [OVER]  # more than the invoice owes
    after = get(api, "Invoices", invoice["InvoiceID"])
    assert (after["AmountDue"], after["AmountCredited"]) == (115, 0)
    assert get(api, "CreditNotes", big["CreditNoteID"])["RemainingCredit"] == 230


def test_allocation_to_another_contact_or_type_is_refused(api: httpx.Client) -> None:
    note = document(api, "ACCRECCREDIT", 50)
    elsewhere = document(api, "ACCREC", 100, Contact={"Name": "Bayside Club"})
    bill = document(api, "ACCPAY", 100)
    draft = document(api, "ACCREC", 100, Status="DRAFT")
    assert errors(allocate(api, note, elsewhere, 10)) == [
        "The credit note and the invoice must be for the same contact."
    ]
    assert errors(allocate(api, note, bill, 10)) == [
        "Credit Note cannot be allocated to an incorrect invoice type"
    ]
    assert errors(allocate(api, note, draft, 10)) == [
        "Credit notes can only be allocated to Authorised invoices."
    ]
    unapproved = document(api, "ACCRECCREDIT", 50, Status="DRAFT")
    invoice = document(api, "ACCREC", 100)
    assert errors(allocate(api, unapproved, invoice, 10)) == [
        "Only Authorised credit notes can be allocated."
    ]


def test_supplier_credit_allocates_to_a_bill(api: httpx.Client) -> None:
    bill = document(api, "ACCPAY", 80)  # 92.00
    note = document(api, "ACCPAYCREDIT", 80)
    assert note["CreditNoteNumber"] == ""  # ACCPAYCREDIT numbers are the supplier's
    assert allocate(api, note, bill, 92).status_code == 200
    assert get(api, "Invoices", bill["InvoiceID"])["Status"] == "PAID"


def test_summarize_errors_false_reports_each_element(api: httpx.Client) -> None:
    good = _minimal("ACCRECCREDIT")
    bad = {**_minimal("ACCRECCREDIT"), "LineItems": [{"Quantity": 1, "AccountCode": "nope"}]}
    response = api.put(
        "/CreditNotes", params={"summarizeErrors": "false"}, json={"CreditNotes": [good, bad]}
    )
    assert response.status_code == 200, response.text
    shown = response.json()["CreditNotes"]
    assert [n["StatusAttributeString"] for n in shown] == ["OK", "ERROR"]
    assert shown[1]["HasErrors"] is True
    assert shown[1]["CreditNoteID"] == "00000000-0000-0000-0000-000000000000"
    assert "nope" in shown[1]["ValidationErrors"][0]["Message"]
    summarised = api.put("/CreditNotes", json={"CreditNotes": [good, bad]})
    assert summarised.status_code == 400
    assert len(summarised.json()["Elements"]) == 1
    listed = api.get("/CreditNotes").json()["CreditNotes"]
    assert len(listed) == 2  # the valid one of each batch was created


def test_idempotency_key_creates_a_credit_note_once(api: httpx.Client) -> None:
    body = {"CreditNotes": [_minimal("ACCRECCREDIT")]}
    headers = {"Idempotency-Key": "cn-once-1"}
    first = api.put("/CreditNotes", json=body, headers=headers)
    again = api.put("/CreditNotes", json=body, headers=headers)
    assert first.status_code == again.status_code == 200
    assert (
        first.json()["CreditNotes"][0]["CreditNoteID"]
        == again.json()["CreditNotes"][0]["CreditNoteID"]
    )
    assert len(api.get("/CreditNotes").json()["CreditNotes"]) == 1
    other = api.put(
        "/CreditNotes", json={"CreditNotes": [_minimal("ACCPAYCREDIT")]}, headers=headers
    )
    assert other.status_code == 400


def test_allocation_idempotency_key_allocates_once(api: httpx.Client) -> None:
    invoice = document(api, "ACCREC", 100)
    note = document(api, "ACCRECCREDIT", 100)
    body = {
        "Allocations": [
            {"Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Amount": 10, "Date": "2026-01-10"}
        ]
    }
    url = f"/CreditNotes/{note['CreditNoteID']}/Allocations"
    for _ in range(2):
        assert api.put(url, json=body, headers={"Idempotency-Key": "alloc-1"}).status_code == 200
    assert get(api, "Invoices", invoice["InvoiceID"])["AmountCredited"] == 10


def test_paging_and_if_modified_since(api: httpx.Client, emulator: RunningEmulator) -> None:
    for _ in range(5):
        document(api, "ACCRECCREDIT", 10)
    emulator.clock.advance(10)
    later = [document(api, "ACCRECCREDIT", 20)["CreditNoteID"] for _ in range(3)]
    since = emulator.clock.now().replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%S")
    page = api.get("/CreditNotes", params={"page": 2, "pageSize": 3}).json()
    assert page["pagination"] == {"page": 2, "pageSize": 3, "pageCount": 3, "itemCount": 8}
    assert len(page["CreditNotes"]) == 3
    changed = api.get("/CreditNotes", headers={"If-Modified-Since": since}).json()["CreditNotes"]
    assert [n["CreditNoteID"] for n in changed] == later
    where = api.get("/CreditNotes", params={"where": "Total==23.0"}).json()["CreditNotes"]
    assert len(where) == 3


def test_post_with_an_unknown_credit_note_id_is_refused(api: httpx.Client) -> None:
    body = {**_minimal("ACCRECCREDIT"), "CreditNoteID": "5f0e5b7a-0000-4000-8000-000000000001"}
    assert errors(api.post("/CreditNotes", json={"CreditNotes": [body]})) == [
        "An existing Credit Note with the specified CreditNoteID could not be found"
    ]


def test_allocation_errors_reported_per_element_with_summarize_errors_false(
    api: httpx.Client,
) -> None:
    invoice = document(api, "ACCREC", 100)  # 115.00
    note = document(api, "ACCRECCREDIT", 20)  # 23.00
    body = {
        "Allocations": [
            {"Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Amount": 10, "Date": "2026-01-10"},
            {"Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Amount": 50, "Date": "2026-01-10"},
        ]
    }
    response = api.put(
        f"/CreditNotes/{note['CreditNoteID']}/Allocations",
        params={"summarizeErrors": "false"},
        json=body,
    )
    assert response.status_code == 200, response.text
    shown = response.json()["Allocations"]
    assert [a["StatusAttributeString"] for a in shown] == ["OK", "ERROR"]
    assert shown[1]["ValidationErrors"] == [{"Message": OVER}]
    assert get(api, "CreditNotes", note["CreditNoteID"])["RemainingCredit"] == 13


def test_tracking_on_credit_note_lines(api: httpx.Client) -> None:
    lines = [
        {
            "Description": "Refund",
            "Quantity": 1,
            "UnitAmount": 10,
            "AccountCode": "200",
            "Tracking": [{"Name": "Region", "Option": "South"}],
        }
    ]
    note = document(api, "ACCRECCREDIT", 10, LineItems=lines)
    assert note["LineItems"][0]["Tracking"][0]["Option"] == "South"
    lines[0]["Tracking"] = [{"Name": "Region", "Option": "Nowhere"}]
    refused = api.put(
        "/CreditNotes", json={"CreditNotes": [{**_minimal("ACCRECCREDIT"), "LineItems": lines}]}
    )
    assert errors(refused) == [
        "There is no ACTIVE tracking option 'Nowhere' in tracking category 'Region'"
    ]


def test_an_authorised_credit_note_needs_an_account_code_on_each_priced_line(
    api: httpx.Client,
) -> None:
    line = {"Description": "Refund", "Quantity": 1, "UnitAmount": 40}
    body = {"Type": "ACCRECCREDIT", "Contact": {"Name": "Marine Systems"}, "LineItems": [line]}
    refused = api.put("/CreditNotes", json={"CreditNotes": [{**body, "Status": "AUTHORISED"}]})
    assert errors(refused) == ["Account code must be specified"]
    draft = api.put("/CreditNotes", json={"CreditNotes": [body]}).json()["CreditNotes"][0]
    assert draft["Status"] == "DRAFT"
    approving = api.post(f"/CreditNotes/{draft['CreditNoteID']}", json={"Status": "AUTHORISED"})
    assert errors(approving) == ["Account code must be specified"]
    assert get(api, "CreditNotes", draft["CreditNoteID"])["Status"] == "DRAFT"
