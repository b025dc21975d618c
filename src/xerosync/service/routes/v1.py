"""REST for the host application (any language), behind API keys: hand records in, read their
status and the change feed, settle conflicts and dead letters. Each route is a thin shell over
`XeroSync`; the workers are woken after the commit. A key limited to some connections sees only
those: anything of another connection is answered 404, as if it did not exist."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Path, Query
from pydantic import ValidationError

from xerosync.errors import AuthError, XeroError
from xerosync.service.deps import ApiKey, Caller, CallerDep, ServiceDep, Storable, answers
from xerosync.service.models import (
    REFUSALS,
    ChangeOut,
    ChangesOut,
    ConflictOut,
    ConnectionOut,
    DeadLetterOut,
    ReconciliationOut,
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

router = APIRouter(prefix="/v1", tags=["v1"], dependencies=[ApiKey, Storable], responses=REFUSALS)

#: the largest id and `seq` the store holds (a 64-bit integer); larger ones are refused (422)
MAX_ID = 2**63 - 1
#: a conflict's or dead letter's id
RowId = Annotated[int, Path(ge=1, le=MAX_ID)]

#: the entities xerosync syncs, listed in the document (another name gets 404, not 422)
Entity = Annotated[str, Path(json_schema_extra={"enum": sorted(RECORD_TYPES)})]


@router.get("/connections", response_model=list[ConnectionOut])
def list_connections(service: ServiceDep, caller: CallerDep) -> list[ConnectionOut]:
    rows = caller.visible(service.sync.connections(), lambda r: r.id)
    return [ConnectionOut.of(r) for r in rows]


# before `/connections/{connection}/{entity}`, which would take the POST otherwise
@router.post(
    "/connections/{connection}/reconciliation",
    response_model=ReconciliationOut,
    responses={
        409: {"description": "the organisation is not connected (or its grant is dead)"},
        502: {"description": "Xero could not be read"},
    },
)
def reconcile(service: ServiceDep, caller: CallerDep, connection: str) -> ReconciliationOut:
    """Compare the app's records with what Xero holds now (it reads the organisation's
    contacts, invoices, credit notes and bank transactions) and keep the report."""
    connection_id = service.visible_connection(caller, connection)
    try:
        with answers():
            service.sync.reconcile(connection_id)
    except AuthError as exc:
        raise HTTPException(409, f"{exc}; connect the organisation again") from exc
    except XeroError as exc:
        raise HTTPException(502, f"Xero could not be read: {exc}") from exc
    found = service.sync.last_reconciliation(connection_id)
    assert found is not None  # just kept
    return ReconciliationOut.of(*found)


@router.get("/connections/{connection}/reconciliation", response_model=ReconciliationOut)
def last_reconciliation(
    service: ServiceDep, caller: CallerDep, connection: str
) -> ReconciliationOut:
    """The last reconciliation's report (404 when none was run)."""
    connection_id = service.visible_connection(caller, connection)
    found = service.sync.last_reconciliation(connection_id)
    if found is None:
        raise HTTPException(404, f"no reconciliation was run on {connection!r} yet")
    return ReconciliationOut.of(*found)


@router.post(
    "/connections/{connection}/{entity}",
    response_model=list[SubmittedOut],
    openapi_extra=RECORDS_BODY,
)
def submit(
    service: ServiceDep,
    caller: CallerDep,
    connection: str,
    entity: Entity,
    records: Annotated[list[dict[str, Any]], Body(max_length=MAX_RECORDS)],
) -> list[SubmittedOut]:
    """Hand in records of one kind, with the app's own ids; the same record again is a no-op."""
    connection_id = service.visible_connection(caller, connection)
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
def status(
    service: ServiceDep, caller: CallerDep, connection: str, entity: Entity, app_id: str
) -> RecordStatusOut:
    """What became of a record: its state, Xero id and number, amounts, Xero's messages."""
    connection_id = service.visible_connection(caller, connection)
    with answers():
        found = service.sync.status(connection_id, entity, app_id)
    if found is None:
        raise HTTPException(404, f"{entity} {app_id} was never handed in on this connection")
    return RecordStatusOut.of(found)


