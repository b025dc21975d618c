"""REST for the host application (any language), behind API keys: hand records in, read their
status and the change feed, settle conflicts and dead letters. Each route is a thin shell over
`XeroSync`; the workers are woken after the commit."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Query
from pydantic import ValidationError

from xerosync.service.deps import ApiKey, ServiceDep, answers
from xerosync.service.models import (
    ChangeOut,
    ChangesOut,
    ConflictOut,
    ConnectionOut,
    DeadLetterOut,
    RecordStatusOut,
    ResolveIn,
    SubmittedOut,
)
from xerosync.service.openapi import RECORDS_BODY
from xerosync.store.tables import ConflictRow, DeadLetter
from xerosync.sync.records import RECORD_TYPES, parse_record

__all__ = ["MAX_RECORDS", "router"]

#: records per request; hand in more with more requests
MAX_RECORDS = 1000

router = APIRouter(prefix="/v1", tags=["v1"], dependencies=[ApiKey])


def _known(service: ServiceDep, connection: str) -> str:
    found = service.connection_id(connection)
    if found is None:
        raise HTTPException(404, f"no connection {connection!r} (a connection id or a tenant id)")
    return found


@router.get("/connections", response_model=list[ConnectionOut])
def list_connections(service: ServiceDep) -> list[ConnectionOut]:
    return [ConnectionOut.of(r) for r in service.sync.connections()]


@router.post(
    "/connections/{connection}/{entity}",
    response_model=list[SubmittedOut],
    responses={422: {"description": "a record is not valid: its index, id and what is wrong"}},
    openapi_extra=RECORDS_BODY,
)
def submit(
    service: ServiceDep,
    connection: str,
    entity: str,
    records: Annotated[list[dict[str, Any]], Body(max_length=MAX_RECORDS)],
) -> list[SubmittedOut]:
    """Hand in records of one kind, with the app's own ids; the same record again is a no-op."""
    connection_id = _known(service, connection)
    if entity not in RECORD_TYPES:
        raise HTTPException(
            404, f"unknown entity {entity!r}; xerosync syncs {', '.join(sorted(RECORD_TYPES))}"
        )
    problems = []
    for index, record in enumerate(records):
        try:
            parse_record(entity, record)
        except ValidationError as exc:
            problems.append(
                {
                    "index": index,
                    "id": record.get("id"),
                    "errors": exc.errors(include_url=False, include_input=False),
                }
            )
    if problems:
        raise HTTPException(422, problems)
    with answers():
        done = service.sync.submit_many(connection_id, entity, records)
    if any(d.result == "queued" for d in done):
        service.wake("push", connection_id)
    return [SubmittedOut.of(d) for d in done]


@router.get("/connections/{connection}/{entity}/{app_id}", response_model=RecordStatusOut)
def status(service: ServiceDep, connection: str, entity: str, app_id: str) -> RecordStatusOut:
    """What became of a record: its state, Xero id and number, amounts, Xero's messages."""
    with answers():
        found = service.sync.status(connection, entity, app_id)
    if found is None:
        raise HTTPException(404, f"{entity} {app_id} was never handed in on this connection")
    return RecordStatusOut.of(found)


@router.get("/changes", response_model=ChangesOut)
def changes(
    service: ServiceDep,
    after: Annotated[int, Query(ge=0, description="the last `seq` you handled")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    connection: str | None = None,
) -> ChangesOut:
    """The change feed, in order: keep `next_after` and ask again from there."""
    with answers():
        found = service.sync.changes(after=after, limit=limit, connection=connection)
    return ChangesOut(
        changes=[ChangeOut.of(c) for c in found],
        next_after=found[-1].seq if found else after,
    )


@router.get("/conflicts", response_model=list[ConflictOut])
def conflicts(service: ServiceDep, connection: str | None = None) -> list[ConflictOut]:
    with answers():
        return [ConflictOut.of(c) for c in service.sync.conflicts(connection)]


@router.post("/conflicts/{conflict_id}/resolve", response_model=ConflictOut)
def resolve(service: ServiceDep, conflict_id: int, decision: ResolveIn) -> ConflictOut:
    """Settle every field of an open conflict; what Xero lacks is pushed."""
    sync = service.sync
    with answers():
        sync.resolve(
            conflict_id,
            {k: v if isinstance(v, str) else ("edit", v[1]) for k, v in decision.choices.items()},
            by=decision.by,
        )
    with sync.db.transaction() as session:
        row = session.get(ConflictRow, conflict_id)
        assert row is not None  # resolve found it
    service.wake("push", row.connection_id)
    return ConflictOut.of(row)


@router.get("/dead-letters", response_model=list[DeadLetterOut])
def dead_letters(service: ServiceDep, connection: str | None = None) -> list[DeadLetterOut]:
    with answers():
        return [DeadLetterOut.of(d) for d in service.sync.dead_letters(connection)]


def _letter(service: ServiceDep, letter_id: int) -> DeadLetter:
    with service.sync.db.transaction() as session:
        row = session.get(DeadLetter, letter_id)
    if row is None:
        raise HTTPException(404, f"no dead letter {letter_id}")
    return row


@router.post("/dead-letters/{letter_id}/retry", response_model=DeadLetterOut)
def retry(service: ServiceDep, letter_id: int) -> DeadLetterOut:
    """Queue the record again as it is now in the app (fix the cause first)."""
    with answers():
        service.sync.retry(letter_id)
    row = _letter(service, letter_id)
    service.wake("push", row.connection_id)
    return DeadLetterOut.of(row)


@router.post("/dead-letters/{letter_id}/discard", response_model=DeadLetterOut)
def discard(service: ServiceDep, letter_id: int) -> DeadLetterOut:
    with answers():
        service.sync.discard(letter_id)
    return DeadLetterOut.of(_letter(service, letter_id))
