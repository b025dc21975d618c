"""Wake-ups: a wake-up runs the engine for its connection; several collapse into one while one
is queued; the sweeper re-wakes work whose wake-up was lost; the periodic pull visits only
connected organisations; wake-ups wait for the caller's commit."""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import replace
from datetime import timedelta

import pytest
from huey import MemoryHuey
from sqlalchemy import func, select, update
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.jobs.conftest import TasksFactory
from tests.sync.conftest import Harness, consent, contact, invoice
from tests.sync.test_crash_resume import Crash, crash_at
from xerosync.engine import push_connection
from xerosync.host.deliver import HEADER, verify
from xerosync.jobs import Schedule, Tasks, register_tasks, wake_after_commit
from xerosync.jobs.runs import find_work
from xerosync.store import connections
from xerosync.store.tables import PullCursor, TokenGrant
from xerosync.testing import serve


def numbers_in_xero(harness: Harness) -> Counter[str]:
    return Counter(
        i["InvoiceNumber"]
        for i in harness.xero("Invoices")
        if i["InvoiceNumber"].startswith("ORD-")
    )


def cursors(harness: Harness) -> int:
    with harness.sync.db.transaction() as session:
        return session.scalar(select(func.count()).select_from(PullCursor)) or 0


def test_a_wake_up_pushes_the_connections_records_to_xero(harness: Harness, tasks: Tasks) -> None:
    sync, conn = harness.sync, harness.connection
    sync.submit(conn, "contacts", contact(1))
    sync.submit_many(conn, "invoices", [invoice(n) for n in range(1, 4)])

    assert tasks.wake_push(conn)

    assert numbers_in_xero(harness) == Counter({"ORD-0001": 1, "ORD-0002": 1, "ORD-0003": 1})
    assert sync.status(conn, "invoices", "order-2").state == "synced"  # type: ignore[union-attr]
    assert tasks.wake_push(conn)  # the marker went when the task started: a new wake-up runs
    assert find_work(sync).push == []


def test_duplicate_wake_ups_collapse_while_one_is_queued(
    harness: Harness, tasks_on: TasksFactory
) -> None:
    sync, conn = harness.sync, harness.connection
    huey = MemoryHuey("xerosync-collapse", results=False)
    tasks = tasks_on(huey)
    sync.submit(conn, "contacts", contact(1))

    woken = [tasks.wake_push(conn) for _ in range(5)] + [tasks.wake_inbox(conn)]

    assert woken == [True, False, False, False, False, True]
    assert huey.pending_count() == 2
    sync.submit(conn, "contacts", contact(2))
    huey.execute(huey.dequeue())  # the push starts: stored from now on needs a new wake-up
    assert tasks.wake_push(conn)
    assert huey.pending_count() == 2
    assert sync.status(conn, "contacts", "cust-2").state == "synced"  # type: ignore[union-attr]


def test_a_lost_marker_does_not_block_wake_ups_for_ever(
    harness: Harness, tasks_on: TasksFactory
) -> None:
    huey = MemoryHuey("xerosync-lost", results=False)
    tasks = replace(tasks_on(huey), marker_ttl=0.0)
    assert tasks.wake_push(harness.connection)
    huey.flush()  # the message is lost, its marker is not (a worker killed mid-dequeue)
    huey.put("xerosync.wake:push:" + harness.connection, 0.0)

    assert tasks.wake_push(harness.connection)
    assert huey.pending_count() == 1


def test_the_sweeper_re_wakes_work_whose_wake_up_was_lost(harness: Harness, tasks: Tasks) -> None:
    sync, conn = harness.sync, harness.connection
    sync.submit_many(conn, "contacts", [contact(n) for n in range(1, 4)])
    dead = replace(sync.context, owner="killed-worker")
    with pytest.raises(Crash):  # the worker dies right after claiming its batch
        push_connection(dead, conn, checkpoint=crash_at("claimed", 1))
    assert find_work(sync).push == []  # in flight, and its lease has not run out: not ours
    # its lease runs out, and the one exchange its request could still be at Xero after it
    harness.clock.advance(sync.context.lease_ttl + 1 + sync.client.longest_exchange())

    found = tasks.sweep.call_local()

    assert found.push == [conn]
    names = Counter(c["Name"] for c in harness.xero("Contacts") if c["Name"].startswith("Cust"))
    assert names == Counter({f"Customer {n}": 1 for n in range(1, 4)})
    assert find_work(sync).push == []


def test_the_sweeper_wakes_the_inbox_of_unhandled_webhook_events(
    harness: Harness, tasks: Tasks
) -> None:
    sync, conn = harness.sync, harness.connection
    sync.submit(conn, "contacts", contact(1))
    sync.push(conn)
    xero_id = sync.status(conn, "contacts", "cust-1").xero_id  # type: ignore[union-attr]
    event = {
        "resourceId": xero_id,
        "eventDateUtc": "2026-11-30T10:00:00.000",
        "eventType": "UPDATE",
        "eventCategory": "CONTACT",
        "tenantId": harness.tenant_id,
    }
    assert sync.receive_webhook_events([event]) == 1  # and the service's wake-up was lost

    assert tasks.sweep.call_local().inbox == [conn]
    assert find_work(sync).inbox == []  # pulled and marked handled


