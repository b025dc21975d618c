"""An update pushed while a person's edit in Xero is not yet pulled must not overwrite it: the
push first pulls what changed for the records it updates and merges three ways, so the person's
field survives and an overlap follows the rules (or waits as a conflict)."""

from __future__ import annotations

import pytest

from tests.conftest import EmulatorFactory
from tests.sync.conftest import Harness, connect_harness, contact
from tests.sync.test_merge_emulator import edit_in_xero, pushed_contact, the_contact
from xerosync.clock import FakeClock
from xerosync.emulator import EmulatorConfig


def test_a_field_edited_in_xero_survives_an_app_update_pushed_before_any_pull(
    harness: Harness,
) -> None:
    sync, conn = harness.sync, harness.connection
    xero_id = pushed_contact(harness)
    edit_in_xero(harness, xero_id, EmailAddress="billing@hillcrest.example")
    harness.clock.advance(2)
    sync.submit(conn, "contacts", contact(1, name="Hillcrest", phone="021 555 0100"))

    pushed = sync.push(conn)

    assert pushed.ok == 1
    found = the_contact(harness, xero_id)
    assert found["EmailAddress"] == "billing@hillcrest.example"  # the person's edit is kept
    assert [p["PhoneNumber"] for p in found["Phones"] if p["PhoneType"] == "DEFAULT"] == [
        "021 555 0100"
    ]
    told = [c for c in sync.changes(limit=1000) if c.kind == "changed_in_xero"]
    assert told[-1].data["fields"] == {"email": "billing@hillcrest.example"}  # and the app hears


def test_a_creation_costs_no_read_before_it(harness: Harness) -> None:
    sync, conn = harness.sync, harness.connection
    sync.submit(conn, "contacts", contact(1))
    assert sync.push(conn).calls == 1


@pytest.fixture
def manual(emulator_factory: EmulatorFactory, db_url: str, clock: FakeClock) -> Harness:
    emulator = emulator_factory(EmulatorConfig(auto_approve=True))
    return connect_harness(
        emulator, db_url, clock, mapping={"rules": {"entities": {"contacts": "manual"}}}
    )


def test_both_sides_changing_a_field_waits_for_a_person_instead_of_the_push_winning(
    manual: Harness,
) -> None:
    harness, sync, conn = manual, manual.sync, manual.connection
    xero_id = pushed_contact(harness)
    edit_in_xero(harness, xero_id, EmailAddress="billing@hillcrest.example")
    harness.clock.advance(2)
    sync.submit(conn, "contacts", contact(1, name="Hillcrest", email="accounts@hillcrest.example"))

    sync.push(conn)

    assert the_contact(harness, xero_id)["EmailAddress"] == "billing@hillcrest.example"
    [conflict] = sync.conflicts()
    assert [f["field"] for f in conflict.fields] == ["email"]
