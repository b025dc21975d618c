"""A worker that takes over a push lease which merely ran out does not send the old owner's batches
again until that owner's calls must have ended: Xero does not hold back a second request under a
key it is still answering, so both run, the second is refused ("Invoice # must be unique") and the
record ends a dead letter while it is in Xero once, unmapped (CI met it at a load of 14 with
3-second leases). A lease let go cleanly is resumed at once, as before.

Xero here is a mock with Xero's documented behaviour (an answer is kept under its key once given;
a request under a key not answered yet runs), whose first invoices call can be held at Xero: its
records written, its answer not yet given, for as long as the test likes.

A push sends only while its lease is its own with one exchange's time left (the client checks it
right before each send, after the rate waits), so the takeover waits one exchange after the
lease's end (`XeroClient.longest_exchange`: 240 s with the defaults), not the hours a call with
all its waits may take."""

from __future__ import annotations

import json
import threading
import uuid
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.sync.conftest import contact, invoice, mock_xero_sync
from xerosync.api import XeroSync
from xerosync.clock import FakeClock
from xerosync.engine import PushReport, SyncContext, push_connection
from xerosync.store import leases, outbox
from xerosync.store.tables import Lease

INVOICES = 3
TTL = 60.0


class Stalled(BaseException):
    """A worker dying on the spot (a SIGKILL): nothing is tidied up, its lease runs out."""


class XeroHolding:
    """Xero writing invoices per record (a number already taken is refused), answers kept under
    their Idempotency-Key once given; `hold` keeps the first invoices call at Xero, its records
    written, until `answer` is set."""

    def __init__(self, clock: FakeClock, *, hold: bool = True) -> None:
        self.clock = clock
        self.hold = hold
        self.at_xero = threading.Event()
        self.answer = threading.Event()
        self.lock = threading.Lock()
        self.numbers: Counter[str] = Counter()  # invoices in Xero, by number
        self.answered: dict[str, bytes] = {}
        self.puts: list[tuple[str, datetime]] = []  # invoice calls: key, when sent

    def __call__(self, request: httpx.Request) -> httpx.Response:
        kind = request.url.path.rsplit("/", 1)[-1]
        if request.method == "GET":  # look-ups in Xero: nothing found
            return httpx.Response(200, json={kind: []})
        key = request.headers["idempotency-key"]
        with self.lock:
            if key in self.answered:
                return httpx.Response(200, content=self.answered[key])
            if kind == "Invoices":
                self.puts.append((key, self.clock.now()))
            first = self.hold and kind == "Invoices"
            self.hold = self.hold and not first
            echoed = [self._write(kind, record) for record in json.loads(request.content)[kind]]
        if first:  # at Xero, written, not answered yet
            self.at_xero.set()
            assert self.answer.wait(timeout=30)
        body = json.dumps({kind: echoed}).encode()
        with self.lock:
            self.answered[key] = body
        return httpx.Response(200, content=body)

    def _write(self, kind: str, record: dict[str, Any]) -> dict[str, Any]:
        if kind == "Invoices":
            number = record["InvoiceNumber"]
            if self.numbers[number]:
                errors = [{"Message": "Invoice # must be unique."}]
                return {**record, "StatusAttributeString": "ERROR", "ValidationErrors": errors}
            self.numbers[number] += 1
            return {**record, "InvoiceID": str(uuid.uuid4()), "StatusAttributeString": "OK"}
        return {**record, "ContactID": str(uuid.uuid4()), "StatusAttributeString": "OK"}


def _setup(db_url: str, *, hold: bool = True) -> tuple[XeroSync, str, XeroHolding, FakeClock]:
    clock = FakeClock()
    xero = XeroHolding(clock, hold=hold)
    sync, conn = mock_xero_sync(db_url, xero, clock)
    sync.submit_many(conn, "contacts", [contact(1)])
    assert push_connection(sync.context, conn).finished  # the customer is in Xero already
    sync.submit_many(conn, "invoices", [invoice(n) for n in range(1, INVOICES + 1)])
    return sync, conn, xero, clock


def _worker(sync: XeroSync, name: str, **settings: Any) -> SyncContext:
    return replace(sync.context, **{"owner": name, "lease_ttl": TTL, "concurrency": 1, **settings})


def _in_background(ctx: SyncContext, conn: str) -> tuple[threading.Thread, list[PushReport]]:
    reports: list[PushReport] = []
    thread = threading.Thread(target=lambda: reports.append(push_connection(ctx, conn)))
    thread.start()
    return thread, reports


