"""Prometheus metrics, computed from the store when scraped (the rows are the truth, so every
service process reports the same numbers). Each app has its own registry, never the global one."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from xerosync.store.db import Database
from xerosync.store.tables import (
    ConflictRow,
    ConnectionRow,
    DeadLetter,
    OutboxRow,
    QuarantinedRecord,
)

__all__ = ["StoreCollector", "registry_for"]

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


def registry_for(db: Database) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StoreCollector(db))
    return registry
