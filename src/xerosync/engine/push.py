"""[push 3] Send one connection's pending work to Xero, batch by batch, losing and doubling nothing.

For each kind in dependency order (contacts, invoices, credit notes, payments, ...):

1. claim   up to 50 pending rows become one batch with a fresh idempotency key and the exact
           body to send; committed before the call, so a crash after it resumes the same request
2. send    a PUT (create) or POST (create or update): Xero answers per record
3. record  each record's outcome, its mapping and snapshot, its outbox row deleted, the audit
           entry and the feed event, in one transaction

A batch left in flight (a worker died, Xero did not answer) is sent again under its key while
Xero still remembers it; later, a create is first looked for in Xero and adopted if found.
Taken over from a worker whose lease merely ran out, a batch is not sent again (nor looked for)
until that worker's calls must have ended: Xero does not hold back a second request under a key
it is still answering, so both would run and the second be refused as a duplicate. That is one
exchange after its lease's end (`XeroClient.longest_exchange`): a request goes on the wire only
while the push's lease is ours with an exchange's time left (`_keep_lease`, checked by the client
after its rate waits, right before each send).
`checkpoint(name)` is called between the steps ("claimed", "answered", "recorded"): a seam for
tests that crash the push there.
"""

from __future__ import annotations

import functools
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from xerosync.engine.context import SyncContext
from xerosync.engine.failures import record_failure
from xerosync.engine.lookup import find_created
from xerosync.engine.matching import find_matches
from xerosync.engine.outcomes import record_outcomes, record_success
from xerosync.engine.prepare import MAPPING_COLUMNS, Prepared, in_flight_ids, prepare
from xerosync.engine.reference import load_books
from xerosync.engine.resources import answer_model, resource
from xerosync.errors import NeedsReauth, RateLimited, RequestRejected, RetryableError
from xerosync.store import connections, leases, outbox
from xerosync.store.db import among_param, dialect_of, dicts_by
from xerosync.store.mappings import SessionRefs
from xerosync.store.tables import MappingRow, table_of
from xerosync.sync.entities import PUSH_ORDER
from xerosync.xero.batching import (
    MAX_BATCH_BYTES,
    MAX_BATCH_RECORDS,
    Outcome,
    RecordOutcome,
    plan_batches,
)
from xerosync.xero.models.base import XeroModel

__all__ = ["PushReport", "push_connection"]

Checkpoint = Callable[[str], None]
#: Xero's answer to one call of a batch: each record's outcome
_Answer = Sequence[RecordOutcome[Any]]

#: batches claimed in one transaction even when sent one at a time: the claim's statements are
#: the same for 200 rows as for 50, and a claimed batch not yet sent is resumed like any other
CLAIM_AHEAD = 4


def _no_checkpoint(_name: str) -> None:
    return None


@dataclass
class PushReport:
    connection_id: str
    busy: bool = False  # another worker holds this connection's push
    paused: str | None = None  # the connection's status when it is not connected
    calls: int = 0
    ok: int = 0
    rejected: int = 0
    adopted: int = 0
    resent: int = 0
    waiting: int = 0  # rows left pending: they name a record not in Xero yet
    #: rows left in flight, untouched, in batches of a worker whose lease ran out: its calls
    #: may still be at Xero until `deferred_until`, when the next push resumes them
    deferred: int = 0
    deferred_until: datetime | None = None
    error: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    #: until when this push holds the connection's lease, as last taken or renewed (`_renew`)
    _leased_until: datetime | None = field(default=None, repr=False, compare=False)

    def count(self, **amounts: int) -> None:
        """Add to the counters (batches are sent from several threads)."""
        with self._lock:
            for name, amount in amounts.items():
                setattr(self, name, getattr(self, name) + amount)

    @property
    def finished(self) -> bool:
        return not (self.busy or self.paused or self.error)


@dataclass(frozen=True)
class _Claim:
    batch_id: int
    entity: str
    method: str
    key: str
    body: list[dict[str, Any]]
    xero_ids: list[str | None] = field(default_factory=list)
    #: each record's synced snapshot, when claimed here (not when resumed from the store)
    bases: list[dict[str, Any] | None] = field(default_factory=list)


