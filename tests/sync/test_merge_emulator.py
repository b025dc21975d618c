"""A contact edited in Xero and in the app at the same time: fields changed on one side merge,
fields changed on both follow the rule, and a `manual` conflict waits for a person (nothing
else waits behind it) until resolved through the API."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import EmulatorFactory
from tests.sync.conftest import Harness, connect_harness, contact
from xerosync.clock import FakeClock
from xerosync.emulator import EmulatorConfig


def edit_in_xero(harness: Harness, xero_id: str, **fields: Any) -> None:
    with harness.api() as api:
        response = api.post("Contacts", json={"Contacts": [{"ContactID": xero_id, **fields}]})
        assert response.status_code == 200, response.text


def pushed_contact(harness: Harness) -> str:
    sync, conn = harness.sync, harness.connection
    sync.submit(conn, "contacts", contact(1, name="Hillcrest"))
    assert sync.push(conn).ok == 1
    sync.pull(conn, entities=["contacts"])
    status = sync.status(conn, "contacts", "cust-1")
    assert status is not None
    assert status.xero_id is not None
    return status.xero_id


def the_contact(harness: Harness, xero_id: str) -> dict[str, Any]:
    [found] = harness.xero(f"Contacts/{xero_id}")
    return found


def test_edits_on_both_sides_merge_and_the_overlap_follows_origin_wins(harness: Harness) -> None:
    sync, conn = harness.sync, harness.connection
    xero_id = pushed_contact(harness)
    edit_in_xero(harness, xero_id, Name="Hillcrest Coll", EmailAddress="billing@hillcrest.example")
    sync.submit(conn, "contacts", contact(1, name="Hillcrest College", phone="021 555 0100"))
    harness.clock.advance(2)

    pulled = sync.pull(conn, entities=["contacts"])
    pushed = sync.push(conn)

    assert pulled.conflicts == 0
    assert [d.messages for d in sync.dead_letters()] == []
    assert pushed.ok == 1
    found = the_contact(harness, xero_id)
    assert found["Name"] == "Hillcrest College"  # both changed it: the app created it, so it wins
    assert found["EmailAddress"] == "billing@hillcrest.example"  # only Xero changed it: kept
    assert [p["PhoneNumber"] for p in found["Phones"] if p["PhoneType"] == "DEFAULT"] == [
        "021 555 0100"
    ]
    learned = [c for c in sync.changes(limit=1000) if c.kind == "changed_in_xero"]
    assert learned[-1].app_id == "cust-1"
    assert learned[-1].data["fields"] == {"email": "billing@hillcrest.example"}
    assert sync.conflicts() == []


@pytest.fixture
def manual(emulator_factory: EmulatorFactory, db_url: str, clock: FakeClock) -> Harness:
    emulator = emulator_factory(EmulatorConfig(auto_approve=True))
    return connect_harness(
        emulator, db_url, clock, mapping={"rules": {"entities": {"contacts": "manual"}}}
    )


def test_a_manual_conflict_waits_for_a_person_and_nothing_else_waits(manual: Harness) -> None:
    harness, sync, conn = manual, manual.sync, manual.connection
    xero_id = pushed_contact(harness)
    edit_in_xero(harness, xero_id, Name="Hillcrest Coll", EmailAddress="billing@hillcrest.example")
    sync.submit(conn, "contacts", contact(1, name="Hillcrest College", phone="021 555 0100"))
    harness.clock.advance(2)

    assert sync.pull(conn, entities=["contacts"]).conflicts == 1
    sync.push(conn)

    found = the_contact(harness, xero_id)
    assert found["Name"] == "Hillcrest Coll"  # the conflicting field is left alone...
    assert [p["PhoneNumber"] for p in found["Phones"] if p["PhoneType"] == "DEFAULT"] == [
        "021 555 0100"
    ]
    [conflict] = sync.conflicts()  # ...and visible, with both versions and the base
    assert conflict.fields == [
        {"field": "name", "base": "Hillcrest", "app": "Hillcrest College", "xero": "Hillcrest Coll"}
    ]
    assert sync.status(conn, "contacts", "cust-1").state == "conflict"  # type: ignore[union-attr]
    # a second pull and push do not settle it behind the person's back
    harness.clock.advance(2)
    sync.pull(conn, entities=["contacts"])
    sync.push(conn)
    assert the_contact(harness, xero_id)["Name"] == "Hillcrest Coll"

    sync.resolve(conflict.id, {"name": ("edit", "Hillcrest College Ltd")}, by="finance@example.com")
    assert sync.push(conn).ok == 1

    assert the_contact(harness, xero_id)["Name"] == "Hillcrest College Ltd"
    assert sync.conflicts() == []
    resolved = [c for c in sync.changes(limit=1000) if c.kind == "conflict_resolved"]
    assert resolved[-1].data["fields"]["name"] == "Hillcrest College Ltd"
    harness.clock.advance(2)
    again = sync.pull(conn, entities=["contacts"])
    assert again.conflicts == 0
    assert sync.status(conn, "contacts", "cust-1").state == "synced"  # type: ignore[union-attr]


def test_keep_xero_tells_the_app_and_sends_nothing(manual: Harness) -> None:
    harness, sync, conn = manual, manual.sync, manual.connection
    xero_id = pushed_contact(harness)
    edit_in_xero(harness, xero_id, Name="Hillcrest Coll")
    sync.submit(conn, "contacts", contact(1, name="Hillcrest College"))
    harness.clock.advance(2)
    sync.pull(conn, entities=["contacts"])
    [conflict] = sync.conflicts()

    sync.resolve(conflict.id, {"name": "xero"})
    sync.push(conn)

    assert the_contact(harness, xero_id)["Name"] == "Hillcrest Coll"
    assert sync.status(conn, "contacts", "cust-1").state == "synced"  # type: ignore[union-attr]
