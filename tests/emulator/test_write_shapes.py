"""Every entity's writes refuse values Xero could not read, before any rule runs.

Over real HTTP: a wrong-typed field (a word for a number, an unknown enum value, a
malformed GUID or date, an object for a string) gets Xero's 400
PostDataInvalidException (ErrorNumber 14) naming the value, the .NET type and the
path, and nothing is written; a readable value of another JSON type ("12.50" for a
number, "true" for a boolean) is read, and echoed back with its spec type even when
the record is refused. The emulator fixture validates every response against the
spec at teardown. The shapes themselves are checked field by field against the spec.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

import httpx
import pytest
import yaml

from tests.conftest import RunningEmulator
from tests.support.books_api import api_client
from tests.support.spec import SPEC_DIR
from xerosync.emulator.books.post_shapes import Enum, ListOf, Shape
from xerosync.emulator.books.write_shapes import SHAPES

SPEC = SPEC_DIR / "xero_accounting.yaml"
NUMBER = "System.Nullable`1[System.Decimal]"
BOOLEAN = "System.Nullable`1[System.Boolean]"
GUID = "System.Nullable`1[System.Guid]"
DATE = "System.Nullable`1[System.DateTime]"


@pytest.fixture
def api(emulator: RunningEmulator) -> Iterator[httpx.Client]:
    with api_client(emulator) as (client, _):
        yield client


def refusal(response: httpx.Response) -> str:
    assert response.status_code == 400, response.text
    body = response.json()
    assert (body["ErrorNumber"], body["Type"]) == (14, "PostDataInvalidException")
    message = str(body["Message"])
    assert body["Elements"][0]["ValidationErrors"][0]["Message"] == message
    return message


# (list path, write method and path, body, the value, its .NET type, its JSON path)
CASES: list[tuple[str, str, str, dict[str, Any], str, str, str]] = [
    (
        "/Contacts",
        "PUT",
        "/Contacts",
        {"Contacts": [{"Name": "Typed Ltd", "IsSupplier": "maybe"}]},
        '"maybe"',
        BOOLEAN,
        "Contacts[0].IsSupplier",
    ),
    (
        "/Contacts",
        "POST",
        "/Contacts",
        {
            "Contacts": [
                {"Name": "Typed Ltd"},
                {"Name": "B", "Addresses": [{"AddressType": "HOME"}]},
            ]
        },
        '"HOME"',
        "AddressType",
        "Contacts[1].Addresses[0].AddressType",
    ),
    (
        "/Contacts",
        "PUT",
        "/Contacts",
        {"Contacts": [{"Name": "Typed Ltd", "ContactID": "not-a-guid"}]},
        '"not-a-guid"',
        GUID,
        "Contacts[0].ContactID",
    ),
    (
        "/Items",
        "PUT",
        "/Items",
        {"Items": [{"Code": "TYPED", "SalesDetails": {"UnitPrice": "twelve"}}]},
        '"twelve"',
        NUMBER,
        "Items[0].SalesDetails.UnitPrice",
    ),
    (
        "/Accounts",
        "PUT",
        "/Accounts",
        {"Code": "499", "Name": "Typed", "Type": "SPENDING"},
        '"SPENDING"',
        "AccountType",
        "Accounts[0].Type",
    ),
    (
        "/TaxRates",
        "PUT",
        "/TaxRates",
        {"TaxRates": [{"Name": "Typed", "TaxComponents": [{"Name": "T", "Rate": "ten"}]}]},
        '"ten"',
        NUMBER,
        "TaxRates[0].TaxComponents[0].Rate",
    ),
    (
        "/ContactGroups",
        "PUT",
        "/ContactGroups",
        {"ContactGroups": [{"Name": {"first": "Typed"}}]},
        "{'first': 'Typed'}",
        "System.String",
        "ContactGroups[0].Name",
    ),
    (
        "/TrackingCategories",
        "PUT",
        "/TrackingCategories",
        {"TrackingCategories": [{"Name": "Typed", "Status": "GONE"}]},
        '"GONE"',
        "TrackingStatus",
        "TrackingCategories[0].Status",
    ),
    (
        "/BankTransactions",
        "PUT",
        "/BankTransactions",
        {
            "BankTransactions": [
                {
                    "Type": "SPEND",
                    "Contact": {"Name": "Typed Ltd"},
                    "BankAccount": {"Code": "090"},
                    "LineItems": [{"Description": "x", "Quantity": "two", "UnitAmount": 5}],
                }
            ]
        },
        '"two"',
        NUMBER,
        "BankTransactions[0].LineItems[0].Quantity",
    ),
    (
        "/ManualJournals",
        "PUT",
        "/ManualJournals",
        {
            "ManualJournals": [
                {
                    "Narration": "Typed",
                    "JournalLines": [
                        {"LineAmount": "lots", "AccountCode": "200"},
                        {"LineAmount": -10, "AccountCode": "400"},
                    ],
                }
            ]
        },
        '"lots"',
        NUMBER,
        "ManualJournals[0].JournalLines[0].LineAmount",
    ),
    (
        "/CreditNotes",
        "PUT",
        "/CreditNotes",
        {
            "CreditNotes": [
                {"Type": "ACCRECCREDIT", "Contact": {"Name": "Typed Ltd"}, "Date": "yesterday"}
            ]
        },
        '"yesterday"',
        DATE,
        "CreditNotes[0].Date",
    ),
    (
        "/BankTransfers",
        "PUT",
        "/BankTransfers",
        {
            "BankTransfers": [
                {"FromBankAccount": {"Code": "090"}, "ToBankAccount": {"Code": "091"}, "Amount": []}
            ]
        },
        "[]",
        NUMBER,
        "BankTransfers[0].Amount",
    ),
    (
        "/Currencies",
        "PUT",
        "/Currencies",
        {"Currencies": [{"Code": ["EUR"]}]},
        "['EUR']",
        "System.String",
        "Currencies[0].Code",
    ),
]


@pytest.mark.parametrize(
    ("listed", "method", "path", "body", "value", "type_name", "where"),
    CASES,
    ids=[case[4] + " " + case[6] for case in CASES],
)
def test_a_wrong_typed_value_refuses_the_whole_request_and_writes_nothing(
    api: httpx.Client,
    listed: str,
    method: str,
    path: str,
    body: dict[str, Any],
    value: str,
    type_name: str,
    where: str,
) -> None:
    before = api.get(listed).json()
    response = api.request(method, path, json=body, params={"summarizeErrors": "false"})
    assert refusal(response) == (
        "JSON for post data was invalid,"
        f"Error converting value {value} to type '{type_name}'. Path '{where}'."
    )
    assert api.get(listed).json()[listed.strip("/")] == before[listed.strip("/")]


def test_sub_resource_writes_are_checked_too(api: httpx.Client) -> None:
    category = api.put("/TrackingCategories", json={"Name": "Typed Category"}).json()
    category_id = category["TrackingCategories"][0]["TrackingCategoryID"]
    response = api.put(
        f"/TrackingCategories/{category_id}/Options", json={"Options": [{"Name": ["North"]}]}
    )
    assert "Path 'Options[0].Name'" in refusal(response)

    note = api.put(
        "/CreditNotes",
        json={
            "Type": "ACCRECCREDIT",
            "Status": "AUTHORISED",
            "Contact": {"Name": "Typed Ltd"},
            "LineItems": [
                {"Description": "x", "Quantity": 1, "UnitAmount": 10, "AccountCode": "200"}
            ],
        },
    ).json()["CreditNotes"][0]
    response = api.put(
        f"/CreditNotes/{note['CreditNoteID']}/Allocations",
        json={"Allocations": [{"Amount": "some", "Invoice": {"InvoiceID": "x"}}]},
    )
    assert "Path 'Allocations[0].Amount'" in refusal(response)


def test_readable_values_are_read_and_echoed_with_their_spec_types(
    api: httpx.Client,
) -> None:
    created = api.put(
        "/Items",
        json={
            "Items": [
                {"Code": "STRPRICE", "IsSold": "true", "SalesDetails": {"UnitPrice": "12.50"}}
            ]
        },
    )
    assert created.status_code == 200, created.text
    item = created.json()["Items"][0]
    assert (item["IsSold"], item["SalesDetails"]["UnitPrice"]) == (True, 12.5)

    # A refused record is echoed as Xero read it: numbers, booleans and enum names typed
    # as the spec has them (the teardown check validates this response).
    refused = api.put(
        "/Items",
        params={"summarizeErrors": "false"},
        json={
            "Items": [
                {
                    "Code": "STRPRICE",
                    "IsSold": "false",
                    "SalesDetails": {"UnitPrice": "7", "AccountCode": 200},
                }
            ]
        },
    ).json()["Items"][0]
    assert refused["StatusAttributeString"] == "ERROR"
    assert refused["IsSold"] is False
    assert refused["SalesDetails"] == {"UnitPrice": 7.0, "AccountCode": "200"}

    contact = api.put(
        "/Contacts",
        params={"summarizeErrors": "false"},
        json={
            "Contacts": [
                {
                    "Name": "",
                    "IsCustomer": "TRUE",
                    "SalesDefaultLineAmountType": "inclusive",
                    "ContactPersons": [{"FirstName": 7, "IncludeInEmails": "false"}],
                }
            ]
        },
    ).json()["Contacts"][0]
    assert contact["HasValidationErrors"] is True
    assert contact["IsCustomer"] is True
    assert contact["SalesDefaultLineAmountType"] == "INCLUSIVE"
    assert contact["ContactPersons"] == [{"FirstName": "7", "IncludeInEmails": False}]


# -- the shapes agree with Xero's OpenAPI schemas ----------------------------------------

SCHEMAS = {
    "Accounts": "Account",
    "Allocations": "Allocation",
    "BankTransactions": "BankTransaction",
    "BankTransfers": "BankTransfer",
    "ContactGroups": "ContactGroup",
    "Contacts": "Contact",
    "CreditNotes": "CreditNote",
    "Currencies": "Currency",
    "Invoices": "Invoice",
    "Items": "Item",
    "ManualJournals": "ManualJournal",
    "Options": "TrackingOption",
    "Payments": "Payment",
    "TaxRates": "TaxRate",
    "TrackingCategories": "TrackingCategory",
}


@cache
def schemas() -> dict[str, Any]:
    spec = yaml.safe_load(SPEC.read_text())
    found: dict[str, Any] = spec["components"]["schemas"]
    return found


def _resolve(prop: Mapping[str, Any]) -> Mapping[str, Any]:
    if "$ref" in prop:
        return dict(
            schemas()[prop["$ref"].rsplit("/", 1)[1]],
            **{k: v for k, v in prop.items() if k != "$ref"},
        )
    return prop


def _agrees(shape: Shape, prop: Mapping[str, Any], path: str) -> list[str]:
    prop = _resolve(prop)
    if isinstance(shape, ListOf):
        if prop.get("type") != "array":
            return [f"{path}: the spec has no array"]
        return _agrees(shape.item, prop["items"], path + "[]")
    if isinstance(shape, Mapping):
        props = prop.get("properties")
        if props is None:
            return [f"{path}: the spec has no object"]
        problems = []
        for key, sub in shape.items():
            if key not in props:
                problems.append(f"{path}.{key}: not in the spec")
            else:
                problems += _agrees(sub, props[key], f"{path}.{key}")
        return problems
    if isinstance(shape, Enum):
        spec_values = {str(v).upper() for v in prop.get("enum", [])}
        return [] if spec_values == set(shape.values) else [f"{path}: enum {spec_values}"]
    kind = prop.get("type")
    fits = {
        "string": kind == "string" and prop.get("format") != "uuid",
        "number": kind in ("number", "integer"),
        "boolean": kind == "boolean",
        "guid": prop.get("format") == "uuid",
        "date": bool(prop.get("x-is-msdate")) or prop.get("format") in ("date", "date-time"),
    }[shape]
    return [] if fits else [f"{path}: {shape} but the spec says {kind}/{prop.get('format')}"]


def test_every_write_shape_agrees_with_the_spec() -> None:
    assert set(SHAPES) == set(SCHEMAS)
    problems: list[str] = []
    for kind, shape in SHAPES.items():
        problems += _agrees(shape, {"$ref": f"#/components/schemas/{SCHEMAS[kind]}"}, kind)
    assert problems == []