def _mapped(sync: XeroSync, conn: str) -> list[str]:
    found = (sync.status(conn, "invoices", f"order-{n}") for n in range(1, INVOICES + 1))
    return [s.state for s in found if s is not None and s.xero_id]


def _each_once() -> Counter[str]:
    return Counter({f"ORD-{n:04d}": 1 for n in range(1, INVOICES + 1)})


def test_sent_again_at_once_the_batch_still_at_xero_is_refused_as_a_duplicate(
    db_url: str,
) -> None:
    """The race itself, as it was before the takeover waited (a wait of 0)."""
    sync, conn, xero, clock = _setup(db_url)
    first, reports = _in_background(_worker(sync, "worker-1"), conn)
    assert xero.at_xero.wait(timeout=30)
    clock.advance(TTL + 1)  # worker 1's call outlives its lease

    second = push_connection(_worker(sync, "worker-2", takeover_wait=0.0), conn)
    xero.answer.set()
    first.join(timeout=30)

    [(key, _), (again, _)] = xero.puts
    assert key == again  # the same request under the same key, while the first was at Xero
    assert xero.numbers == _each_once()  # in Xero once...
    assert second.rejected == INVOICES  # ...refused the second time...
    letters = sync.dead_letters()
    assert len(letters) == INVOICES  # ...and dead letters
    assert all("must be unique" in m for letter in letters for m in letter.messages)
    assert _mapped(sync, conn) == []  # nothing names the invoices in Xero
    assert reports


def test_a_takeover_waits_until_the_stalled_workers_call_must_have_ended(db_url: str) -> None:
    sync, conn, xero, clock = _setup(db_url)
    ctx = _worker(sync, "worker-1")
    first, reports = _in_background(ctx, conn)
    assert xero.at_xero.wait(timeout=30)
    lease_end = clock.now() + timedelta(seconds=TTL)  # taken (and renewed) before the call
    clock.advance(TTL + 1)

    second = push_connection(_worker(sync, "worker-2"), conn)

    assert second.finished, second.error
    assert len(xero.puts) == 1  # not sent again
    assert second.deferred == INVOICES
    assert second.resent == 0
    wait = sync.client.longest_exchange()
    assert second.deferred_until == lease_end + timedelta(seconds=wait)
    # a push just after it defers as well: the lease it let go is still the stalled worker's
    third = push_connection(_worker(sync, "worker-3"), conn)
    assert (third.deferred, third.deferred_until) == (INVOICES, second.deferred_until)

    xero.answer.set()  # worker 1's call ends after all, and is recorded
    first.join(timeout=30)
    [report] = reports
    assert report.finished, report.error
    assert xero.numbers == _each_once()
    assert len(xero.puts) == 1
    assert sync.dead_letters() == []
    assert _mapped(sync, conn) == ["synced"] * INVOICES


def test_a_dead_workers_batch_is_sent_again_only_after_the_bound(db_url: str) -> None:
    sync, conn, xero, clock = _setup(db_url, hold=False)

    def dies_once_claimed(name: str) -> None:
        if name == "claimed":  # the invoices' batch, claimed, not sent
            raise Stalled

    with pytest.raises(Stalled):
        push_connection(_worker(sync, "worker-1"), conn, checkpoint=dies_once_claimed)
    lease_end = clock.now() + timedelta(seconds=TTL)
    wait = sync.client.longest_exchange()
    assert wait == 240  # one exchange: two sends of the 90 s deadline and a 30 s read
    clock.advance(TTL + 1)

    early = push_connection(_worker(sync, "worker-2"), conn)
    assert (early.deferred, early.resent, early.adopted) == (INVOICES, 0, 0)
    assert early.deferred_until == lease_end + timedelta(seconds=wait)
    assert xero.puts == []

    clock.advance((lease_end + timedelta(seconds=wait) - clock.now()).total_seconds() - 1)
    assert push_connection(_worker(sync, "worker-3"), conn).deferred == INVOICES
    assert xero.puts == []

    clock.advance(1)  # its calls must have ended: looked for in Xero, then sent (a new key)
    late = push_connection(_worker(sync, "worker-4"), conn)
    assert late.finished, late.error
    assert late.deferred == 0
    assert late.deferred_until is None
    assert [at for _, at in xero.puts] == [lease_end + timedelta(seconds=wait)]
    assert xero.numbers == _each_once()
    assert sync.dead_letters() == []
    assert _mapped(sync, conn) == ["synced"] * INVOICES