def push_connection(
    ctx: SyncContext, connection_id: str, *, checkpoint: Checkpoint = _no_checkpoint
) -> PushReport:
    """Push everything pending for one connection. Safe to call from many workers at once."""
    report = PushReport(connection_id)
    lease = f"push:{connection_id}"
    now = ctx.clock.now()
    taken = leases.acquire(ctx.db, lease, ctx.owner, now=now, ttl=ctx.lease_ttl)
    if not taken:
        report.busy = True
        return report
    report._leased_until = now + timedelta(seconds=ctx.lease_ttl)
    hold = _hold_until(ctx, taken, now)
    try:
        _push(ctx, connection_id, report, checkpoint, hold)
    except Exception:
        _let_go(ctx, lease, taken, report)
        raise
    _let_go(ctx, lease, taken, report)  # not on a crash (BaseException): the lease runs out
    return report


def _hold_until(ctx: SyncContext, taken: leases.Taken, now: datetime) -> datetime | None:
    """Until when the batches in flight may still be at Xero, sent by the worker whose lease
    ran out (None: taken cleanly, or its calls must have ended): its lease's end plus one
    exchange (`XeroClient.longest_exchange`, computed from the client's config;
    `SyncContext.takeover_wait` when set). That worker sent nothing once its lease was not
    its own with an exchange's time left (`_renew`, run by the client right before each send),
    so its last request ended by its lease's end; the extra exchange covers a request sent with
    less left (a lease shorter than an exchange) and clocks that differ between workers."""
    if taken.until is None:
        return None
    wait = ctx.takeover_wait if ctx.takeover_wait is not None else ctx.client.longest_exchange()
    until = taken.until + timedelta(seconds=wait)
    return until if now < until else None


def _let_go(ctx: SyncContext, lease: str, taken: leases.Taken, report: PushReport) -> None:
    """Release the lease; one taken from a worker whose batches were deferred goes back to
    that worker as it was, so the next push defers them as long as this one did (a clean
    release would let it send them again at once)."""
    if report.deferred:
        leases.hand_back(ctx.db, lease, ctx.owner, taken)
    else:
        leases.release(ctx.db, lease, ctx.owner)


def _push(
    ctx: SyncContext,
    connection_id: str,
    report: PushReport,
    checkpoint: Checkpoint,
    hold: datetime | None = None,
) -> None:
    with ctx.db.transaction() as session:
        connection = connections.get(session, connection_id)
        status, tenant = connection.status, connection.tenant_id
    if status != connections.CONNECTED:
        report.paused = status
        return
    try:
        _resume(ctx, connection_id, tenant, report, checkpoint, hold)
        for entity in PUSH_ORDER:
            _drain(ctx, connection_id, tenant, entity, report, checkpoint)
    except NeedsReauth as exc:
        with ctx.db.transaction() as session:
            connections.set_status(session, connection_id, connections.NEEDS_REAUTH, str(exc))
        report.paused = connections.NEEDS_REAUTH
        report.error = str(exc)
    except (RetryableError, RateLimited, _LeaseLost) as exc:
        report.error = str(exc)  # rows stay in flight; the next push resumes them


class _LeaseLost(Exception):
    """Our lease ran out and another worker has the connection now: stop at once."""


def _renew(ctx: SyncContext, connection_id: str, report: PushReport) -> None:
    """Make sure the lease is ours with at least one exchange's time left
    (`XeroClient.longest_exchange`), renewing it if not; raise `_LeaseLost` if another worker
    has it. The client runs this right before each send (`_keep_lease`), after its waits for
    the rate limits, so a request of ours is on the wire only while the lease has time for it:
    the worker that takes the lease over once it ran out waits one exchange after its end
    (`_hold_until`) and sends our batches again only then, when our requests must have ended
    (Xero does not hold back a second request under a key it is still answering: both run, and
    the second is refused as a duplicate). Also run before other work on a resumed batch.
    Renewed only when less than that is left, not before every call: a renewal is a write
    transaction of its own (with a lease shorter than an exchange, before every send)."""
    bound = ctx.client.longest_exchange()
    now = ctx.clock.now()
    with report._lock:
        until = report._leased_until
        if until is not None and (until - now).total_seconds() >= bound:
            return
        if not leases.renew(ctx.db, f"push:{connection_id}", ctx.owner, now=now, ttl=ctx.lease_ttl):
            raise _LeaseLost(f"push lease of connection {connection_id} lost to another worker")
        report._leased_until = now + timedelta(seconds=ctx.lease_ttl)


