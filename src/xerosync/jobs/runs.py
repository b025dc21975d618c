"""What each task does, as plain functions over a `XeroSync` (tests call them directly; the
tasks in `xerosync.jobs.tasks` only wrap them):

    follow_up(report, ...)      pure: run again after how many seconds, or not at all
    find_work(sync)             the sweeper's question, answered by the database
    connected(sync)             the connections the periodic pull visits
    keep_tokens_alive(sync, d)  refresh every grant idle for d days (Xero drops it at 60)
    keep_reports(ctx, id)       fetch and keep one connection's reports; failures logged
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from xerosync.api import XeroSync
from xerosync.engine import PullReport, PushReport, SyncContext, refresh_reports
from xerosync.errors import NeedsReauth, XeroError
from xerosync.settings import Settings
from xerosync.store import connections, work

__all__ = [
    "KeepAlive",
    "Schedule",
    "connected",
    "find_work",
    "follow_up",
    "keep_reports",
    "keep_tokens_alive",
]

logger = logging.getLogger("xerosync.jobs")

_UNTIL = re.compile(r"\[scope=[\w-]+ until (?P<until>[^\]\s]+)\]")


@dataclass(frozen=True)
class Schedule:
    """How often the periodic tasks run, and how long a stopped-short task waits to retry."""

    pull_every_minutes: int = 15
    sweep_every_minutes: int = 5
    token_keepalive_days: int = 30
    retry_after_seconds: float = 60.0
    reports_every_minutes: int = 60
    #: the application's webhook endpoint the change feed is sent to (none: not sent)
    outbound_url: str | None = None
    outbound_secret: str = field(default="", repr=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> Schedule:
        return cls(
            pull_every_minutes=settings.pull_every_minutes,
            sweep_every_minutes=settings.sweep_every_minutes,
            token_keepalive_days=settings.token_keepalive_days,
            retry_after_seconds=float(settings.retry_after_seconds),
            reports_every_minutes=settings.reports_every_minutes,
            outbound_url=settings.outbound_webhook_url,
            outbound_secret=settings.outbound_webhook_secret.get_secret_value(),
        )


def follow_up(report: PushReport | PullReport, *, now: datetime, default: float) -> float | None:
    """Seconds after which the task should run once more, or None when it need not.

    busy: another worker has the connection and will do the work; paused: the connection waits
    for a person (its work stays in the database); a rate limit: after it resets; Xero
    unavailable: after `default`; a push that left rows waiting on a record not in Xero yet:
    after `default`; a push that deferred a stalled worker's batches (`deferred_until`): once
    they may be sent again, unless something above comes sooner (the run after it defers them
    once more, and the sweeper wakes the connection later)."""
    if report.busy or report.paused:
        return None
    if report.error:
        found = _UNTIL.search(report.error)
        if found:
            try:
                until = datetime.fromisoformat(found["until"])
            except ValueError:
                return default
            return max(1.0, (until - now).total_seconds())
        return default
    if not isinstance(report, PushReport):
        return None
    soonest = [default] if report.waiting else []
    if report.deferred_until is not None:
        soonest.append(max(1.0, (report.deferred_until - now).total_seconds()))
    return min(soonest, default=None)


def find_work(sync: XeroSync) -> work.Work:
    """Connections with work a lost wake-up may have left behind: pending outbox rows, rows in
    flight in a batch older than a lease (their worker died), unhandled webhook events."""
    ctx = sync.context
    with sync.db.transaction() as session:
        return work.connections_with_work(session, ctx.clock.now(), ctx.lease_ttl)


def connected(sync: XeroSync) -> list[str]:
    with sync.db.transaction() as session:
        return work.connected_ids(session)


@dataclass
class KeepAlive:
    refreshed: list[str] = field(default_factory=list)
    needs_reauth: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def keep_tokens_alive(sync: XeroSync, *, older_than_days: int) -> KeepAlive:
    """Refresh every grant (of a connected organisation) not refreshed for `older_than_days`:
    a refresh token unused for 60 days is dead, and an organisation that is quiet for two
    months must not need a person to connect it again. A grant Xero refuses marks its
    connections `needs_reauth`; one Xero could not refresh now is tried at the next run."""
    keeper = sync.client.tokens
    before = sync.context.clock.now() - timedelta(days=older_than_days)
    with sync.db.transaction() as session:
        keys = work.grants_to_keep_alive(session, before)
    result = KeepAlive()
    for key in keys:
        tokens = keeper.store.load(key)
        if tokens is None:
            continue
        try:
            keeper.refresh(key, stale=tokens)
        except NeedsReauth as exc:
            result.needs_reauth.append(key)
            with sync.db.transaction() as session:
                for row in connections.listed(session):
                    if row.grant_key == key and row.status == connections.CONNECTED:
                        connections.set_status(session, row.id, connections.NEEDS_REAUTH, str(exc))
            logger.warning("jobs.keepalive_needs_reauth", extra={"grant": key})
        except XeroError as exc:  # Xero unavailable, rate limited...: the next run tries again
            result.failed.append(key)
            logger.warning(
                "jobs.keepalive_failed", extra={"grant": key, "error": type(exc).__name__}
            )
        else:
            result.refreshed.append(key)
            logger.info("jobs.keepalive_refreshed", extra={"grant": key})
    return result


def keep_reports(ctx: SyncContext, connection_id: str) -> list[str]:
    """Refresh one connection's reports (the names refreshed). A dead grant has already marked
    the connection needs_reauth (the schedules skip it until it is connected again); any other
    refusal is logged, and the next run tries again, the last copies kept meanwhile."""
    try:
        names = refresh_reports(ctx, connection_id)
    except NeedsReauth:
        logger.warning("jobs.reports_needs_reauth", extra={"connection": connection_id})
        return []
    except XeroError as exc:
        logger.warning(
            "jobs.reports_failed", extra={"connection": connection_id, "error": type(exc).__name__}
        )
        return []
    logger.info("jobs.reports", extra={"connection": connection_id, "reports": names})
    return names
