"""Invoices over real HTTP: server-side totals, numbering, batches in both error modes,
status rules, lists (paging, If-Modified-Since, no line items without `page`), idempotency."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import RunningEmulator
from tests.support.books_api import api_client

ZERO = "00000000-0000-0000-0000-000000000000"


@pytest.fixture
def api(emulator: RunningEmulator) -> Iterator[httpx.Client]:
    with api_client(emulator) as (client, _):
        yield client


def invoice(**fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "Type": "ACCREC",
        "Contact": {"Name": "Ridgeway University"},
        "Date": "2026-01-05",
        "DueDate": "2026-02-05",
        "LineItems": [
            {"Description": "Consulting", "Quantity": 2, "UnitAmount": 100, "AccountCode": "200"}
        ],
    }
    body.update(fields)
    return body


def put(api: httpx.Client, *records: dict[str, Any], **params: str) -> httpx.Response:
    return api.put("/Invoices", json={"Invoices": list(records)}, params=params)


def created(api: httpx.Client, **fields: Any) -> dict[str, Any]:
    response = put(api, invoice(**fields))
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()["Invoices"][0]
    return result


def test_the_server_prices_lines_and_ignores_client_totals(api: httpx.Client) -> None:
    made = created(
        api,
        LineItems=[
            {"Description": "Consulting", "Quantity": 2, "UnitAmount": 100, "AccountCode": "200"},
            {"Description": "Travel", "Quantity": 1, "UnitAmount": 14.43, "AccountCode": "200"},
            {"ItemCode": "BOOK", "Quantity": 3, "DiscountRate": 10},
        ],
        Total=1.0,
        SubTotal=1.0,
    )
    lines = made["LineItems"]
    assert [line["TaxType"] for line in lines] == ["OUTPUT2"] * 3
    assert [line["LineAmount"] for line in lines] == [200.0, 14.43, 53.87]
    assert [line["TaxAmount"] for line in lines] == [30.0, 2.16, 8.08]
    assert lines[2]["Description"] == "A paperback novel"
    assert (made["SubTotal"], made["TotalTax"], made["Total"]) == (268.3, 40.24, 308.54)
    assert made["AmountDue"] == 308.54
    assert made["AmountPaid"] == 0
    assert made["TotalDiscount"] == 5.98
    assert made["IsDiscounted"] is True
    assert made["Status"] == "DRAFT"
    assert made["Date"] == "/Date(1767571200000+0000)/"


def test_inclusive_and_no_tax_amount_types(api: httpx.Client) -> None:
    line = {"Description": "x", "Quantity": 1, "UnitAmount": 115, "AccountCode": "200"}
    inclusive = created(api, LineAmountTypes="Inclusive", LineItems=[line])
    assert (inclusive["SubTotal"], inclusive["TotalTax"], inclusive["Total"]) == (100, 15, 115)
    no_tax = created(api, LineAmountTypes="NoTax", LineItems=[line])
    assert (no_tax["SubTotal"], no_tax["TotalTax"], no_tax["Total"]) == (115, 0, 115)


def test_unit_amounts_keep_four_places_with_unitdp(api: httpx.Client) -> None:
    line = {"Description": "Golf balls", "Quantity": 3, "UnitAmount": 24.1234, "AccountCode": "200"}
    four = put(api, invoice(LineItems=[line]), unitdp="4").json()["Invoices"][0]
    assert four["LineItems"][0]["UnitAmount"] == 24.1234
    assert four["LineItems"][0]["LineAmount"] == 72.37
    two = created(api, LineItems=[line])
    assert two["LineItems"][0]["UnitAmount"] == 24.12
    assert two["LineItems"][0]["LineAmount"] == 72.36


def test_sales_invoices_are_numbered_and_numbers_are_unique(api: httpx.Client) -> None:
    first = created(api)
    second = created(api)
    assert first["InvoiceNumber"].startswith("INV-")
    assert int(second["InvoiceNumber"][4:]) == int(first["InvoiceNumber"][4:]) + 1
    response = put(api, invoice(InvoiceNumber=first["InvoiceNumber"]))
    assert response.status_code == 400
    assert response.json()["Elements"][0]["ValidationErrors"] == [
        {"Message": "Invoice # must be unique."}
    ]


def test_bill_numbers_may_repeat_and_are_not_generated(api: httpx.Client) -> None:
    bill = invoice(Type="ACCPAY", Contact={"Name": "PowerDirect"}, InvoiceNumber="PD-77")
    one = created(api, **bill)
    two = created(api, **bill)
    assert one["InvoiceID"] != two["InvoiceID"]
    assert one["InvoiceNumber"] == two["InvoiceNumber"] == "PD-77"
    unnumbered = created(api, Type="ACCPAY", Contact={"Name": "PowerDirect"})
    assert unnumbered["InvoiceNumber"] == ""


def test_a_batch_of_50_with_3_invalid_creates_47_in_both_error_modes(api: httpx.Client) -> None:
    for summarize in (False, True):
        batch = [invoice(Reference=f"batch-{summarize}-{i}") for i in range(50)]
        batch[3]["LineItems"][0]["AccountCode"] = "476"
        batch[17]["Contact"] = {"ContactID": "0c0b6a5e-1d7c-4e8e-9a3f-0123456789ab"}
        batch[42]["LineItems"][0]["TaxType"] = "BOGUS"
        params = {} if summarize else {"summarizeErrors": "false"}
        response = put(api, *batch, **params)
        listed = api.get(
            "/Invoices", params={"where": f'Reference.StartsWith("batch-{summarize}-")'}
        ).json()["Invoices"]
        assert len(listed) == 47
        assert {i["Reference"] for i in listed} == {f"batch-{summarize}-{i}" for i in range(50)} - {
            f"batch-{summarize}-{i}" for i in (3, 17, 42)
        }
        if summarize:
            assert response.status_code == 400
            body = response.json()
            assert body["Type"] == "ValidationException"
            failed = body["Elements"]
        else:
            assert response.status_code == 200
            elements = response.json()["Invoices"]
            assert [e["StatusAttributeString"] for e in elements].count("OK") == 47
            failed = [e for e in elements if e["StatusAttributeString"] == "ERROR"]
        assert [e["Reference"] for e in failed] == [f"batch-{summarize}-{i}" for i in (3, 17, 42)]
        assert all(e["InvoiceID"] == ZERO and e["HasErrors"] is True for e in failed)
        messages = [e["ValidationErrors"][0]["Message"] for e in failed]
        assert messages[0] == (
            "Account code '476' has been removed as it does not match a recognised account."
        )
        assert "could not be found" in messages[1]
        assert "BOGUS" in messages[2]


def test_a_new_contact_name_creates_the_contact(api: httpx.Client) -> None:
    made = created(api, Contact={"Name": "Brand New Customer Ltd"})
    contact_id = made["Contact"]["ContactID"]
    contact = api.get(f"/Contacts/{contact_id}").json()["Contacts"][0]
    assert contact["Name"] == "Brand New Customer Ltd"
    assert contact["IsCustomer"] is True


def test_a_refused_invoice_does_not_create_its_contact(api: httpx.Client) -> None:
    bad = invoice(Contact={"Name": "Never Created Ltd"})
    bad["LineItems"][0]["AccountCode"] = "476"
    assert put(api, bad).status_code == 400
    found = api.get("/Contacts", params={"where": 'Name=="Never Created Ltd"'}).json()
    assert found["Contacts"] == []


def test_get_by_id_and_by_number(api: httpx.Client) -> None:
    made = created(api)
    by_id = api.get(f"/Invoices/{made['InvoiceID']}").json()["Invoices"][0]
    by_number = api.get(f"/Invoices/{made['InvoiceNumber']}").json()["Invoices"][0]
    assert by_id["InvoiceID"] == by_number["InvoiceID"] == made["InvoiceID"]
    assert len(by_id["LineItems"]) == 1
    missing = api.get("/Invoices/0c0b6a5e-1d7c-4e8e-9a3f-0123456789ab")
    assert missing.status_code == 404


def test_listing_without_page_omits_line_items(api: httpx.Client) -> None:
    created(api)
    unpaged = api.get("/Invoices").json()
    assert unpaged["Invoices"]
    assert all("LineItems" not in i for i in unpaged["Invoices"])
    assert "pagination" not in unpaged
    paged = api.get("/Invoices", params={"page": 1}).json()
    assert all(i["LineItems"] for i in paged["Invoices"])
    assert paged["pagination"]["page"] == 1


def test_post_updates_and_moves_updated_date(api: httpx.Client, emulator: RunningEmulator) -> None:
    made = created(api)
    emulator.clock.advance(5)
    response = api.post(
        f"/Invoices/{made['InvoiceID']}",
        json={"Invoices": [{"Reference": "PO-9", "Status": "AUTHORISED"}]},
    )
    assert response.status_code == 200, response.text
    updated = response.json()["Invoices"][0]
    assert updated["Reference"] == "PO-9"
    assert updated["Status"] == "AUTHORISED"
    assert updated["UpdatedDateUTC"] != made["UpdatedDateUTC"]
    assert updated["LineItems"] == made["LineItems"]
    by_number = api.post(
        "/Invoices",
        json={"Invoices": [{"InvoiceNumber": made["InvoiceNumber"], "Reference": "PO-10"}]},
    ).json()["Invoices"][0]
    assert by_number["InvoiceID"] == made["InvoiceID"]
    assert by_number["Reference"] == "PO-10"


def status_change(api: httpx.Client, invoice_id: str, status: str) -> httpx.Response:
    return api.post(f"/Invoices/{invoice_id}", json={"Invoices": [{"Status": status}]})


def errors_of(response: httpx.Response) -> list[str]:
    assert response.status_code == 400, response.text
    return [e["Message"] for e in response.json()["Elements"][0]["ValidationErrors"]]


def test_delete_only_drafts_and_submitted_void_only_authorised(api: httpx.Client) -> None:
    draft = created(api)
    assert status_change(api, draft["InvoiceID"], "DELETED").json()["Invoices"][0]["Status"] == (
        "DELETED"
    )
    assert errors_of(status_change(api, draft["InvoiceID"], "DRAFT")) == [
        "Invoice not of valid status for modification"
    ]
    submitted = created(api, Status="SUBMITTED")
    assert errors_of(status_change(api, submitted["InvoiceID"], "VOIDED")) == [
        "Invoice not of valid status for modification"
    ]
    approved = created(api, Status="AUTHORISED")
    assert errors_of(status_change(api, approved["InvoiceID"], "DELETED")) == [
        "Invoice not of valid status for modification"
    ]
    voided = status_change(api, approved["InvoiceID"], "VOIDED").json()["Invoices"][0]
    assert voided["Status"] == "VOIDED"
    assert voided["AmountDue"] == 0
    edit = api.post(
        f"/Invoices/{approved['InvoiceID']}", json={"Invoices": [{"Reference": "late"}]}
    )
    assert errors_of(edit) == ["Invoice not of valid status for modification"]


def test_invoices_cannot_be_created_paid_or_voided(api: httpx.Client) -> None:
    assert errors_of(put(api, invoice(Status="PAID"))) == [
        "Invoice not of valid status for creation"
    ]


def test_idempotent_replay_of_a_put_creates_nothing_new(api: httpx.Client) -> None:
    body = {"Invoices": [invoice(Reference="idem-1")]}
    headers = {"Idempotency-Key": "invoice-put-1"}
    first = api.put("/Invoices", json=body, headers=headers)
    again = api.put("/Invoices", json=body, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    listed = api.get("/Invoices", params={"where": 'Reference=="idem-1"'}).json()["Invoices"]
    assert len(listed) == 1
    other = api.put("/Invoices", json={"Invoices": [invoice(Reference="idem-2")]}, headers=headers)
    assert other.status_code == 400


def test_lines_check_items_and_tracking_against_the_books(api: httpx.Client) -> None:
    tracked = created(
        api,
        LineItems=[
            {
                "Description": "North job",
                "Quantity": 1,
                "UnitAmount": 10,
                "AccountCode": "200",
                "Tracking": [{"Name": "Region", "Option": "North"}],
            }
        ],
    )
    tracking = tracked["LineItems"][0]["Tracking"]
    assert [(t["Name"], t["Option"]) for t in tracking] == [("Region", "North")]
    assert tracking[0]["TrackingCategoryID"]
    bad = invoice()
    bad["LineItems"] = [
        {"ItemCode": "NO-SUCH-ITEM", "Quantity": 1},
        {
            "Description": "x",
            "Quantity": 1,
            "UnitAmount": 1,
            "AccountCode": "200",
            "Tracking": [{"Name": "Region", "Option": "Atlantis"}],
        },
    ]
    found = errors_of(put(api, bad))
    assert found[0] == "Item code 'NO-SUCH-ITEM' is not valid"
    assert "Atlantis" in found[1]


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"Type": 5}, "Invoices[1].Type"),
        ({"Contact": "Ridgeway University"}, "Invoices[1].Contact"),
        ({"Contact": {"ContactID": "not-a-guid"}}, "Invoices[1].Contact.ContactID"),
        ({"Date": "31/12/2026"}, "Invoices[1].Date"),
        ({"Status": "APPROVED"}, "Invoices[1].Status"),
        ({"LineAmountTypes": "Gross"}, "Invoices[1].LineAmountTypes"),
        ({"LineItems": "one line"}, "Invoices[1].LineItems"),
        ({"LineItems": [{"Quantity": "two"}]}, "Invoices[1].LineItems[0].Quantity"),
        ({"LineItems": [{"Quantity": True}]}, "Invoices[1].LineItems[0].Quantity"),
        ({"LineItems": [{"Tracking": "x"}]}, "Invoices[1].LineItems[0].Tracking"),
        ({"LineItems": ["not an object"]}, "Invoices[1].LineItems[0]"),
        ({"Reference": {"nested": "object"}}, "Invoices[1].Reference"),
        ({"SentToContact": "maybe"}, "Invoices[1].SentToContact"),
    ],
)
def test_values_xero_cannot_read_refuse_the_whole_request(
    api: httpx.Client, change: dict[str, Any], path: str
) -> None:
    before = len(api.get("/Invoices").json()["Invoices"])
    response = put(api, invoice(Reference="fine"), invoice(**change), summarizeErrors="false")
    assert response.status_code == 400
    body = response.json()
    assert (body["ErrorNumber"], body["Type"]) == (14, "PostDataInvalidException")
    assert body["Message"].startswith("JSON for post data was invalid,Error converting value")
    assert body["Message"].endswith(f"Path '{path}'.")
    assert len(api.get("/Invoices").json()["Invoices"]) == before  # not even the good one


@pytest.mark.parametrize(
    "change",
    [
        {"Type": "ACCRECCREDIT"},
        {"Contact": {}},
        {"CurrencyCode": "EUR"},
        {"Status": "VOIDED"},
        {"LineItems": [{"Description": "x", "Quantity": 1.5, "UnitAmount": 1, "TaxType": "X"}]},
        {"DueDate": "2026-13-01"},
    ],
)
def test_readable_but_refused_invoices_get_per_record_messages(
    api: httpx.Client, change: dict[str, Any]
) -> None:
    response = put(api, invoice(**change), summarizeErrors="false")
    assert response.status_code in (200, 400), response.text
    if response.status_code == 200:
        element = response.json()["Invoices"][0]
        assert element["StatusAttributeString"] == "ERROR"
        assert element["ValidationErrors"][0]["Message"]
    else:  # an impossible date is unreadable to Xero too
        assert response.json()["Type"] == "PostDataInvalidException"


def test_a_tracked_item_sold_on_an_invoice_cannot_be_deleted(api: httpx.Client) -> None:
    fresh = api.put(
        "/Items",
        json={
            "Items": [
                {
                    "Code": "MUG",
                    "Name": "Mug",
                    "InventoryAssetAccountCode": "630",
                    "SalesDetails": {"UnitPrice": 12, "AccountCode": "200"},
                    "PurchaseDetails": {"UnitPrice": 4, "COGSAccountCode": "310"},
                }
            ]
        },
    )
    assert fresh.status_code == 200, fresh.text
    item = fresh.json()["Items"][0]
    assert item["IsTrackedAsInventory"] is True
    created(api, LineItems=[{"ItemCode": "MUG", "Quantity": 2}])
    refused = api.delete(f"/Items/{item['ItemID']}")
    assert refused.status_code == 400
    assert "cannot be deleted" in refused.json()["Elements"][0]["ValidationErrors"][0]["Message"]


ACCOUNT_CODE_REQUIRED = "Account code must be specified"


def test_an_authorised_invoice_needs_an_account_code_on_each_priced_line(
    api: httpx.Client, emulator: RunningEmulator
) -> None:
    no_account = [
        {"Description": "Consulting", "Quantity": 1, "UnitAmount": 100},
        {"Description": "A heading, no amount"},
    ]
    refused = put(api, invoice(Status="AUTHORISED", LineItems=no_account))
    assert errors_of(refused) == [ACCOUNT_CODE_REQUIRED]
    draft = created(api, LineItems=no_account)  # a draft may lack it
    assert draft["Status"] == "DRAFT"
    approving = status_change(api, draft["InvoiceID"], "AUTHORISED")
    assert errors_of(approving) == [ACCOUNT_CODE_REQUIRED]
    coded = [{**no_account[0], "AccountCode": "200"}, no_account[1]]  # the heading needs none
    fixed = api.post(
        f"/Invoices/{draft['InvoiceID']}", json={"Status": "AUTHORISED", "LineItems": coded}
    )
    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["Invoices"][0]["Status"] == "AUTHORISED"
    for tenant in emulator.state.tenants.values():
        assert tenant.books.ledger.problems == []  # everything authorised could be posted


def test_invoices_show_and_filter_by_their_contacts_current_name(api: httpx.Client) -> None:
    made = created(api, Contact={"Name": "Old Name Traders"})
    contact_id = made["Contact"]["ContactID"]
    renamed = api.post(f"/Contacts/{contact_id}", json={"Name": "New Name Traders"})
    assert renamed.status_code == 200, renamed.text

    def found(**params: str) -> list[dict[str, Any]]:
        response = api.get("/Invoices", params=params)
        assert response.status_code == 200, response.text
        result: list[dict[str, Any]] = response.json()["Invoices"]
        return result

    assert (
        api.get(f"/Invoices/{made['InvoiceID']}").json()["Invoices"][0]["Contact"]["Name"]
        == "New Name Traders"
    )
    for where in (
        'Contact.Name=="New Name Traders"',
        'Contact.Name=="new name traders" AND Status=="DRAFT"',
        'Contact.Name.StartsWith("New Name")',
    ):
        hits = found(where=where, page="1")
        assert [i["InvoiceID"] for i in hits] == [made["InvoiceID"]], where
        assert hits[0]["Contact"]["Name"] == "New Name Traders"
    assert found(where='Contact.Name=="Old Name Traders"') == []
    assert found(where='Contact.Name.StartsWith("Old Name")') == []
    ordered = [i["Contact"]["Name"] for i in found(order="Contact.Name DESC", page="1")]
    assert ordered == sorted(ordered, key=str.lower, reverse=True)
    assert "New Name Traders" in ordered
    notes = api.put(
        "/CreditNotes",
        json={"CreditNotes": [{"Type": "ACCRECCREDIT", "Contact": {"ContactID": contact_id}}]},
    )
    assert notes.status_code == 200, notes.text
    api.post(f"/Contacts/{contact_id}", json={"Name": "Newest Name Traders"})
    note_hits = api.get(
        "/CreditNotes", params={"where": 'Contact.Name=="Newest Name Traders"'}
    ).json()["CreditNotes"]
    assert [n["Contact"]["Name"] for n in note_hits] == ["Newest Name Traders"]
