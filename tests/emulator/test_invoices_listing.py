"""Invoice lists over real HTTP: paging with If-Modified-Since, Xero's list parameters."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import RunningEmulator
from tests.support.books_api import ALL_SCOPES, api_client


@pytest.fixture
def api(emulator: RunningEmulator) -> Iterator[httpx.Client]:
    with api_client(emulator) as (client, _):
        yield client


def batch(count: int, prefix: str, **fields: Any) -> dict[str, Any]:
    return {
        "Invoices": [
            {
                "Type": "ACCREC",
                "Contact": {"Name": "Boom FM"},
                "Reference": f"{prefix}-{i}",
                "LineItems": [
                    {"Description": "Ad", "Quantity": 1, "UnitAmount": 10 + i, "AccountCode": "200"}
                ],
                **fields,
            }
            for i in range(count)
        ]
    }


def put_ok(api: httpx.Client, body: dict[str, Any]) -> list[dict[str, Any]]:
    response = api.put("/Invoices", json=body)
    assert response.status_code == 200, response.text
    result: list[dict[str, Any]] = response.json()["Invoices"]
    return result


def all_pages(api: httpx.Client, **headers: str) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    page = 1
    while True:
        body = api.get("/Invoices", params={"page": page, "pageSize": 40}, headers=headers).json()
        seen.extend(body["Invoices"])
        if len(body["Invoices"]) < 40:
            return seen
        page += 1


def test_paging_with_if_modified_since_returns_each_invoice_once(
    api: httpx.Client, emulator: RunningEmulator
) -> None:
    seeded = len(all_pages(api))
    old = put_ok(api, batch(50, "old"))
    emulator.clock.advance(120)
    mark = emulator.clock.now().strftime("%Y-%m-%dT%H:%M:%S")
    new: list[dict[str, Any]] = []
    for round_ in range(3):
        new += put_ok(api, batch(45, f"new{round_}"))
        emulator.clock.advance(1)
    touched = old[:7]
    for record in touched:
        response = api.post(
            f"/Invoices/{record['InvoiceID']}", json={"Invoices": [{"Reference": "touched"}]}
        )
        assert response.status_code == 200
    everything = all_pages(api)
    assert len(everything) == len({i["InvoiceID"] for i in everything}) == seeded + 185
    changed = all_pages(api, **{"If-Modified-Since": mark})
    ids = [i["InvoiceID"] for i in changed]
    assert len(ids) == len(set(ids))
    assert set(ids) == {i["InvoiceID"] for i in new + touched}
    stamps = [i["UpdatedDateUTC"] for i in changed]
    assert stamps == sorted(stamps, key=lambda s: int(s[6:-7]))  # oldest change first


def test_page_size_is_capped_at_1000_and_pagination_counts(api: httpx.Client) -> None:
    put_ok(api, batch(30, "cap"))
    body = api.get("/Invoices", params={"page": 1, "pageSize": 5000}).json()
    assert body["pagination"]["pageSize"] == 1000
    small = api.get("/Invoices", params={"page": 2, "pageSize": 7}).json()
    assert small["pagination"]["pageCount"] == -(-small["pagination"]["itemCount"] // 7)
    assert len(small["Invoices"]) == 7


def test_filters_statuses_contacts_numbers_ids_and_where(api: httpx.Client) -> None:
    drafts = put_ok(api, batch(3, "flt"))
    approved = put_ok(api, batch(2, "flt-ok", Status="AUTHORISED"))
    bills = put_ok(api, batch(2, "bill", Type="ACCPAY", Contact={"Name": "PowerDirect"}))
    everything = all_pages(api)  # the demo company's invoices and these

    def ids(**params: str) -> set[str]:
        response = api.get("/Invoices", params=params)
        assert response.status_code == 200, response.text
        return {i["InvoiceID"] for i in response.json()["Invoices"]}

    def expected(keep: Any) -> set[str]:
        chosen = {i["InvoiceID"] for i in everything if keep(i)}
        assert chosen  # a filter that matches nothing proves little
        return chosen

    authorised = expected(lambda i: i["Status"] == "AUTHORISED")
    assert {i["InvoiceID"] for i in approved} <= authorised
    assert ids(Statuses="AUTHORISED") == authorised
    assert ids(where='Status=="AUTHORISED"') == authorised
    assert ids(Statuses="AUTHORISED,DRAFT") == expected(
        lambda i: i["Status"] in ("AUTHORISED", "DRAFT")
    )
    assert ids(where='Type=="ACCPAY"') == expected(lambda i: i["Type"] == "ACCPAY")
    contact_id = bills[0]["Contact"]["ContactID"]
    assert ids(ContactIDs=contact_id) == expected(lambda i: i["Contact"]["ContactID"] == contact_id)
    numbers = ",".join(i["InvoiceNumber"] for i in drafts[:2])
    assert ids(InvoiceNumbers=numbers) == {i["InvoiceID"] for i in drafts[:2]}
    assert ids(IDs=drafts[2]["InvoiceID"]) == {drafts[2]["InvoiceID"]}
    assert ids(searchTerm="FLT-OK") == {i["InvoiceID"] for i in approved}
    assert ids(where='Total > 11.5 AND Type == "ACCREC"', Statuses="DRAFT") == expected(
        lambda i: i["Total"] > 11.5 and i["Type"] == "ACCREC" and i["Status"] == "DRAFT"
    )
    assert drafts[0]["InvoiceID"] not in ids(where="Total > 11.5")
    bad = api.get("/Invoices", params={"where": "Totl > 1"})
    assert bad.status_code == 400
    assert bad.json()["Type"] == "QueryParseException"


def test_order_and_summary_only(api: httpx.Client) -> None:
    put_ok(api, batch(4, "ord"))
    body = api.get("/Invoices", params={"order": "Total DESC", "page": 1}).json()
    totals = [i["Total"] for i in body["Invoices"]]
    assert totals == sorted(totals, reverse=True)
    summary = api.get("/Invoices", params={"summaryOnly": "true"}).json()
    assert "pagination" in summary
    assert all("LineItems" not in i and "Payments" not in i for i in summary["Invoices"])
    assert all("Total" in i for i in summary["Invoices"])


def test_archived_contacts_invoices_are_hidden_unless_asked(api: httpx.Client) -> None:
    made = put_ok(api, batch(1, "arch", Contact={"Name": "Soon Archived Ltd"}))[0]
    contact_id = made["Contact"]["ContactID"]
    archived = api.post(
        f"/Contacts/{contact_id}", json={"Contacts": [{"ContactStatus": "ARCHIVED"}]}
    )
    assert archived.status_code == 200, archived.text
    listed = {i["InvoiceID"] for i in api.get("/Invoices").json()["Invoices"]}
    assert made["InvoiceID"] not in listed
    included = api.get("/Invoices", params={"includeArchived": "True"}).json()["Invoices"]
    assert made["InvoiceID"] in {i["InvoiceID"] for i in included}


def test_created_by_my_app_shows_only_this_apps_invoices(emulator: RunningEmulator) -> None:
    with api_client(emulator, app_name="first app") as (first, tenant_id):
        mine = put_ok(first, batch(2, "mine"))
        with emulator.admin() as admin:
            other_app = admin.post("/apps", json={"name": "second app"}).json()
            token = admin.post(
                "/tokens",
                json={
                    "client_id": other_app["client_id"],
                    "tenant_ids": [tenant_id],
                    "scopes": ALL_SCOPES,
                },
            ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}", "xero-tenant-id": tenant_id}
        with httpx.Client(base_url=emulator.api_url, headers=headers) as second:
            theirs = put_ok(second, batch(1, "theirs"))
            seen = second.get("/Invoices", params={"createdByMyApp": "true"}).json()["Invoices"]
        assert [i["InvoiceID"] for i in seen] == [theirs[0]["InvoiceID"]]
        own = first.get("/Invoices", params={"createdByMyApp": "true"}).json()["Invoices"]
        assert {i["InvoiceID"] for i in own} == {i["InvoiceID"] for i in mine}


def test_where_on_dates_guids_and_nested_contact_fields(api: httpx.Client) -> None:
    early = put_ok(api, batch(1, "early", Date="2026-03-01"))[0]
    late = put_ok(api, batch(1, "late", Date="2026-03-20"))[0]
    everything = all_pages(api)

    def ids(where: str) -> set[str]:
        response = api.get("/Invoices", params={"where": where})
        assert response.status_code == 200, response.text
        return {i["InvoiceID"] for i in response.json()["Invoices"]}

    after = ids("Date >= DateTime(2026, 03, 10)")
    assert late["InvoiceID"] in after
    assert early["InvoiceID"] not in after
    assert after == {i["InvoiceID"] for i in everything if int(i["Date"][6:-7]) >= 1773100800000}
    assert ids(f'InvoiceID == Guid("{early["InvoiceID"]}")') == {early["InvoiceID"]}
    contact_id = early["Contact"]["ContactID"]
    by_contact = ids(f'Contact.ContactID == Guid("{contact_id}")')
    assert by_contact == {
        i["InvoiceID"] for i in everything if i["Contact"]["ContactID"] == contact_id
    }
    assert ids('Contact.Name.StartsWith("boom")') == by_contact
