"""Real consumers on threads drain real queues against the emulator: SQLite (the embedded
default) and Redis (production); and a task that stopped short schedules itself once more."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from huey import Huey, MemoryHuey

from tests.jobs.conftest import TasksFactory
from tests.sync.conftest import Harness, contact, invoice
from xerosync.jobs import EmbeddedConsumer, Tasks, make_huey
from xerosync.jobs.runs import find_work
from xerosync.settings import Settings

INVOICES = 60


def wait_until(check: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError("the workers did not finish in time")


def drain_with_consumer(harness: Harness, tasks: Tasks) -> None:
    sync, conn = harness.sync, harness.connection
    sync.submit_many(conn, "contacts", [contact(n) for n in range(1, 4)])
    sync.submit_many(conn, "invoices", [invoice(n, customer=1 + n % 3) for n in range(1, 31)])
    assert tasks.wake_push(conn)
    sync.submit_many(conn, "invoices", [invoice(n) for n in range(31, INVOICES + 1)])
    tasks.wake_push(conn)  # collapses into the queued one, or wakes a second run: both fine
    tasks.wake_pull(conn)

    consumer = EmbeddedConsumer.over(
        tasks.huey, workers=3, initial_delay=0.02, backoff=1.1, max_delay=0.2
    )
    consumer.start()
    try:

        def synced() -> bool:
            return all(
                (s := sync.status(conn, "invoices", f"order-{n}")) is not None
                and s.state == "synced"
                for n in range(1, INVOICES + 1)
            )

        wait_until(synced)
        wait_until(lambda: tasks.huey.pending_count() == 0)
    finally:
        consumer.stop(graceful=True)
    assert not any(t.is_alive() for _, t in consumer.worker_threads)
    numbers = Counter(
        i["InvoiceNumber"]
        for i in harness.xero("Invoices")
        if i["InvoiceNumber"].startswith("ORD-")
    )
    assert numbers == Counter({f"ORD-{n:04d}": 1 for n in range(1, INVOICES + 1)})
    assert find_work(sync).push == []


def test_a_sqlite_queue_is_drained_by_a_consumer(
    harness: Harness, tasks_on: TasksFactory, tmp_path: Path
) -> None:
    huey = make_huey(Settings(queue_path=str(tmp_path / "queue.db")))
    assert type(huey).__name__ == "SqliteHuey"
    drain_with_consumer(harness, tasks_on(huey))


@pytest.fixture
def redis_huey(redis_url: str) -> Iterator[Huey]:
    huey = make_huey(Settings(redis_url=redis_url, queue_name=f"xerosync-test-{uuid.uuid4().hex}"))
    assert type(huey).__name__ == "RedisHuey"
    yield huey
    huey.storage.flush_all()  # this queue's own keys only
    huey.storage.conn.close()


@pytest.mark.redis
def test_a_redis_queue_is_drained_by_a_consumer(
    harness: Harness, tasks_on: TasksFactory, redis_huey: Huey
) -> None:
    drain_with_consumer(harness, tasks_on(redis_huey))


def test_a_push_stopped_by_xero_being_down_runs_once_more_later(
    harness: Harness, tasks_on: TasksFactory
) -> None:
    sync, conn = harness.sync, harness.connection
    huey = MemoryHuey("xerosync-again", immediate=True, results=False)
    tasks = tasks_on(huey)
    sync.submit(conn, "contacts", contact(1))
    with harness.emulator.admin() as admin:
        admin.put("/faults/maintenance").raise_for_status()

    tasks.wake_push(conn)

    [queued] = huey.scheduled()
    [again] = huey.read_schedule(queued.eta)  # its time has come (taken off the schedule)
    assert again.args == (conn,)
    assert again.kwargs == {"again": False}
    with harness.emulator.admin() as admin:
        admin.delete("/faults/maintenance").raise_for_status()
    huey.execute(again, timestamp=again.eta)
    assert sync.status(conn, "contacts", "cust-1").state == "synced"  # type: ignore[union-attr]
    assert huey.scheduled_count() == 0  # once more, not for ever
