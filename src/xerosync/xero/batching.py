"""Batched writes, the pure part: split records into calls and read each record's outcome back.

Xero takes arrays of records per PUT/POST; about 50 a call keeps a request under its 3.5 MB cap.
Writes always go with `summarizeErrors=false`, so Xero answers 200 and echoes every record in input
order, each with its own `StatusAttributeString` (`OK`, `WARNING`, `ERROR`) and `ValidationErrors`.
`plan_batches` does the splitting and `outcomes` matches the echo back to the caller's records.

Idempotency keys: the caller (the outbox) owns one key per write and persists it before the first
try. `batch_key(key, index)` turns it into one key per call, `"<key>.<index>"` (hashed when that would
pass Xero's 128 characters). Chunking is deterministic, so the same records in the same order give
the same batches and the same keys after a crash.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, TypeVar

from xerosync.errors import BatchMismatch, RawResponse
from xerosync.xero.models.base import XeroRecord, encode

__all__ = [
    "MAX_BATCH_BYTES",
    "MAX_BATCH_RECORDS",
    "MAX_IDEMPOTENCY_KEY",
    "Batch",
    "BatchPlan",
    "Outcome",
    "RecordOutcome",
    "batch_key",
    "encoded_size",
    "plan_batches",
    "read_outcomes",
]

MAX_BATCH_RECORDS = 50
MAX_BATCH_BYTES = 3_500_000
MAX_IDEMPOTENCY_KEY = 128

T = TypeVar("T")
R = TypeVar("R", bound=XeroRecord)

NO_ID = "00000000-0000-0000-0000-000000000000"


class Outcome(StrEnum):
    CREATED = "created"  # PUT, accepted
    UPDATED = "updated"  # POST of a record that carried its Xero ID, accepted
    SAVED = "saved"  # POST without an ID, accepted: Xero created it or matched it by number/name
    REJECTED = "rejected"  # Xero's validation refused it (see `messages`); nothing was written
    NOT_SENT = "not_sent"  # larger than a whole request may be; never sent


@dataclass(frozen=True)
class RecordOutcome(Generic[T]):
    """What happened to the caller's record number `index` (its position in the input)."""

    index: int
    outcome: Outcome
    record: T | None = None
    messages: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.outcome in (Outcome.CREATED, Outcome.UPDATED, Outcome.SAVED)


@dataclass(frozen=True)
class Batch:
    """One call's worth of records: `payloads[i]` is the caller's record `indices[i]`."""

    number: int
    indices: tuple[int, ...]
    payloads: tuple[Mapping[str, Any], ...]
    size: int

    def body(self, envelope: str) -> dict[str, Any]:
        return {envelope: list(self.payloads)}


@dataclass(frozen=True)
class BatchPlan:
    batches: list[Batch] = field(default_factory=list)
    too_large: list[int] = field(default_factory=list)


def encoded_size(payload: Any) -> int:
    """Bytes of `payload` as the client sends it."""
    return len(encode(payload))


def plan_batches(
    payloads: Sequence[Mapping[str, Any]],
    *,
    envelope: str,
    max_records: int = MAX_BATCH_RECORDS,
    max_bytes: int = MAX_BATCH_BYTES,
) -> BatchPlan:
    """Split records, in order, into batches of at most `max_records` whose body fits `max_bytes`.

    A record that cannot fit even alone is left out and listed in `too_large` (by input index), so it
    can be reported without holding back its neighbours.
    """
    if max_records < 1:
        raise ValueError("max_records must be at least 1")
    overhead = encoded_size({envelope: []})
    separator = len(",")  # between records in the compact body
    plan = BatchPlan()
    indices: list[int] = []
    chunk: list[Mapping[str, Any]] = []
    size = overhead

    def close() -> None:
        nonlocal indices, chunk, size
        if chunk:
            plan.batches.append(Batch(len(plan.batches), tuple(indices), tuple(chunk), size))
        indices, chunk, size = [], [], overhead

    for index, payload in enumerate(payloads):
        record_size = encoded_size(payload)
        if overhead + record_size > max_bytes:
            plan.too_large.append(index)
            continue
        extra = record_size + (separator if chunk else 0)
        if len(chunk) >= max_records or size + extra > max_bytes:
            close()
            extra = record_size
        indices.append(index)
        chunk.append(payload)
        size += extra
    close()
    return plan


def batch_key(key: str | None, number: int) -> str | None:
    """The Idempotency-Key for batch `number` of a write whose caller-supplied key is `key`."""
    if key is None:
        return None
    derived = f"{key}.{number}"
    if len(derived) <= MAX_IDEMPOTENCY_KEY:
        return derived
    return hashlib.sha256(derived.encode()).hexdigest()


def read_outcomes(
    batch: Batch,
    echoed: Sequence[R],
    *,
    created: bool,
    id_field: str,
    response: RawResponse | None = None,
    tenant: str | None = None,
) -> list[RecordOutcome[R]]:
    """Pair each record Xero echoed (in input order) with the caller's record it answers.

    `created` is True for PUT. For POST a record that carried its `id_field` was updated; one that did
    not was saved (created, or matched by Xero on its number or name: Xero does not say which).
    An echo of another length raises `BatchMismatch` carrying `response` (pass the answer's
    `transport.raw(...)`), so the caller can report it and check Xero before resending.
    """
    if len(echoed) != len(batch.payloads):
        raise BatchMismatch(
            f"Xero answered batch {batch.number} with {len(echoed)} records for "
            f"{len(batch.payloads)} sent; outcomes cannot be matched to records",
            sent=len(batch.payloads),
            answered=len(echoed),
            response=response,
            tenant=tenant,
        )
    results: list[RecordOutcome[R]] = []
    for index, payload, record in zip(batch.indices, batch.payloads, echoed, strict=True):
        warnings = tuple(record.warning_messages())
        if record.rejected:
            messages = tuple(record.error_messages()) or ("Xero rejected the record",)
            results.append(RecordOutcome(index, Outcome.REJECTED, record, messages, warnings))
            continue
        sent_id = payload.get(id_field)
        if created:
            outcome = Outcome.CREATED
        elif sent_id and sent_id != NO_ID:
            outcome = Outcome.UPDATED
        else:
            outcome = Outcome.SAVED
        results.append(RecordOutcome(index, outcome, record, (), warnings))
    return results
