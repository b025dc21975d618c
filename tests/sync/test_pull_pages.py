"""A page of records new to the store is adopted in bulk (their mappings written together after
the page): a record that appears twice on one page is still applied twice, in order, and a second
pull of the same records finds each of them unchanged, loading whole only the mappings of those
that changed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import select, update

from tests.sync.conftest import mock_xero_sync
from xerosync.api import XeroSync
from xerosync.clock import FakeClock
from xerosync.store.tables import MappingRow

ACME = "00000000-0000-0000-0000-0000000000a1"
BETA = "00000000-0000-0000-0000-0000000000b2"
GAMMA = "00000000-0000-0000-0000-0000000000c3"


class FakeXero:
    """Serves `contacts` and `invoices` as the one page of their GET; every other list is empty."""

    def __init__(
        self, contacts: list[dict[str, Any]], invoices: list[dict[str, Any]] | None = None
    ) -> None:
        self.contacts = contacts
        self.invoices = invoices or []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        endpoint = request.url.path.rsplit("/", 1)[-1]
        items = {"Contacts": self.contacts, "Invoices": self.invoices}.get(endpoint, [])
        pagination = {"page": 1, "pageSize": 1000, "pageCount": 1, "itemCount": len(items)}
        return httpx.Response(200, json={endpoint: items, "pagination": pagination})


def contact(xero_id: str, name: str) -> dict[str, Any]:
    return {
        "ContactID": xero_id,
        "Name": name,
        "ContactStatus": "ACTIVE",
        "UpdatedDateUTC": "/Date(1793664000000+0000)/",
        "Balances": {"AccountsReceivable": {"Outstanding": 12.5, "Overdue": 0.0}},
    }


def make_sync(db_url: str, fake: FakeXero) -> tuple[XeroSync, str]:
    return mock_xero_sync(db_url, fake, FakeClock(datetime(2026, 11, 30, tzinfo=UTC)))


def test_new_records_are_adopted_once_and_found_unchanged_when_read_again(db_url: str) -> None:
    fake = FakeXero([contact(ACME, "Acme"), contact(BETA, "Beta")])
    sync, conn = make_sync(db_url, fake)

    first = sync.pull(conn, entities=["contacts"])
    again = sync.pull(conn, entities=["contacts"])

    assert (first.created, first.changed, first.unchanged) == (2, 0, 0)
    assert (again.created, again.changed, again.unchanged) == (0, 0, 2)
    events = sync.changes(limit=100)
    assert [(e.kind, e.xero_id) for e in events] == [
        ("created_in_xero", ACME),
        ("created_in_xero", BETA),
    ]
    assert events[0].data == {"name": "Acme", "archived": False, "number": None, "status": "ACTIVE"}


def test_a_record_twice_on_one_page_is_applied_twice_in_order(db_url: str) -> None:
    fake = FakeXero([contact(ACME, "Acme"), contact(BETA, "Beta"), contact(ACME, "Acme")])
    sync, conn = make_sync(db_url, fake)

    same = sync.pull(conn, entities=["contacts"])

    assert (same.created, same.changed, same.unchanged) == (2, 0, 1)
    fake.contacts = [contact(GAMMA, "Gamma"), contact(GAMMA, "Gamma Ltd"), contact(BETA, "Beta")]

    renamed = sync.pull(conn, entities=["contacts"])

    assert (renamed.created, renamed.changed, renamed.unchanged) == (1, 1, 1)
    events = sync.changes(limit=100)
    assert [(e.kind, e.xero_id) for e in events] == [
        ("created_in_xero", ACME),
        ("created_in_xero", BETA),
        ("created_in_xero", GAMMA),
        ("changed_in_xero", GAMMA),
    ]
    assert events[-1].data == {"fields": {"name": "Gamma Ltd"}}
    fake.contacts = [contact(GAMMA, "Gamma Ltd")]
    assert sync.pull(conn, entities=["contacts"]).unchanged == 1


def test_only_the_records_changed_since_last_read_are_applied_again(db_url: str) -> None:
    fake = FakeXero([contact(ACME, "Acme"), contact(BETA, "Beta"), contact(GAMMA, "Gamma")])
    sync, conn = make_sync(db_url, fake)
    sync.pull(conn, entities=["contacts"])
    fake.contacts[1] = contact(BETA, "Beta Ltd")

    again = sync.pull(conn, entities=["contacts"])

    assert (again.created, again.changed, again.unchanged) == (0, 1, 2)
    learned = [e for e in sync.changes(limit=100) if e.kind == "changed_in_xero"]
    assert [(e.xero_id, e.data) for e in learned] == [(BETA, {"fields": {"name": "Beta Ltd"}})]


def test_an_unchanged_record_kept_before_its_type_was_gets_its_type(db_url: str) -> None:
    invoice = {
        "InvoiceID": "00000000-0000-0000-0000-0000000000d4",
        "Type": "ACCREC",
        "Contact": {"ContactID": ACME, "Name": "Acme"},
        "Status": "AUTHORISED",
        "Total": 11.5,
        "UpdatedDateUTC": "/Date(1793664000000+0000)/",
    }
    fake = FakeXero([contact(ACME, "Acme")], [invoice])
    sync, conn = make_sync(db_url, fake)
    sync.pull(conn, entities=["contacts", "invoices"])
    with sync.db.transaction() as session:
        session.execute(update(MappingRow).values(xero_type=None))

    again = sync.pull(conn, entities=["contacts", "invoices"])

    assert (again.created, again.changed, again.unchanged) == (0, 0, 2)
    with sync.db.transaction() as session:
        types = dict(session.execute(select(MappingRow.entity, MappingRow.xero_type)).all())
    assert types == {"contacts": None, "invoices": "ACCREC"}
