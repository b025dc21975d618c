"""Tracking categories and options over real HTTP, and Tracking on invoice lines; currencies."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import RunningEmulator
from tests.support.books_api import api_client


@pytest.fixture
def api(emulator: RunningEmulator) -> Iterator[httpx.Client]:
    with api_client(emulator) as (client, _):
        yield client


def category(api: httpx.Client, name: str, *options: str) -> dict[str, Any]:
    body = {"Name": name, "Options": [{"Name": o} for o in options]}
    response = api.put("/TrackingCategories", json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()["TrackingCategories"][0]
    return result


def invoice(api: httpx.Client, tracking: list[dict[str, Any]], **fields: Any) -> httpx.Response:
    body = {
        "Type": "ACCREC",
        "Contact": {"Name": "Boom FM"},
        "LineItems": [
            {
                "Description": "Ads",
                "Quantity": 1,
                "UnitAmount": 100,
                "AccountCode": "200",
                "Tracking": tracking,
            }
        ],
        **fields,
    }
    return api.put("/Invoices", json={"Invoices": [body]})


def errors(response: httpx.Response) -> list[str]:
    assert response.status_code == 400, response.text
    return [m["Message"] for m in response.json()["Elements"][0]["ValidationErrors"]]


def seeded_region(api: httpx.Client) -> dict[str, Any]:
    categories = api.get("/TrackingCategories").json()["TrackingCategories"]
    assert [c["Name"] for c in categories] == ["Region"]  # the demo company's
    result: dict[str, Any] = categories[0]
    return result


def test_categories_options_and_the_two_active_limit(api: httpx.Client) -> None:
    region = seeded_region(api)
    assert [o["Name"] for o in region["Options"]] == ["North", "South"]
    department = category(api, "Department", "Sales", "Support")
    assert [o["Name"] for o in department["Options"]] == ["Sales", "Support"]
    third = api.put("/TrackingCategories", json={"Name": "Project"})
    assert errors(third) == ["You can only have 2 active tracking categories."]
    region_id = region["TrackingCategoryID"]
    added = api.put(f"/TrackingCategories/{region_id}/Options", json={"Name": "East"})
    assert added.status_code == 200, added.text
    east = added.json()["Options"][0]
    duplicate = api.put(f"/TrackingCategories/{region_id}/Options", json={"Name": "east"})
    assert errors(duplicate) == ["The tracking option name east is already in use."]
    renamed = api.post(
        f"/TrackingCategories/{region_id}/Options/{east['TrackingOptionID']}",
        json={"Name": "Eastern"},
    )
    assert renamed.json()["Options"][0]["Name"] == "Eastern"
    gone = api.delete(f"/TrackingCategories/{region_id}/Options/{east['TrackingOptionID']}")
    assert gone.json()["Options"][0]["Status"] == "DELETED"
    names = [
        o["Name"]
        for o in api.get(f"/TrackingCategories/{region_id}").json()["TrackingCategories"][0][
            "Options"
        ]
    ]
    assert names == ["North", "South"]
    archived = api.post(f"/TrackingCategories/{region_id}", json={"Status": "ARCHIVED"})
    assert archived.status_code == 200, archived.text
    assert [c["Name"] for c in api.get("/TrackingCategories").json()["TrackingCategories"]] == [
        "Department"
    ]
    everything = api.get("/TrackingCategories", params={"includeArchived": "true"}).json()
    assert [c["Name"] for c in everything["TrackingCategories"]] == ["Department", "Region"]
    assert category(api, "Project")["Status"] == "ACTIVE"  # room again: Region is archived
    deleted = api.delete(f"/TrackingCategories/{region_id}")
    assert deleted.json()["TrackingCategories"][0]["Status"] == "DELETED"
    assert api.get(f"/TrackingCategories/{region_id}").status_code == 404


def test_tracking_on_invoice_lines_by_name_or_id(api: httpx.Client) -> None:
    region = seeded_region(api)
    department = category(api, "Department", "Sales")
    south = region["Options"][1]
    response = invoice(
        api,
        [
            {
                "TrackingCategoryID": region["TrackingCategoryID"],
                "TrackingOptionID": south["TrackingOptionID"],
            },
            {"Name": "department", "Option": "SALES"},
        ],
    )
    assert response.status_code == 200, response.text
    tracking = response.json()["Invoices"][0]["LineItems"][0]["Tracking"]
    assert [(t["Name"], t["Option"]) for t in tracking] == [
        ("Region", "South"),
        ("Department", "Sales"),
    ]
    assert tracking[1]["TrackingCategoryID"] == department["TrackingCategoryID"]


def test_unknown_category_or_option_and_too_many_are_refused(api: httpx.Client) -> None:
    category(api, "Department", "Sales")
    assert errors(invoice(api, [{"Name": "Colour", "Option": "Red"}])) == [
        "There is no ACTIVE tracking category with the name 'Colour'"
    ]
    assert errors(invoice(api, [{"Name": "Region", "Option": "West"}])) == [
        "There is no ACTIVE tracking option 'West' in tracking category 'Region'"
    ]
    three = [
        {"Name": "Region", "Option": "North"},
        {"Name": "Department", "Option": "Sales"},
        {"Name": "Region", "Option": "North"},
    ]
    assert errors(invoice(api, three)) == [
        "A line item can have a maximum of 2 tracking categories."
    ]


def test_currencies_gate_multi_currency_invoices(api: httpx.Client) -> None:
    codes = [c["Code"] for c in api.get("/Currencies").json()["Currencies"]]
    assert codes == ["NZD", "USD"]  # the demo company trades in USD too
    refused = invoice(api, [], CurrencyCode="EUR", CurrencyRate=0.55)
    assert errors(refused) == ["Organisation is not subscribed to currency EUR"]
    added = api.put("/Currencies", json={"Code": "EUR"})
    assert added.status_code == 200, added.text
    assert added.json()["Currencies"] == [{"Code": "EUR", "Description": "Euro"}]
    assert [c["Code"] for c in api.get("/Currencies").json()["Currencies"]] == ["EUR", "NZD", "USD"]
    made = invoice(api, [], CurrencyCode="EUR", CurrencyRate=0.55)
    assert made.status_code == 200, made.text
    shown = made.json()["Invoices"][0]
    assert (shown["CurrencyCode"], shown["CurrencyRate"]) == ("EUR", 0.55)
    home = invoice(api, [], CurrencyRate=3).json()["Invoices"][0]
    assert home["CurrencyRate"] == 1  # the base currency's rate is always 1
