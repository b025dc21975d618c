"""Contacts over real HTTP: writes in both error modes, uniqueness, archive, reads."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import RunningEmulator
from tests.support.books_api import api_client

ZERO = "00000000-0000-0000-0000-000000000000"


@pytest.fixture
def api(emulator: RunningEmulator) -> Iterator[httpx.Client]:
    with api_client(emulator) as (client, _):
        yield client


def names(client: httpx.Client, **params: str) -> list[str]:
    response = client.get("/Contacts", params=params)
    assert response.status_code == 200, response.text
    return [c["Name"] for c in response.json()["Contacts"]]


def test_put_creates_contacts_and_get_by_id_shows_them(api: httpx.Client) -> None:
    response = api.put(
        "/Contacts",
        json={"Contacts": [{"Name": "Kiwi Widgets", "EmailAddress": "ap@kiwi.example"}]},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["Status"] == "OK"
    assert body["ProviderName"] == "books tests"
    created = body["Contacts"][0]
    assert created["ContactStatus"] == "ACTIVE"
    assert created["UpdatedDateUTC"].startswith("/Date(")
    fetched = api.get(f"/Contacts/{created['ContactID']}").json()["Contacts"][0]
    assert fetched["Name"] == "Kiwi Widgets"
    assert {a["AddressType"] for a in fetched["Addresses"]} == {"POBOX", "STREET"}
    assert len(fetched["Phones"]) == 4


def test_unknown_contact_is_a_plain_404(api: httpx.Client) -> None:
    response = api.get("/Contacts/1b0a5a84-3e0b-4b23-9c31-6d2b3a3f0c11")
    assert response.status_code == 404
    assert response.text == "The resource you're looking for cannot be found"


def test_summarised_errors_still_create_the_valid_records(api: httpx.Client) -> None:
    batch = {
        "Contacts": [
            {"Name": "Alpha Ltd"},
            {"Name": "Ridgeway University"},  # exists in the demo company
            {"EmailAddress": "no-name@example.com"},
            {"Name": "Beta Ltd"},
        ]
    }
    response = api.put("/Contacts", json=batch)
    assert response.status_code == 400
    error = response.json()
    assert error["Type"] == "ValidationException"
    assert error["ErrorNumber"] == 10
    assert len(error["Elements"]) == 2
    messages = [e["ValidationErrors"][0]["Message"] for e in error["Elements"]]
    assert messages[0] == (
        "The contact name Ridgeway University is already assigned to another contact. "
        "The contact name must be unique across all active contacts."
    )
    assert "identify the contact" in messages[1]
    assert all(e["ContactID"] == ZERO for e in error["Elements"])
    listed = names(api)
    assert "Alpha Ltd" in listed
    assert "Beta Ltd" in listed


def test_summarize_errors_false_reports_each_element(api: httpx.Client) -> None:
    batch = {"Contacts": [{"Name": "Gamma Ltd"}, {"Name": "gamma ltd"}, {"Name": "Delta Ltd"}]}
    response = api.put("/Contacts", params={"summarizeErrors": "false"}, json=batch)
    assert response.status_code == 200
    results = response.json()["Contacts"]
    assert [r["StatusAttributeString"] for r in results] == ["OK", "ERROR", "OK"]
    assert results[1]["HasValidationErrors"] is True
    assert results[1]["ContactID"] == ZERO
    assert (
        "must be unique across all active contacts" in results[1]["ValidationErrors"][0]["Message"]
    )
    assert results[0]["ContactID"] != ZERO
    assert {"Gamma Ltd", "Delta Ltd"} <= set(names(api))


def test_post_upserts_by_name_and_updates_by_id(api: httpx.Client) -> None:
    first = api.post("/Contacts", json={"Contacts": [{"Name": "Epsilon"}]}).json()["Contacts"][0]
    again = api.post(
        "/Contacts", json={"Contacts": [{"Name": "Epsilon", "EmailAddress": "e@x.example"}]}
    ).json()["Contacts"][0]
    assert again["ContactID"] == first["ContactID"]
    assert again["EmailAddress"] == "e@x.example"
    renamed = api.post(
        f"/Contacts/{first['ContactID']}", json={"Contacts": [{"Name": "Epsilon Two"}]}
    )
    assert renamed.status_code == 200
    assert renamed.json()["Contacts"][0]["Name"] == "Epsilon Two"
    missing = api.post(
        "/Contacts/2b0a5a84-3e0b-4b23-9c31-6d2b3a3f0c11", json={"Contacts": [{"Name": "x"}]}
    )
    assert missing.status_code == 404


def test_archived_contacts_are_hidden_unless_asked_for_and_free_their_name(
    api: httpx.Client,
) -> None:
    contact = api.put("/Contacts", json={"Contacts": [{"Name": "Old Co"}]}).json()["Contacts"][0]
    archived = api.post(
        f"/Contacts/{contact['ContactID']}", json={"Contacts": [{"ContactStatus": "ARCHIVED"}]}
    )
    assert archived.json()["Contacts"][0]["ContactStatus"] == "ARCHIVED"
    assert "Old Co" not in names(api)
    assert "Old Co" in names(api, includeArchived="True")
    reused = api.put("/Contacts", json={"Contacts": [{"Name": "Old Co"}]})
    assert reused.status_code == 200, "an archived contact's name is free again"


def test_search_term_ids_and_summary_only(api: httpx.Client) -> None:
    assert names(api, searchTerm="marine") == ["Marine Systems"]
    all_contacts = api.get("/Contacts").json()["Contacts"]
    two = [c["ContactID"] for c in all_contacts[:2]]
    by_ids = api.get("/Contacts", params={"IDs": ",".join(two)}).json()["Contacts"]
    assert sorted(c["ContactID"] for c in by_ids) == sorted(two)
    summary = api.get("/Contacts", params={"summaryOnly": "true"}).json()
    assert "pagination" in summary
    assert "Addresses" not in summary["Contacts"][0]


def test_get_by_contact_number(api: httpx.Client) -> None:
    response = api.get("/Contacts/C003")
    assert response.status_code == 200
    assert response.json()["Contacts"][0]["Name"] == "Marine Systems"
