"""The tasks, registered on a Huey built by the caller: thin wrappers over the engine.

    tasks = register_tasks(huey, lambda: build_sync(settings), Schedule.from_settings(settings))
    tasks.wake_push(connection_id)      # after the commit that stored the records
    tasks.wake_inbox(connection_id)     # after the commit that stored webhook events

`push`, `pull` and `inbox` run `push_merged`, `pull_connection` and `pull_inbox` for one
connection. Wake-ups are deduplicated by a marker in the queue's storage: a wake-up while one is
queued (and not yet started) is dropped, since the queued one will see the new work; the marker
is cleared when the task starts, so work stored while it runs gets a wake-up of its own. A
marker left by a message that was lost is ignored after `marker_ttl`, and the sweeper's
wake-ups are sent whatever the markers say. Each worker thread runs the engine under its own lease owner, so the
engine's leases keep one connection's push (or pull) to one worker at a time; a task that finds
its connection busy returns, and one that stopped short (rate limit, Xero unavailable, rows
waiting on a record not in Xero yet) schedules itself once more, later.

Periodic: the sweeper (lost wake-ups), the incremental pull of every connected organisation
(payments, bank transactions and journals have no webhooks; and any missed webhook), the
refresh of every connected organisation's reports (`reports`, one task per connection), and
the token keep-alive. A connection that needs re-authorising is skipped by all of them; its work
waits in the database and runs when it is connected again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import httpx
from huey import Huey

from xerosync.api import XeroSync
from xerosync.engine import (
    PullReport,
    PushReport,
    SyncContext,
    pull_connection,
    pull_inbox,
    push_merged,
)
from xerosync.host.deliver import Delivered, deliver
from xerosync.jobs.runs import (
    KeepAlive,
    Schedule,
    connected,
    find_work,
    follow_up,
    keep_reports,
    keep_tokens_alive,
)
from xerosync.notify.incidents import Send, watch_connection
from xerosync.store import leases
from xerosync.store.work import Work

__all__ = ["Tasks", "every", "register_tasks"]

logger = logging.getLogger("xerosync.jobs")

SyncFactory = Callable[[], XeroSync]
Engine = Callable[[SyncContext, str], PushReport | PullReport]


def every(minutes: int) -> Callable[[datetime], bool]:
    """A Huey `validate_datetime` true once every `minutes` (counted from the epoch, so every
    worker agrees whichever started first)."""

    def due(moment: datetime) -> bool:
        stamp = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return int(stamp.timestamp() // 60) % minutes == 0

    return due


class _Runtime:
    """The worker process's one `XeroSync`, built on first use, and a lease owner per thread."""

    def __init__(self, factory: SyncFactory) -> None:
        self._factory = factory
        self._sync: XeroSync | None = None
        self._lock = threading.Lock()
        self._local = threading.local()

    def sync(self) -> XeroSync:
        with self._lock:
            if self._sync is None:
                self._sync = self._factory()
            return self._sync

    def context(self) -> SyncContext:
        ctx: SyncContext | None = getattr(self._local, "ctx", None)
        if ctx is None:
            base = self.sync().context
            ctx = replace(base, owner=f"{base.owner}:{threading.get_ident() % 100000}")
            self._local.ctx = ctx
        return ctx


@dataclass(frozen=True)
class Tasks:
    """The task handles on one Huey, and the wake-ups the service calls after its commits."""

    huey: Huey
    push: Any
    pull: Any
    inbox: Any
    sweep: Any
    pull_all: Any
    reports: Any
    reports_all: Any
    keep_alive: Any
    deliver: Any
    deliver_soon: Any
    marker_ttl: float
    #: the worker process's XeroSync (built on first use), e.g. for its metrics
    sync: Callable[[], XeroSync]

    def wake(self, kind: str, connection_id: str) -> None:
        """The service's `wake(kind, connection_id)`: kind "push" | "pull" | "inbox"."""
        {"push": self.wake_push, "pull": self.wake_pull, "inbox": self.wake_inbox}[kind](
            connection_id
        )

    def wake_push(self, connection_id: str, *, force: bool = False) -> bool:
        """Wake a worker to push `connection_id`; False when a wake-up is already queued
        (`force`: send one anyway, as the sweeper does)."""
        return self._wake("push", self.push, connection_id, force)

    def wake_pull(self, connection_id: str, *, force: bool = False) -> bool:
        return self._wake("pull", self.pull, connection_id, force)

    def wake_inbox(self, connection_id: str, *, force: bool = False) -> bool:
        return self._wake("inbox", self.inbox, connection_id, force)

    def wake_reports(self, connection_id: str) -> bool:
        return self._wake("reports", self.reports, connection_id)

    def wake_deliver(self) -> bool:
        """Send the change feed to the application now rather than at the next minute."""
        return self._wake("deliver", self.deliver_soon, "")

    def _wake(self, kind: str, task: Any, connection_id: str, force: bool = False) -> bool:
        key = marker(kind, connection_id)
        now = time.time()
        if not self.huey.put_if_empty(key, now):
            queued = self.huey.get(key, peek=True)
            fresh = isinstance(queued, int | float) and now - queued < self.marker_ttl
            if fresh and not force:
                return False
            self.huey.put(key, now)  # a marker whose message was lost: wake again
        task(connection_id) if connection_id else task()
        return True