@router.get("/changes", response_model=ChangesOut)
def changes(
    service: ServiceDep,
    caller: CallerDep,
    after: Annotated[int, Query(ge=0, le=MAX_ID, description="the last `seq` you handled")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    connection: str | None = None,
) -> ChangesOut:
    """The change feed, in order: keep `next_after` and ask again from there."""
    connection_id = service.visible_connection(caller, connection) if connection else None
    with answers():
        found = service.sync.changes(
            after=after, limit=limit, connection=connection_id, among=caller.connections
        )
    return ChangesOut(
        changes=[ChangeOut.of(c) for c in found],
        next_after=found[-1].seq if found else after,
    )


@router.get("/conflicts", response_model=list[ConflictOut])
def conflicts(
    service: ServiceDep, caller: CallerDep, connection: str | None = None
) -> list[ConflictOut]:
    connection_id = service.visible_connection(caller, connection) if connection else None
    with answers():
        rows = caller.visible(service.sync.conflicts(connection_id), lambda r: r.connection_id)
    return [ConflictOut.of(c) for c in rows]


def _conflict(service: ServiceDep, caller: Caller, conflict_id: int) -> ConflictRow:
    with service.sync.db.transaction() as session:
        row = session.get(ConflictRow, conflict_id)
    if row is None or not caller.sees(row.connection_id):
        raise HTTPException(404, f"no open conflict {conflict_id}")
    return row


@router.post("/conflicts/{conflict_id}/resolve", response_model=ConflictOut)
def resolve(
    service: ServiceDep, caller: CallerDep, conflict_id: RowId, decision: ResolveIn
) -> ConflictOut:
    """Settle every field of an open conflict; what Xero lacks is pushed."""
    sync = service.sync
    _conflict(service, caller, conflict_id)
    with answers():
        sync.resolve(
            conflict_id,
            {k: v if isinstance(v, str) else ("edit", v[1]) for k, v in decision.choices.items()},
            by=decision.by,
        )
    row = _conflict(service, caller, conflict_id)
    service.wake("push", row.connection_id)
    return ConflictOut.of(row)


@router.get("/dead-letters", response_model=list[DeadLetterOut])
def dead_letters(
    service: ServiceDep, caller: CallerDep, connection: str | None = None
) -> list[DeadLetterOut]:
    connection_id = service.visible_connection(caller, connection) if connection else None
    with answers():
        rows = caller.visible(service.sync.dead_letters(connection_id), lambda r: r.connection_id)
    return [DeadLetterOut.of(d) for d in rows]


def _letter(service: ServiceDep, caller: Caller, letter_id: int) -> DeadLetter:
    with service.sync.db.transaction() as session:
        row = session.get(DeadLetter, letter_id)
    if row is None or not caller.sees(row.connection_id):
        raise HTTPException(404, f"no open dead letter {letter_id}")
    return row


@router.post("/dead-letters/{letter_id}/retry", response_model=DeadLetterOut)
def retry(service: ServiceDep, caller: CallerDep, letter_id: RowId) -> DeadLetterOut:
    """Queue the record again as it is now in the app (fix the cause first)."""
    _letter(service, caller, letter_id)
    with answers():
        service.sync.retry(letter_id)
    row = _letter(service, caller, letter_id)
    service.wake("push", row.connection_id)
    return DeadLetterOut.of(row)


@router.post("/dead-letters/{letter_id}/discard", response_model=DeadLetterOut)
def discard(service: ServiceDep, caller: CallerDep, letter_id: RowId) -> DeadLetterOut:
    _letter(service, caller, letter_id)
    with answers():
        service.sync.discard(letter_id)
    return DeadLetterOut.of(_letter(service, caller, letter_id))