def test_the_periodic_pull_skips_a_connection_that_needs_reauthorising(
    harness: Harness, tasks: Tasks
) -> None:
    sync, conn = harness.sync, harness.connection
    with sync.db.transaction() as session:
        connections.set_status(session, conn, connections.NEEDS_REAUTH, "invalid_grant")
    sync.submit(conn, "contacts", contact(1))

    assert tasks.pull_all.call_local() == []
    assert tasks.sweep.call_local().push == []
    assert cursors(harness) == 0
    assert sync.status(conn, "contacts", "cust-1").state == "pending"  # type: ignore[union-attr]

    assert consent(sync) == conn  # connected again: the schedules pick it up
    assert tasks.pull_all.call_local() == [conn]
    assert cursors(harness) > 0
    assert tasks.sweep.call_local().push == [conn]
    assert sync.status(conn, "contacts", "cust-1").state == "synced"  # type: ignore[union-attr]


def test_a_wake_up_waits_for_the_callers_commit(harness: Harness) -> None:
    sync, conn = harness.sync, harness.connection
    woken: list[str] = []
    with sync.db.transaction() as session:
        sync.submit(conn, "contacts", contact(1), session=session)
        wake_after_commit(session, woken.append, conn)
        assert woken == []
    assert woken == [conn]

    class Boom(Exception):
        pass

    def fails_after_submitting() -> None:
        with sync.db.transaction() as session:
            sync.submit(conn, "contacts", contact(2), session=session)
            wake_after_commit(session, woken.append, conn)
            raise Boom

    with pytest.raises(Boom):
        fails_after_submitting()
    assert woken == [conn]  # rolled back: no wake-up


def test_a_refresh_token_idle_for_weeks_is_refreshed_before_xero_drops_it(
    harness: Harness, tasks: Tasks
) -> None:
    sync = harness.sync
    before = sync.client.tokens.store.load("default")
    assert before is not None
    assert tasks.keep_alive.call_local().refreshed == []  # saved just now, at connect

    with sync.db.transaction() as session:
        session.execute(
            update(TokenGrant).values(updated_at=harness.clock.now() - timedelta(days=31))
        )
    result = tasks.keep_alive.call_local()

    assert result.refreshed == ["default"]
    after = sync.client.tokens.store.load("default")
    assert after is not None
    assert after.refresh_token != before.refresh_token
    sync.submit(harness.connection, "contacts", contact(1))
    assert sync.push(harness.connection).ok == 1  # the new pair works


def test_a_worker_tells_a_person_once_when_a_connection_needs_reconnecting(
    harness: Harness,
) -> None:
    told: list[str] = []
    huey = MemoryHuey("xerosync-notify", immediate=True, results=False)
    tasks = register_tasks(
        huey, lambda: harness.sync, Schedule(), notify=lambda subject, body: told.append(subject)
    )
    client_id = harness.emulator.state.config.demo_client_id
    with harness.emulator.admin() as admin:
        admin.post(f"/apps/{client_id}/expire-refresh-tokens").raise_for_status()
        admin.post(f"/apps/{client_id}/expire-access-tokens").raise_for_status()
    harness.sync.submit(harness.connection, "contacts", contact(1))

    for _ in range(3):
        tasks.wake_push(harness.connection)

    assert told == ["xerosync: reconnect Acme Ltd to keep it in sync"]


def test_the_deliver_schedule_sends_the_feed_to_the_applications_endpoint(harness: Harness) -> None:
    received: list[str] = []

    async def endpoint(request: Request) -> Response:
        body = await request.body()
        assert verify(body, request.headers.get(HEADER), "app-secret", now=harness.clock.now())
        received.extend(e["kind"] for e in json.loads(body)["events"])
        return Response(status_code=204)

    harness.sync.submit(harness.connection, "contacts", contact(1))
    harness.sync.push(harness.connection)
    with serve(Starlette(routes=[Route("/hook", endpoint, methods=["POST"])])) as base:
        schedule = Schedule(outbound_url=f"{base}/hook", outbound_secret="app-secret")
        tasks = register_tasks(
            MemoryHuey("deliver", immediate=True, results=False), lambda: harness.sync, schedule
        )
        delivered = tasks.deliver.call_local()
    assert delivered.error is None
    assert received == ["pushed"]
    assert "app-secret" not in repr(schedule)


def test_the_sweeper_wakes_work_whose_lost_wake_up_left_a_fresh_marker(
    harness: Harness, tasks: Tasks
) -> None:
    """A worker SIGKILLed between taking a message off the queue and starting it leaves the
    message's marker behind: ordinary wake-ups are dropped while it is fresh (up to
    `marker_ttl`, ten minutes), but the sweeper's are not, or the work would wait as long."""
    sync, conn = harness.sync, harness.connection
    sync.submit_many(conn, "contacts", [contact(n) for n in range(1, 3)])
    tasks.huey.put("xerosync.wake:push:" + conn, time.time())  # its message died with a worker
    assert not tasks.wake_push(conn)

    assert tasks.sweep.call_local().push == [conn]

    names = Counter(c["Name"] for c in harness.xero("Contacts") if c["Name"].startswith("Cust"))
    assert names == Counter({"Customer 1": 1, "Customer 2": 1})