def _keep_lease(
    ctx: SyncContext, connection_id: str, report: PushReport, calls: Iterator[_Answer]
) -> Iterator[_Answer]:
    """`calls` with the lease checked (`_renew`) by the client right before each request goes
    on the wire; not while an answer is recorded (a look-up for matches, say, is a read)."""
    guard = functools.partial(_renew, ctx, connection_id, report)
    while True:
        with ctx.client.guarded(guard):
            outcomes = next(calls, None)
        if outcomes is None:
            return
        yield outcomes


# -- new work ------------------------------------------------------------------------------


@functools.cache
def _mappings_query(dialect: str) -> Select[Any]:
    mappings = table_of(MappingRow)
    return select(*(mappings.c[name] for name in MAPPING_COLUMNS)).where(
        mappings.c.connection_id == bindparam("connection"),
        mappings.c.entity == bindparam("entity"),
        among_param(dialect, mappings.c.app_id, "app_ids"),
    )


def _mappings(
    session: Session, connection_id: str, entity: str, rows: Sequence[outbox.Queued]
) -> dict[str, dict[str, Any]]:
    found = session.execute(
        _mappings_query(dialect_of(session)),
        {"connection": connection_id, "entity": entity, "app_ids": [r.app_id for r in rows]},
    )
    return dicts_by(found, "app_id")


def _preload(refs: SessionRefs, rows: Sequence[outbox.Queued]) -> None:
    wanted: dict[str, set[str]] = {}
    for row in rows:
        payload = row.payload or {}
        for key, entity in (
            ("contact_id", "contacts"),
            ("invoice_id", "invoices"),
            ("credit_note_id", "credit_notes"),
        ):
            if payload.get(key):
                wanted.setdefault(entity, set()).add(payload[key])
    for entity, ids in wanted.items():
        refs.preload(entity, ids)


def _drain(
    ctx: SyncContext,
    connection_id: str,
    tenant: str,
    entity: str,
    report: PushReport,
    checkpoint: Checkpoint,
) -> None:
    after = 0
    while True:
        claims: list[_Claim] = []
        while len(claims) < ctx.concurrency:  # several independent batches in flight
            batches = max(ctx.concurrency - len(claims), CLAIM_AHEAD)
            claimed, after = _claim_next(ctx, connection_id, entity, after, report, batches)
            if claimed is None:
                break
            claims += claimed
            for _ in claimed:  # one a batch, however many were claimed together
                checkpoint("claimed")
        if not claims:
            return
        _send_all(ctx, connection_id, tenant, claims, report, checkpoint)


def _claim_next(
    ctx: SyncContext,
    connection_id: str,
    entity: str,
    after: int,
    report: PushReport,
    batches: int = 1,
) -> tuple[list[_Claim] | None, int]:
    """Claim the next pending rows of `entity` after outbox id `after`, up to `batches` batches'
    worth; None when there are none left."""
    with ctx.db.transaction() as session:
        limit = MAX_BATCH_RECORDS * batches
        rows = outbox.pending(session, connection_id, entity, limit=limit, after=after)
        if not rows:
            return None, after
        busy = in_flight_ids(session, connection_id, entity)
        mappings = _mappings(session, connection_id, entity, rows)
        refs = SessionRefs(session, connection_id)
        _preload(refs, rows)
        books = load_books(session, connection_id)
        prepared: list[Prepared] = []
        for row in rows:
            if row.app_id in busy:
                outbox.mark_waiting(session, row.id, "an earlier change of it is in flight")
                continue
            found = prepare(session, ctx, row, mappings.get(row.app_id), refs, books)
            if isinstance(found, Prepared):
                prepared.append(found)
            elif found == "failed":
                report.count(rejected=1)
            elif found == "waiting":
                report.count(waiting=1)
        return _claim(session, ctx, connection_id, entity, prepared), rows[-1].id


def _send_all(
    ctx: SyncContext,
    connection_id: str,
    tenant: str,
    claims: Sequence[_Claim],
    report: PushReport,
    checkpoint: Checkpoint,
) -> None:
    """Send independent batches at once (up to `ctx.concurrency` calls in flight: Xero takes a
    second or more per write, so one at a time cannot use a tenant's 60 calls a minute). Each
    records its own outcomes; the first failure is raised once all have finished."""
    if ctx.concurrency == 1 or len(claims) == 1:  # one at a time: no threads needed
        failed: Exception | None = None
        for claim in claims:
            try:
                _send(ctx, connection_id, tenant, claim, report, checkpoint)
            except Exception as exc:  # as the threads below: each is tried, the first raised
                failed = failed or exc
        if failed is not None:
            raise failed
        return
    with ThreadPoolExecutor(max_workers=ctx.concurrency, thread_name_prefix="push") as pool:
        futures = [
            pool.submit(_send, ctx, connection_id, tenant, claim, report, checkpoint)
            for claim in claims
        ]
        wait(futures)
    for future in futures:
        future.result()


