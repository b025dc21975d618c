"""What Xero answers is checked, not trusted: an update echoed with another record's id is an
error (nothing marked synced), and a whole call refused becomes dead letters with Xero's words."""

from __future__ import annotations

import json
import threading
import uuid

import httpx
from sqlalchemy import select

from tests.sync.conftest import mock_xero_sync
from xerosync.store import outbox
from xerosync.store.tables import AuditEntry, OutboxRow


class FakeXero:
    """Answers writes per record; `swap_ids` makes updates echo a different record; with
    `together`, each call waits until that many calls are in flight at once."""

    def __init__(self, together: int = 1) -> None:
        self.swap_ids = False
        self.refuse_with: dict[str, object] | None = None
        self.calls: list[str] = []
        self.together = threading.Barrier(together) if together > 1 else None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(f"{request.method} {request.url.path}")
        if self.together is not None:
            self.together.wait(timeout=10)  # BrokenBarrierError if the calls came one by one
        if request.method == "GET":  # the push reads what it updates first: nothing changed
            return httpx.Response(200, json={"Contacts": []})
        if self.refuse_with is not None:
            return httpx.Response(400, json=self.refuse_with)
        records = json.loads(request.content)["Contacts"]
        echoed = []
        for record in records:
            sent = record.get("ContactID")
            xero_id = str(uuid.uuid4()) if sent is None or self.swap_ids else sent
            echoed.append({**record, "ContactID": xero_id, "StatusAttributeString": "OK"})
        return httpx.Response(200, json={"Contacts": echoed})


def test_an_update_echoed_with_another_id_is_an_error_not_a_success(db_url: str) -> None:
    fake = FakeXero()
    sync, conn = mock_xero_sync(db_url, fake)
    sync.submit(conn, "contacts", {"id": "cust-1", "name": "First"})
    sync.push(conn)
    first = sync.status(conn, "contacts", "cust-1")
    assert first is not None

    fake.swap_ids = True
    sync.submit(conn, "contacts", {"id": "cust-1", "name": "Renamed"})
    report = sync.push(conn)

    assert report.ok == 0
    assert report.rejected == 1
    [letter] = sync.dead_letters()
    assert letter.reason == "mismatch"
    assert first.xero_id in letter.messages[0]
    after = sync.status(conn, "contacts", "cust-1")
    assert after is not None
    assert after.state == "failed"
    assert after.xero_id == first.xero_id  # the mapping still names the record we updated


def test_a_whole_call_refused_dead_letters_its_records_with_xeros_message(db_url: str) -> None:
    fake = FakeXero()
    fake.refuse_with = {
        "ErrorNumber": 10,
        "Type": "ValidationException",
        "Message": "A validation exception occurred",
        "Elements": [{"ValidationErrors": [{"Message": "Organisation is locked for edits"}]}],
    }
    sync, conn = mock_xero_sync(db_url, fake)
    sync.submit_many(conn, "contacts", [{"id": f"cust-{n}", "name": f"C {n}"} for n in (1, 2)])

    report = sync.push(conn)

    assert report.rejected == 2
    letters = sync.dead_letters()
    assert [letter.app_id for letter in letters] == ["cust-1", "cust-2"]
    assert letters[0].messages == ["Organisation is locked for edits"]
    assert sync.push(conn).calls == 0  # not retried until someone retries it


def test_independent_batches_are_in_flight_at_once(db_url: str) -> None:
    """Xero takes a second or more per write: one call at a time cannot use the budget."""
    fake = FakeXero(together=2)
    sync, conn = mock_xero_sync(db_url, fake)
    sync.context.concurrency = 2
    sync.submit_many(conn, "contacts", [{"id": f"cust-{n}", "name": f"C {n}"} for n in range(100)])

    report = sync.push(conn)

    assert report.finished, report.error
    assert (report.calls, report.ok) == (2, 100)


def test_the_outbox_keeps_only_what_has_not_gone_through(db_url: str) -> None:
    """A row Xero took is deleted in the commit that records it (the audit log keeps the write);
    a refused one stays as a dead letter, to be retried."""
    fake = FakeXero()
    sync, conn = mock_xero_sync(db_url, fake)
    sync.submit_many(conn, "contacts", [{"id": f"cust-{n}", "name": f"C {n}"} for n in range(3)])
    assert sync.push(conn).ok == 3

    fake.refuse_with = {"ErrorNumber": 10, "Type": "ValidationException", "Message": "locked"}
    sync.submit(conn, "contacts", {"id": "cust-9", "name": "Refused"})
    assert sync.push(conn).rejected == 1

    with sync.db.transaction() as session:
        left = session.execute(select(OutboxRow.app_id, OutboxRow.state)).all()
        writes = session.scalars(select(AuditEntry)).all()
    assert [tuple(row) for row in left] == [("cust-9", outbox.FAILED)]
    first = writes[0]
    assert sorted(first.app_ids) == ["cust-0", "cust-1", "cust-2"]
    assert first.idempotency_key
    assert first.method == "PUT"
    synced = sync.status(conn, "contacts", "cust-1")
    assert synced is not None
    assert synced.state == "synced"
