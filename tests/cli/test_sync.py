"""`xerosync sync`: pending records reach Xero and Xero's changes come back, with a summary;
refused records and a connection to reconnect are exit code 1."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.cli.budget import day_spent_but
from tests.cli.conftest import Invoke
from tests.sync.conftest import Harness, contact, invoice
from xerosync.emulator.books import Books
from xerosync.store import connections as connection_store


def test_sync_pushes_then_pulls_and_sums_up(harness: Harness, invoke: Invoke) -> None:
    sync, conn = harness.sync, harness.connection
    sync.submit(conn, "contacts", contact(1))
    sync.submit(conn, "invoices", invoice(1))

    result = invoke("sync")

    assert result.exit_code == 0, result.output
    assert "Acme Ltd" in result.output
    assert "ok" in result.output
    status = sync.status(conn, "invoices", "order-1")
    assert status is not None
    assert status.state == "synced"
    assert [
        i["InvoiceNumber"] for i in harness.xero("Invoices", where='Reference=="ORD-0001"')
    ] or [i for i in harness.xero("Invoices") if i["InvoiceID"] == status.xero_id]
    # the seeded organisation's own records came back in the pull
    assert [e.entity for e in sync.overview(conn) if e.synced and e.entity == "contacts"]


def test_no_push_leaves_pending_records_alone(harness: Harness, invoke: Invoke) -> None:
    harness.sync.submit(harness.connection, "contacts", contact(1))

    result = invoke("sync", harness.connection, "--no-push")

    assert result.exit_code == 0, result.output
    status = harness.sync.status(harness.connection, "contacts", "cust-1")
    assert status is not None
    assert status.state == "pending"


def test_records_xero_refuses_are_exit_code_1_pointing_at_the_dead_letters(
    harness: Harness, invoke: Invoke
) -> None:
    sync, conn = harness.sync, harness.connection
    sync.submit(conn, "contacts", contact(1))
    bad = {
        **invoice(1),
        "lines": [{"description": "x", "unit_amount": "10", "account_code": "9999"}],
    }
    sync.submit(conn, "invoices", bad)

    result = invoke("sync", "--no-pull")

    assert result.exit_code == 1
    assert "1 record(s) refused by Xero" in result.output
    assert "xerosync deadletters list" in result.output
    assert [d.app_id for d in sync.dead_letters()] == ["order-1"]


def test_a_connection_to_reconnect_is_exit_code_1(harness: Harness, invoke: Invoke) -> None:
    with harness.sync.db.transaction() as session:
        connection_store.set_status(
            session, harness.connection, connection_store.NEEDS_REAUTH, "invalid_grant"
        )
    harness.sync.submit(harness.connection, "contacts", contact(1))

    result = invoke("sync")

    assert result.exit_code == 1
    assert "needs reconnecting: run `xerosync connect`" in result.output
    status = harness.sync.status(harness.connection, "contacts", "cust-1")
    assert status is not None
    assert status.state == "pending"


def test_an_unknown_connection_is_exit_code_2(harness: Harness, invoke: Invoke) -> None:
    result = invoke("sync", "nobody")
    assert result.exit_code == 2
    assert "no connection 'nobody'" in result.output


@pytest.mark.redis
def test_a_spent_day_budget_is_announced_and_the_sync_stops_short(
    harness: Harness, invoke: Invoke, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XEROSYNC_REDIS_URL", redis_url)
    harness.sync.submit(harness.connection, "contacts", contact(1))
    client_id = harness.emulator.state.config.demo_client_id

    with day_spent_but(redis_url, client_id, harness.tenant_id, left=0):
        result = invoke("sync")

    assert result.exit_code == 1
    assert "more than today's budget (0 of 5,000 calls left today)" in result.output
    assert "daily call limit" in result.output
    status = harness.sync.status(harness.connection, "contacts", "cust-1")
    assert status is not None
    assert status.state in ("pending", "in_flight")  # sent when the budget is back


def test_a_first_import_shows_its_pages_and_the_time_left(harness: Harness, invoke: Invoke) -> None:
    books = harness.emulator.state.tenants[harness.tenant_id].books
    before = len(harness.xero("Contacts", includeArchived="true"))
    load_contacts(books, 2_345)
    pages = math.ceil((before + 2_345) / 1_000)
    assert pages == 3

    result = invoke("sync", "--no-push")

    assert result.exit_code == 0, result.output
    for page in range(1, pages + 1):
        assert f"pull Acme Ltd: contacts page {page}/{pages}, about " in result.output
    # the time left is the plan's: the pages still to read and one call for each later entity
    assert f"page 1/{pages}, about {2 + 5} s left" in result.output
    assert f"page {pages}/{pages}, about 5 s left" in result.output
    contacts = [e for e in harness.sync.overview(harness.connection) if e.entity == "contacts"]
    assert contacts[0].synced == before + 2_345


def load_contacts(books: Books, count: int) -> None:
    """`count` contacts typed into Xero over the years (a first import's history)."""
    start = datetime(2019, 1, 1, tzinfo=UTC)

    def records() -> Iterator[dict[str, Any]]:
        for i in range(count):
            record: dict[str, Any] = books.contacts.blank(f"Old Customer {i:05d}")
            record["UpdatedDateUTC"] = start + timedelta(hours=i)
            yield record

    assert books.load("Contacts", records()) == count