def _claim(
    session: Session,
    ctx: SyncContext,
    connection_id: str,
    entity: str,
    prepared: Sequence[Prepared],
) -> list[_Claim]:
    batches: list[tuple[outbox.NewBatch, list[Prepared]]] = []

    def claim(items: list[Prepared], method: str) -> None:
        key = f"xerosync-{uuid.uuid4().hex}"
        new = outbox.NewBatch([p.row for p in items], method, key, [p.body for p in items])
        batches.append((new, items))

    envelope = resource(ctx.client, entity).envelope
    for method in ("PUT", "POST"):
        group = [p for p in prepared if p.method == method]
        if not group:
            continue
        plan = plan_batches(
            [p.body for p in group],
            envelope=envelope,
            max_records=MAX_BATCH_RECORDS,
            max_bytes=MAX_BATCH_BYTES,
        )
        for index in plan.too_large:
            record_failure(
                session,
                group[index].row,
                "too_large",
                [f"the record is larger than one Xero request may be ({MAX_BATCH_BYTES:,} bytes)"],
            )
        for batch in plan.batches:
            claim([group[i] for i in batch.indices], method)
    for single in prepared:
        if single.method in ("DELPAY", "ALLOC"):
            claim([single], single.method)
    made = outbox.claim(
        session,
        [new for new, _ in batches],
        connection_id=connection_id,
        entity=entity,
        now=ctx.clock.now(),
    )
    return [
        _Claim(
            batch_id,
            entity,
            new.method,
            new.key,
            [p.body for p in items],
            [p.xero_id for p in items],
            [p.base for p in items],
        )
        for batch_id, (new, items) in zip(made, batches, strict=True)
    ]


# -- sending and recording -----------------------------------------------------------------


def _calls(ctx: SyncContext, tenant: str, claim: _Claim) -> Iterator[_Answer]:
    """Xero's answers to `claim`, one list of per-record outcomes per call."""
    if claim.method in ("PUT", "POST"):  # read for what is kept of the answer (`answer_model`)
        writable = resource(ctx.client, claim.entity)
        yield from writable.iter_send(
            claim.method,
            claim.body,
            tenant=tenant,
            idempotency_key=claim.key,
            answer=answer_model(claim.entity, writable.model),
        )
    elif claim.method == "DELPAY":
        xero_id = claim.xero_ids[0] if claim.xero_ids else claim.body[0].get("PaymentID")
        payment = ctx.client.payments.delete(str(xero_id), tenant=tenant, idempotency_key=claim.key)
        yield [RecordOutcome(0, Outcome.UPDATED, payment)]
    elif claim.method == "ALLOC":
        ctx.client.request(
            "PUT",
            f"CreditNotes/{claim.xero_ids[0]}/Allocations",
            tenant=tenant,
            json=claim.body[0],
            idempotency_key=claim.key,
        )
        yield [RecordOutcome(0, Outcome.UPDATED, None)]


def _send(
    ctx: SyncContext,
    connection_id: str,
    tenant: str,
    claim: _Claim,
    report: PushReport,
    checkpoint: Checkpoint,
) -> None:
    try:  # the client checks the lease right before each request goes (`_keep_lease`)
        for outcomes in _keep_lease(ctx, connection_id, report, _calls(ctx, tenant, claim)):
            report.count(calls=1)
            checkpoint("answered")
            matches = (
                find_matches(ctx.client, tenant, ctx.mapping, claim.body, outcomes)
                if claim.entity == "contacts" and claim.method == "PUT"
                else {}
            )
            with ctx.db.transaction() as session:
                counts = record_outcomes(
                    session,
                    ctx,
                    batch_id=claim.batch_id,
                    outcomes=list(outcomes),
                    key=claim.key,
                    method=claim.method,
                    now=ctx.clock.now(),
                    matches=matches,
                    bases=claim.bases,
                )
            report.count(ok=counts["ok"], rejected=counts["rejected"])
            checkpoint("recorded")
    except RequestRejected as exc:  # the whole call refused (a 400 not per record, a 404)
        report.count(calls=1)
        messages = getattr(exc, "messages", None) or [str(exc)]
        with ctx.db.transaction() as session:
            for row in outbox.sent_rows(session, claim.batch_id):
                record_failure(session, row, "rejected", messages)
                report.count(rejected=1)


