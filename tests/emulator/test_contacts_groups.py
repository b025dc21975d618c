"""ContactGroups over real HTTP: create, membership both ways, delete, the 100 limit."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import RunningEmulator
from tests.support.books_api import api_client


@pytest.fixture
def api(emulator: RunningEmulator) -> Iterator[httpx.Client]:
    with api_client(emulator) as (client, _):
        yield client


def test_groups_and_membership(api: httpx.Client) -> None:
    listed = api.get("/ContactGroups").json()["ContactGroups"]
    assert [g["Name"] for g in listed] == ["Customers", "Suppliers"]
    created = api.put("/ContactGroups", json={"ContactGroups": [{"Name": "VIP"}]})
    assert created.status_code == 200, created.text
    group = created.json()["ContactGroups"][0]
    contact = api.get("/Contacts/C001").json()["Contacts"][0]
    added = api.put(
        f"/ContactGroups/{group['ContactGroupID']}/Contacts",
        json={"Contacts": [{"ContactID": contact["ContactID"]}]},
    )
    assert added.status_code == 200, added.text
    detail = api.get(f"/ContactGroups/{group['ContactGroupID']}").json()["ContactGroups"][0]
    assert [c["ContactID"] for c in detail["Contacts"]] == [contact["ContactID"]]
    mirrored = api.get(f"/Contacts/{contact['ContactID']}").json()["Contacts"][0]
    assert "VIP" in [g["Name"] for g in mirrored["ContactGroups"]]

    removed = api.delete(
        f"/ContactGroups/{group['ContactGroupID']}/Contacts/{contact['ContactID']}"
    )
    assert removed.status_code == 204
    mirrored = api.get(f"/Contacts/{contact['ContactID']}").json()["Contacts"][0]
    assert "VIP" not in [g["Name"] for g in mirrored["ContactGroups"]]

    duplicate = api.put("/ContactGroups", json={"ContactGroups": [{"Name": "vip"}]})
    assert duplicate.status_code == 400
    deleted = api.post(
        f"/ContactGroups/{group['ContactGroupID']}",
        json={"ContactGroups": [{"Status": "DELETED"}]},
    )
    assert deleted.json()["ContactGroups"][0]["Status"] == "DELETED"
    assert "VIP" not in [g["Name"] for g in api.get("/ContactGroups").json()["ContactGroups"]]


def test_removing_all_contacts_and_unknown_ids(api: httpx.Client) -> None:
    customers = api.get("/ContactGroups", params={"where": 'Name=="Customers"'}).json()
    group_id = customers["ContactGroups"][0]["ContactGroupID"]
    assert api.delete(f"/ContactGroups/{group_id}/Contacts").status_code == 204
    detail = api.get(f"/ContactGroups/{group_id}").json()["ContactGroups"][0]
    assert detail["Contacts"] == []
    unknown = api.put(
        f"/ContactGroups/{group_id}/Contacts",
        json={"Contacts": [{"ContactID": "1b0a5a84-3e0b-4b23-9c31-6d2b3a3f0c11"}]},
    )
    assert unknown.status_code == 400
    assert api.get("/ContactGroups/1b0a5a84-3e0b-4b23-9c31-6d2b3a3f0c11").status_code == 404


def test_at_most_100_groups(api: httpx.Client) -> None:
    batch = {"ContactGroups": [{"Name": f"Group {i}"} for i in range(98)]}
    assert api.put("/ContactGroups", json=batch).status_code == 200
    over = api.put("/ContactGroups", json={"ContactGroups": [{"Name": "One too many"}]})
    assert over.status_code == 400
    assert over.json()["Elements"][0]["ValidationErrors"][0]["Message"] == (
        "You\u2019ve reached the limit of 100 contact groups."
    )
