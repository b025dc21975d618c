"""Outbound webhooks to the application: the feed, signed, in order, at least once, retried with
backoff while the receiver is down, over a real socket."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from xerosync.clock import FakeClock
from xerosync.host.deliver import HEADER, deliver, verify
from xerosync.store import connections, feed
from xerosync.store.db import Database
from xerosync.testing import serve

SECRET = "receiver-secret"


class Receiver:
    """The application's endpoint: keeps what it is sent, fails while `down` is set."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.down = 0
        self.seen: list[dict[str, Any]] = []
        self.forged = 0

    async def endpoint(self, request: Request) -> Response:
        body = await request.body()
        if not verify(body, request.headers.get(HEADER), SECRET, now=self.clock.now()):
            self.forged += 1
            return Response(status_code=401)
        if self.down:
            self.down -= 1
            return Response(status_code=503)
        self.seen += json.loads(body)["events"]
        return Response(status_code=204)


def add_events(db: Database, count: int) -> str:
    with db.transaction() as session:
        connection = connections.upsert(session, tenant_id="t-1", grant_key="default")
        for n in range(count):
            feed.emit(
                session,
                connection_id=connection.id,
                entity="invoices",
                app_id=f"o-{n}",
                kind="pushed",
            )
        return connection.id


def test_events_reach_the_receiver_signed_in_order_and_once_it_is_back(db: Database) -> None:
    clock = FakeClock()
    receiver = Receiver(clock)
    add_events(db, 250)
    app = Starlette(routes=[Route("/hooks", receiver.endpoint, methods=["POST"])])
    with serve(app) as base, httpx.Client(timeout=10) as http:
        receiver.down = 2
        first = deliver(db, http, url=f"{base}/hooks", secret=SECRET, clock=clock)
        assert (first.sent, first.error) == (0, "the receiver answered 503")
        assert first.waiting_until == clock.now() + timedelta(seconds=2)
        assert (
            deliver(db, http, url=f"{base}/hooks", secret=SECRET, clock=clock).sent == 0
        )  # backing off

        clock.advance(2)
        second = deliver(db, http, url=f"{base}/hooks", secret=SECRET, clock=clock)
        assert second.error is not None  # down once more: the wait doubles
        assert second.waiting_until == clock.now() + timedelta(seconds=4)

        clock.advance(4)
        third = deliver(db, http, url=f"{base}/hooks", secret=SECRET, clock=clock)

    assert third.error is None
    assert third.sent == 250
    assert [e["app_id"] for e in receiver.seen] == [f"o-{n}" for n in range(250)]
    assert receiver.forged == 0


def test_a_forged_or_stale_signature_is_refused() -> None:
    clock = FakeClock()
    body = b'{"events": []}'
    from xerosync.host.deliver import sign

    good = sign(body, SECRET, int(clock.now().timestamp()))
    assert verify(body, good, SECRET, now=clock.now())
    assert not verify(body + b" ", good, SECRET, now=clock.now())
    assert not verify(body, good.upper(), SECRET, now=clock.now())
    assert not verify(body, good, "another-secret", now=clock.now())
    assert not verify(body, good, SECRET, now=clock.now() + timedelta(minutes=10))
    assert not verify(body, None, SECRET, now=clock.now())
