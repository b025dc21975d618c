"""Prometheus metrics. The store's numbers are computed when scraped (the rows are the truth, so
every process reports the same): outbox depth, lag, conflicts, dead letters, connections. The
client's are this process's own: calls and 429s by organisation, and the budgets left as this
process counts them (shared through Redis when it is set). Each registry is its own, never the
global one; `xerosync worker --metrics-port` serves a worker's."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from xerosync.api import XeroSync
from xerosync.store.db import Database
from xerosync.store.tables import (
    ConflictRow,
    ConnectionRow,
    DeadLetter,
    OutboxRow,
    QuarantinedRecord,
)

__all__ = ["ClientCollector", "StoreCollector", "registry_for", "worker_registry"]

#: outbox states still to be worked or looked at (done and superseded rows are history)
OPEN_OUTBOX_STATES = ("pending", "in_flight", "failed")


class StoreCollector(Collector):
    def __init__(self, db: Database) -> None:
        self.db = db

    def collect(self) -> Iterator[GaugeMetricFamily]:
        with self.db.transaction() as session:
            outbox = dict.fromkeys(OPEN_OUTBOX_STATES, 0)
            for state, n in session.execute(
                select(OutboxRow.state, func.count())
                .where(OutboxRow.state.in_(OPEN_OUTBOX_STATES))
                .group_by(OutboxRow.state)
            ):
                outbox[state] = n
            connections: dict[str, int] = dict(
                session.execute(
                    select(ConnectionRow.status, func.count()).group_by(ConnectionRow.status)
                ).all()
            )
            counts = {
                name: session.scalar(
                    select(func.count()).select_from(table).where(table.status == "open")
                )
                or 0
                for name, table in (
                    ("conflicts", ConflictRow),
                    ("dead_letters", DeadLetter),
                    ("quarantined", QuarantinedRecord),
                )
            }
            oldest = session.execute(
                select(OutboxRow.connection_id, func.min(OutboxRow.created_at))
                .where(OutboxRow.state.in_(("pending", "in_flight")))
                .group_by(OutboxRow.connection_id)
            ).all()
        now = datetime.now(UTC)
        lag = GaugeMetricFamily(
            "xerosync_lag_seconds",
            "Age of the oldest change not yet in Xero, by connection",
            labels=["connection"],
        )
        for connection_id, since in oldest:
            if since is not None:
                stamp = since if since.tzinfo else since.replace(tzinfo=UTC)
                lag.add_metric([connection_id], max(0.0, (now - stamp).total_seconds()))
        yield lag
        depth = GaugeMetricFamily(
            "xerosync_outbox_depth", "Outbox rows not yet done, by state", labels=["state"]
        )
        for state, n in sorted(outbox.items()):
            depth.add_metric([state], n)
        yield depth
        yield GaugeMetricFamily(
            "xerosync_open_conflicts", "Conflicts waiting for a person", value=counts["conflicts"]
        )
        yield GaugeMetricFamily(
            "xerosync_open_dead_letters",
            "Pushes Xero refused, waiting to be retried or discarded",
            value=counts["dead_letters"],
        )
        yield GaugeMetricFamily(
            "xerosync_quarantined_records",
            "Records from Xero that could not be read",
            value=counts["quarantined"],
        )
        by_status = GaugeMetricFamily(
            "xerosync_connections", "Xero connections by status", labels=["status"]
        )
        for status, n in sorted(connections.items()):
            by_status.add_metric([status], n)
        yield by_status


class ClientCollector(Collector):
    """The client's counters and budgets; `sync` gives the process's XeroSync (None: not built
    yet, nothing to tell)."""

    def __init__(self, sync: Callable[[], XeroSync | None]) -> None:
        self.sync = sync

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily]:
        sync = self.sync()
        if sync is None:
            return
        client = sync.client
        calls = CounterMetricFamily(
            "xerosync_xero_calls",
            "Calls to Xero's API by organisation and answer (status, or the failure)",
            labels=["tenant", "status"],
        )
        for (tenant, status), n in sorted(client.stats.calls().items()):
            calls.add_metric([tenant, status], n)
        yield calls
        limited = CounterMetricFamily(
            "xerosync_xero_rate_limited",
            "429s from Xero by organisation and the limit it named (minute, day, app...)",
            labels=["tenant", "limit"],
        )
        for (tenant, limit), n in sorted(client.stats.rate_limited().items()):
            limited.add_metric([tenant, limit], n)
        yield limited
        left = GaugeMetricFamily(
            "xerosync_budget_left",
            "Calls left now in Xero's windows, by organisation (minute, day) and for the app",
            labels=["tenant", "window"],
        )
        tenants = sorted({c.tenant_id for c in sync.connections() if c.status == "connected"})
        left.add_metric(["", "app_minute"], client.governor.left(None).app_minute or 0)
        for tenant in tenants:
            remaining = client.governor.left(tenant)
            left.add_metric([tenant, "minute"], remaining.minute or 0)
            left.add_metric([tenant, "day"], remaining.day or 0)
        yield left


def registry_for(
    db: Database, sync: Callable[[], XeroSync | None] | None = None
) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StoreCollector(db))
    if sync is not None:
        registry.register(ClientCollector(sync))
    return registry


def worker_registry(sync: Callable[[], XeroSync | None]) -> CollectorRegistry:
    """A worker's own numbers (its calls, 429s and budgets); the store's come from the service."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(ClientCollector(sync))
    return registry