def test_a_batch_whose_lease_was_let_go_is_sent_again_at_once(db_url: str) -> None:
    sync, conn, xero, clock = _setup(db_url, hold=False)

    def fails_once_claimed(name: str) -> None:
        if name == "claimed":
            raise RuntimeError("the worker gave up on the batch")  # lease released on the way

    with pytest.raises(RuntimeError):
        push_connection(_worker(sync, "worker-1"), conn, checkpoint=fails_once_claimed)
    with sync.db.transaction() as session:
        assert len(outbox.in_flight_batches(session, conn)) == 1

    again = push_connection(_worker(sync, "worker-2"), conn)

    assert again.finished, again.error
    assert (again.deferred, again.resent) == (0, INVOICES)
    assert [at for _, at in xero.puts] == [clock.now()]  # at once, under the batch's key
    assert xero.numbers == _each_once()
    assert _mapped(sync, conn) == ["synced"] * INVOICES


def test_the_wait_is_one_exchange_of_the_clients_config(db_url: str) -> None:
    sync, _conn, _xero, _clock = _setup(db_url, hold=False)
    # two sends (a 401 refreshes and sends again) of the 90 s deadline plus a 30 s read; the
    # rate waits before a try come before the lease is checked, so they do not count
    assert sync.client.longest_exchange() == 2 * (90 + 30) == 240


def _lease_until(sync: XeroSync, conn: str) -> datetime:
    with sync.db.transaction() as session:
        lease = session.get(Lease, f"push:{conn}")
        assert lease is not None
        until: datetime = lease.until
    return until if until.tzinfo else until.replace(tzinfo=UTC)


def test_a_push_whose_lease_was_taken_while_it_waited_stops_before_sending(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Worker 1's call waits for the rate limits (here as long as its lease: a spent minute,
    the app's fair share); meanwhile its lease runs out and worker 2 takes it. The client checks
    the lease once the call is admitted, right before the send: worker 1 stops with nothing
    sent, the batch left in flight as it was. (Checked before the wait, as it was, the request
    went out on a lease that was no longer worker 1's.)"""
    sync, conn, xero, clock = _setup(db_url, hold=False)
    admit = sync.client.governor.acquire

    def lease_taken_while_waiting(tenant: str | None) -> float:
        clock.advance(TTL + 1)
        assert leases.acquire(sync.db, f"push:{conn}", "worker-2", now=clock.now(), ttl=TTL)
        monkeypatch.setattr(sync.client.governor, "acquire", admit)
        return admit(tenant)

    monkeypatch.setattr(sync.client.governor, "acquire", lease_taken_while_waiting)
    report = push_connection(_worker(sync, "worker-1"), conn)

    assert report.error is not None
    assert "lost to another worker" in report.error
    assert (report.calls, report.ok, report.rejected) == (0, 0, 0)
    assert xero.puts == []  # nothing sent
    with sync.db.transaction() as session:
        [(_batch, rows)] = outbox.in_flight_batches(session, conn)
        assert len(rows) == INVOICES
        assert [r.attempts for r in rows] == [1] * INVOICES  # the claim's, no more
    assert sync.dead_letters() == []


def test_a_push_renews_its_lease_before_sending_with_less_than_an_exchange_left(
    db_url: str,
) -> None:
    """With less than one exchange left on the lease when its request is about to go (here
    200 s of 600), the push renews it first: the request is on the wire only while the lease
    has time for it."""
    sync, conn, xero, clock = _setup(db_url, hold=False)
    ttl = 600.0
    taken = clock.now()
    renewed: list[datetime] = []

    def time_passes(name: str) -> None:
        if name == "claimed":
            clock.advance(ttl - 200)
        if name == "answered":
            renewed.append(_lease_until(sync, conn))

    report = push_connection(_worker(sync, "worker-1", lease_ttl=ttl), conn, checkpoint=time_passes)

    assert report.finished, report.error
    assert [at for _, at in xero.puts] == [taken + timedelta(seconds=ttl - 200)]
    assert renewed == [clock.now() + timedelta(seconds=ttl)]  # renewed when it was sent
    assert xero.numbers == _each_once()


def test_a_push_with_an_exchange_left_on_its_lease_does_not_renew_it(db_url: str) -> None:
    sync, conn, xero, clock = _setup(db_url, hold=False)
    ttl = 600.0
    taken = clock.now()
    seen: list[datetime] = []

    def time_passes(name: str) -> None:
        if name == "claimed":
            clock.advance(ttl - 241)
        if name == "answered":
            seen.append(_lease_until(sync, conn))

    report = push_connection(_worker(sync, "worker-1", lease_ttl=ttl), conn, checkpoint=time_passes)

    assert report.finished, report.error
    assert seen == [taken + timedelta(seconds=ttl)]  # as taken: a renewal is a write
    assert len(xero.puts) == 1