def marker(kind: str, connection_id: str) -> str:
    return f"xerosync.wake:{kind}:{connection_id}"


def register_tasks(
    huey: Huey,
    sync_factory: SyncFactory,
    schedule: Schedule | None = None,
    *,
    marker_ttl: float = 600.0,
    notify: Send | None = None,
) -> Tasks:
    """Register xerosync's tasks on `huey`. `sync_factory` builds the worker process's
    `XeroSync` on first use (a process that only enqueues, like the service, never builds it)."""
    plan = schedule or Schedule()
    runtime = _Runtime(sync_factory)
    handles: dict[str, Any] = {}

    def run(kind: str, engine: Engine, connection_id: str, again: bool) -> None:
        huey.delete(marker(kind, connection_id))  # work stored from now on needs a new wake-up
        ctx = runtime.context()
        report = engine(ctx, connection_id)
        if report.busy:
            logger.debug("jobs.busy", extra={"kind": kind, "connection": connection_id})
            return
        if notify is not None:  # a person is told once per incident, not once per run
            watch_connection(ctx.db, connection_id, now=ctx.clock.now(), send=notify)
        delay = follow_up(report, now=ctx.clock.now(), default=plan.retry_after_seconds)
        logger.info(
            "jobs.ran",
            extra={
                "kind": kind,
                "connection": connection_id,
                "paused": report.paused,
                "error": report.error,
                # rows left in flight for a worker whose lease ran out (its calls may be at Xero)
                "deferred": report.deferred if isinstance(report, PushReport) else 0,
                "again_in": delay,
            },
        )
        if delay is not None and again:
            handles[kind].schedule(args=(connection_id,), kwargs={"again": False}, delay=delay)
        if plan.outbound_url:  # what this run told the feed reaches the application now
            tasks.wake_deliver()

    def push(connection_id: str, again: bool = True) -> None:
        run("push", push_merged, connection_id, again)

    def pull(connection_id: str, again: bool = True) -> None:
        run("pull", pull_connection, connection_id, again)

    def inbox(connection_id: str, again: bool = True) -> None:
        run("inbox", pull_inbox, connection_id, again)

    handles["push"] = huey.task(name="push")(push)
    handles["pull"] = huey.task(name="pull")(pull)
    handles["inbox"] = huey.task(name="inbox")(inbox)

    def sweep() -> Work:
        found = find_work(runtime.sync())
        # forced: a marker whose message died with a worker (killed between taking it off the
        # queue and starting it) would otherwise hold this work back for `marker_ttl`
        for connection_id in found.push:
            tasks.wake_push(connection_id, force=True)
        for connection_id in found.inbox:
            tasks.wake_inbox(connection_id, force=True)
        if found.push or found.inbox:
            logger.info("jobs.swept", extra={"push": len(found.push), "inbox": len(found.inbox)})
        return found

    def pull_all() -> list[str]:
        ids = connected(runtime.sync())
        for connection_id in ids:
            tasks.wake_pull(connection_id)
        return ids

    def reports(connection_id: str) -> list[str]:
        huey.delete(marker("reports", connection_id))
        ctx = runtime.context()
        names = keep_reports(ctx, connection_id)
        if notify is not None:  # a grant found dead here is an incident like anywhere else
            watch_connection(ctx.db, connection_id, now=ctx.clock.now(), send=notify)
        return names

    def reports_all() -> list[str]:
        ids = connected(runtime.sync())
        for connection_id in ids:
            tasks.wake_reports(connection_id)
        return ids

    def keep_alive() -> KeepAlive:
        return keep_tokens_alive(runtime.sync(), older_than_days=plan.token_keepalive_days)

    def deliver_feed() -> Delivered | None:
        """Send the change feed to the application's endpoint (signed, in order, at least once).
        One sender at a time (a lease), so two workers never send the same events twice over."""
        huey.delete(marker("deliver", ""))
        if not plan.outbound_url:
            return None
        ctx = runtime.context()
        if not leases.acquire(ctx.db, "deliver", ctx.owner, now=ctx.clock.now(), ttl=120):
            return None
        try:
            with httpx.Client(timeout=30) as http:
                return deliver(
                    ctx.db,
                    http,
                    url=plan.outbound_url,
                    secret=plan.outbound_secret,
                    clock=ctx.clock,
                )
        finally:
            leases.release(ctx.db, "deliver", ctx.owner)

    tasks = Tasks(
        huey=huey,
        push=handles["push"],
        pull=handles["pull"],
        inbox=handles["inbox"],
        sweep=huey.periodic_task(every(plan.sweep_every_minutes), name="sweep")(sweep),
        pull_all=huey.periodic_task(every(plan.pull_every_minutes), name="pull_all")(pull_all),
        reports=huey.task(name="reports")(reports),
        reports_all=huey.periodic_task(every(plan.reports_every_minutes), name="reports_all")(
            reports_all
        ),
        keep_alive=huey.periodic_task(every(24 * 60), name="keep_alive")(keep_alive),
        deliver=huey.periodic_task(every(1), name="deliver")(deliver_feed),
        deliver_soon=huey.task(name="deliver_soon")(deliver_feed),
        marker_ttl=marker_ttl,
        sync=runtime.sync,
    )
    return tasks