# -- resuming ------------------------------------------------------------------------------


def _resume(
    ctx: SyncContext,
    connection_id: str,
    tenant: str,
    report: PushReport,
    checkpoint: Checkpoint,
    hold: datetime | None = None,
) -> None:
    """Send again (or look for in Xero) the batches left in flight; with `hold`, leave them
    untouched until then: the worker whose lease ran out may still be sending them. Later rows
    of their records wait meanwhile (`in_flight_ids`), and the report says when to come back."""
    now = ctx.clock.now()
    with ctx.db.transaction() as session:
        pending = outbox.in_flight_batches(session, connection_id)
        if hold is not None and now < hold:
            if pending:
                report.count(deferred=sum(len(rows) for _, rows in pending))
                report.deferred_until = hold
            return
        resend: list[_Claim] = []
        look_up: list[_Claim] = []
        for batch, rows in pending:
            tried = max(r.attempts for r in rows)
            if tried >= ctx.max_attempts:
                for row in rows:
                    record_failure(
                        session,
                        row,
                        "gave_up",
                        [
                            f"sent {tried} times without an answer that could be recorded; check "
                            "Xero for it, then retry or discard this dead letter"
                        ],
                    )
                continue
            claim = _Claim(
                batch.id,
                batch.entity,
                batch.method,
                batch.idempotency_key,
                outbox.batch_body(batch),
            )
            first = batch.first_sent_at or batch.created_at
            inside = (now - first).total_seconds() < ctx.idempotency_window
            (resend if inside or batch.method != "PUT" else look_up).append(claim)
    if not resend and not look_up:
        return
    for claim in resend:
        _attempt(ctx, connection_id, claim, report)
        report.count(resent=len(claim.body))
        _send(ctx, connection_id, tenant, _with_ids(ctx, claim), report, checkpoint)
    for claim in look_up:
        _attempt(ctx, connection_id, claim, report)
        _adopt_or_release(ctx, connection_id, tenant, claim, report)


def _attempt(ctx: SyncContext, connection_id: str, claim: _Claim, report: PushReport) -> None:
    """Count one more try of a batch about to be sent again: only then, not when found in
    flight, so batches a worker claimed and never sent are not given up as "sent N times"
    after a few takeovers."""
    _renew(ctx, connection_id, report)
    with ctx.db.transaction() as session:
        outbox.count_attempt(session, claim.batch_id)


def _with_ids(ctx: SyncContext, claim: _Claim) -> _Claim:
    if claim.method not in ("DELPAY", "ALLOC"):
        return claim
    with ctx.db.transaction() as session:
        rows = outbox.sent_rows(session, claim.batch_id)
        ids = []
        for row in rows:
            mapping = session.scalar(
                select(MappingRow).where(
                    MappingRow.connection_id == row.connection_id,
                    MappingRow.entity == row.entity,
                    MappingRow.app_id == row.app_id,
                )
            )
            ids.append(mapping.xero_id if mapping else None)
    return _Claim(claim.batch_id, claim.entity, claim.method, claim.key, claim.body, ids)


def _adopt_or_release(
    ctx: SyncContext, connection_id: str, tenant: str, claim: _Claim, report: PushReport
) -> None:
    """Past Xero's idempotency memory: adopt what Xero has, send the rest again (new key)."""
    _renew(ctx, connection_id, report)
    found: dict[int, XeroModel] = find_created(ctx.client, tenant, claim.entity, claim.body)
    with ctx.db.transaction() as session:
        missing = []
        for row in outbox.sent_rows(session, claim.batch_id, payload=True):
            record = found.get(row.position if row.position is not None else -1)
            if record is None:
                missing.append(row.id)
                continue
            record_success(session, ctx, row, "create", record, ctx.clock.now())
            report.count(adopted=1)
        outbox.release(session, missing)
    if missing:
        _drain(ctx, connection_id, tenant, claim.entity, report, _no_checkpoint)
