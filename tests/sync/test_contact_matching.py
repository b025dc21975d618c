"""A contact the organisation already has is adopted, not created twice, when the mapping says
contacts are matched by name; matched by ContactNumber (the default) a mere namesake is not."""

from __future__ import annotations

from tests.conftest import EmulatorFactory
from tests.sync.conftest import Harness, connect_harness, contact
from xerosync.clock import FakeClock
from xerosync.emulator import EmulatorConfig


def test_matched_by_name_an_existing_contact_is_adopted_and_updated(
    emulator_factory: EmulatorFactory, db_url: str, clock: FakeClock
) -> None:
    emulator = emulator_factory(EmulatorConfig(auto_approve=True))
    harness = connect_harness(emulator, db_url, clock, mapping={"contact_match": "name"})
    sync, conn = harness.sync, harness.connection
    existing = harness.xero("Contacts")[0]

    sync.submit(conn, "contacts", contact(1, name=existing["Name"], email="new@example.com"))
    report = sync.push(conn)

    assert sync.dead_letters() == []
    assert report.finished
    status = sync.status(conn, "contacts", "cust-1")
    assert status is not None
    assert status.xero_id == existing["ContactID"]
    assert status.state == "synced"
    same_name = harness.xero("Contacts", where=f'Name=="{existing["Name"]}"')
    assert [c["ContactID"] for c in same_name] == [existing["ContactID"]]
    assert same_name[0]["EmailAddress"] == "new@example.com"


def test_matched_by_contact_number_a_namesake_is_refused_not_merged(harness: Harness) -> None:
    sync, conn = harness.sync, harness.connection
    existing = harness.xero("Contacts")[0]
    sync.submit(conn, "contacts", contact(1, name=existing["Name"]))
    sync.push(conn)
    [letter] = sync.dead_letters()
    assert "already assigned to another contact" in letter.messages[0]
    assert sync.status(conn, "contacts", "cust-1").xero_id is None  # type: ignore[union-attr]
