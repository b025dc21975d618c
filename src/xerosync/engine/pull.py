"""[pull 4] Read what changed in Xero for one connection and apply it, page by page.

Incremental pulls ask for records modified since the entity's cursor, oldest first. Each page is
applied and the cursor moved in one transaction, so a crash costs at most a page re-read, and a
re-read is a no-op (each record's hash is kept). The cursor trails the newest record seen by
`pull_overlap` and never passes the moment the pull began: records changed while the pull ran,
or stamped within the cursor's second, are read again next time rather than skipped.

Payments have no webhooks and change the invoices they pay: a pull of payments re-reads those
invoices by id so their status and amount due are Xero's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from xerosync.engine.apply import Applied, apply_records, quarantine_all
from xerosync.engine.context import SyncContext
from xerosync.engine.resources import resource
from xerosync.errors import NeedsReauth, RateLimited, RetryableError
from xerosync.store import connections, cursors, inbox, leases
from xerosync.sync.entities import CATEGORY, PUSH_ORDER

__all__ = ["PullReport", "pull_by_ids", "pull_connection", "pull_inbox"]


@dataclass
class PullReport:
    connection_id: str
    busy: bool = False
    paused: str | None = None
    calls: int = 0
    seen: int = 0
    unchanged: int = 0
    changed: int = 0
    created: int = 0
    conflicts: int = 0
    quarantined: int = 0
    per_entity: dict[str, int] = field(default_factory=dict)
    error: str | None = None

    @property
    def finished(self) -> bool:
        return not (self.busy or self.paused or self.error)

    def add(self, entity: str, applied: Applied) -> None:
        self.seen += applied.seen
        self.unchanged += applied.unchanged
        self.changed += applied.changed
        self.created += applied.created
        self.conflicts += applied.conflicts
        self.quarantined += applied.quarantined
        self.per_entity[entity] = self.per_entity.get(entity, 0) + applied.seen


#: query parameters every pull of the entity sends (archived records are changes too)
PULL_OPTIONS: Mapping[str, Mapping[str, str]] = {
    "contacts": {"includeArchived": "true"},
    "invoices": {"includeArchived": "true"},
}
ORDER = "UpdatedDateUTC ASC"


def _floor(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)


def _run_leased(
    ctx: SyncContext, connection_id: str, report: PullReport, work: object
) -> PullReport:
    lease = f"pull:{connection_id}"
    if not leases.acquire(ctx.db, lease, ctx.owner, now=ctx.clock.now(), ttl=ctx.lease_ttl):
        report.busy = True
        return report
    try:
        with ctx.db.transaction() as session:
            connection = connections.get(session, connection_id)
            status, tenant = connection.status, connection.tenant_id
        if status != connections.CONNECTED:
            report.paused = status
        else:
            try:
                work(tenant)  # type: ignore[operator]
            except NeedsReauth as exc:
                with ctx.db.transaction() as session:
                    connections.set_status(
                        session, connection_id, connections.NEEDS_REAUTH, str(exc)
                    )
                report.paused = connections.NEEDS_REAUTH
                report.error = str(exc)
            except (RetryableError, RateLimited) as exc:
                report.error = str(exc)
    except Exception:
        leases.release(ctx.db, lease, ctx.owner)
        raise
    leases.release(ctx.db, lease, ctx.owner)
    return report


def pull_connection(
    ctx: SyncContext, connection_id: str, *, entities: Sequence[str] = PUSH_ORDER
) -> PullReport:
    """Pull every entity's changes since its cursor (the safety net for missed webhooks, and the
    only source for payments, bank transactions and journals)."""
    report = PullReport(connection_id)

    def work(tenant: str) -> None:
        for entity in entities:
            touched = _pull_entity(ctx, connection_id, tenant, entity, report)
            for kind, ids in touched.items():
                _pull_ids(ctx, connection_id, tenant, kind, ids, report)

    return _run_leased(ctx, connection_id, report, work)


def _pull_entity(
    ctx: SyncContext, connection_id: str, tenant: str, entity: str, report: PullReport
) -> dict[str, set[str]]:
    started = ctx.clock.now()
    ceiling = _floor(started - timedelta(seconds=ctx.pull_overlap))
    with ctx.db.transaction() as session:
        since = cursors.get(session, connection_id, entity)
    touched: dict[str, set[str]] = {}
    pages = resource(ctx.client, entity).pages(
        tenant=tenant, modified_since=since, order=ORDER, params=PULL_OPTIONS.get(entity)
    )
    newest: datetime | None = None
    for page in pages:
        report.calls += 1
        with ctx.db.transaction() as session:
            applied = apply_records(session, ctx, connection_id, entity, page.items)
            applied.quarantined = quarantine_all(session, connection_id, entity, page.unreadable)
            if applied.newest and (newest is None or applied.newest > newest):
                newest = applied.newest
            mark = min(_floor(newest), ceiling) if newest else None
            cursors.advance(
                session, connection_id, entity, modified_since=mark, now=started, seen=applied.seen
            )
        report.add(entity, applied)
        if ctx.on_page is not None:
            count = page.pagination.page_count if page.pagination else None
            ctx.on_page(connection_id, entity, page.number, count)
        for kind, ids in applied.touched.items():
            touched.setdefault(kind, set()).update(ids)
        if applied.created:  # a first pull of a large organisation is a bulk load
            ctx.db.analyze_grown("mappings")
    return touched


def _pull_ids(
    ctx: SyncContext,
    connection_id: str,
    tenant: str,
    entity: str,
    ids: Iterable[str],
    report: PullReport,
) -> None:
    wanted = sorted(set(ids))
    if not wanted:
        return
    for page in resource(ctx.client, entity).pages(
        tenant=tenant, ids=wanted, params=PULL_OPTIONS.get(entity)
    ):
        report.calls += 1
        with ctx.db.transaction() as session:
            applied = apply_records(session, ctx, connection_id, entity, page.items)
            applied.quarantined = quarantine_all(session, connection_id, entity, page.unreadable)
        report.add(entity, applied)


def pull_by_ids(
    ctx: SyncContext, connection_id: str, ids: Mapping[str, Iterable[str]]
) -> PullReport:
    """Pull exactly these records ({"invoices": [xero ids]}): what a webhook named."""
    report = PullReport(connection_id)

    def work(tenant: str) -> None:
        for entity, wanted in ids.items():
            _pull_ids(ctx, connection_id, tenant, entity, wanted, report)

    return _run_leased(ctx, connection_id, report, work)


def pull_inbox(ctx: SyncContext, connection_id: str) -> PullReport:
    """Pull what the connection's unhandled webhook events name, then mark them handled."""
    with ctx.db.transaction() as session:
        tenant = connections.get(session, connection_id).tenant_id
        events = inbox.open_events(session, tenant)
        wanted: dict[str, set[str]] = {}
        for event in events:
            entity = CATEGORY.get(event.category)
            if entity:
                wanted.setdefault(entity, set()).add(event.resource_id)
        event_ids = [e.id for e in events]
    report = pull_by_ids(ctx, connection_id, wanted)
    if report.error is None and not report.busy and not report.paused:
        with ctx.db.transaction() as session:
            inbox.mark_handled(session, event_ids, now=ctx.clock.now())
    return report


def pull_before_push(
    ctx: SyncContext, connection_id: str, waiting: Mapping[str, Iterable[str]]
) -> PullReport:
    """What changed in Xero for the records a push is about to update ({entity: xero ids}),
    merged before the push sends them: an entity pulled before goes on from its cursor (usually
    one call for all of them), one never pulled is read by id."""
    report = PullReport(connection_id)

    def work(tenant: str) -> None:
        for entity in (e for e in PUSH_ORDER if e in waiting):
            with ctx.db.transaction() as session:
                pulled_before = cursors.get(session, connection_id, entity) is not None
            if pulled_before:
                touched = _pull_entity(ctx, connection_id, tenant, entity, report)
                for kind, ids in touched.items():
                    _pull_ids(ctx, connection_id, tenant, kind, ids, report)
            else:
                _pull_ids(ctx, connection_id, tenant, entity, waiting[entity], report)

    return _run_leased(ctx, connection_id, report, work)
