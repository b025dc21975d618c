"""Batched writes, pure part: chunking under both caps, per-call keys, and outcomes per record."""

from __future__ import annotations

import math
from typing import Any

import pytest

from xerosync.errors import BatchMismatch, RawResponse, XeroError
from xerosync.xero.batching import (
    MAX_IDEMPOTENCY_KEY,
    Batch,
    Outcome,
    batch_key,
    encoded_size,
    plan_batches,
    read_outcomes,
)
from xerosync.xero.models import Contact, Invoice


def _records(n: int, pad: int = 0) -> list[dict[str, Any]]:
    return [{"InvoiceNumber": f"INV-{i:05d}", "Reference": "x" * pad} for i in range(n)]


@pytest.mark.parametrize(
    ("count", "max_records"),
    [(0, 50), (1, 50), (49, 50), (50, 50), (51, 50), (1000, 50), (1001, 50), (7, 3)],
)
def test_batches_hold_at_most_max_records_in_order(count: int, max_records: int) -> None:
    plan = plan_batches(_records(count), envelope="Invoices", max_records=max_records)
    assert len(plan.batches) == math.ceil(count / max_records)
    assert all(len(b.payloads) <= max_records for b in plan.batches)
    flat = [i for b in plan.batches for i in b.indices]
    assert flat == list(range(count))
    assert [b.number for b in plan.batches] == list(range(len(plan.batches)))
    assert not plan.too_large


def test_batches_stay_under_the_size_cap() -> None:
    records = _records(40, pad=900)  # about 930 bytes each
    cap = 10_000
    plan = plan_batches(records, envelope="Invoices", max_bytes=cap)
    assert len(plan.batches) > 1
    for batch in plan.batches:
        assert encoded_size(batch.body("Invoices")) <= cap
        assert batch.size == encoded_size(batch.body("Invoices"))
    # greedy: adding the next record to any batch but the last would have broken the cap
    for batch, following in zip(plan.batches, plan.batches[1:], strict=False):
        grown = {"Invoices": [*batch.payloads, following.payloads[0]]}
        assert encoded_size(grown) > cap


def test_a_record_too_large_for_any_request_is_set_aside_alone() -> None:
    records = _records(5)
    records[2] = {"InvoiceNumber": "HUGE", "Reference": "x" * 5000}
    plan = plan_batches(records, envelope="Invoices", max_bytes=2000)
    assert plan.too_large == [2]
    assert [i for b in plan.batches for i in b.indices] == [0, 1, 3, 4]


def test_non_ascii_is_measured_in_bytes() -> None:
    records = [{"Name": "é" * 400} for _ in range(3)]  # 800 bytes each in UTF-8
    plan = plan_batches(records, envelope="Contacts", max_bytes=1700)
    assert len(plan.batches) == 2


@pytest.mark.parametrize(
    ("key", "number", "expected"),
    [
        (None, 0, None),
        ("outbox-42", 0, "outbox-42.0"),
        ("outbox-42", 19, "outbox-42.19"),
    ],
)
def test_batch_keys_derive_from_the_callers_key(
    key: str | None, number: int, expected: str | None
) -> None:
    assert batch_key(key, number) == expected


def test_long_keys_are_hashed_to_fit_and_stay_distinct() -> None:
    long_key = "k" * 200
    first, second = batch_key(long_key, 0), batch_key(long_key, 1)
    assert first is not None
    assert second is not None
    assert len(first) <= MAX_IDEMPOTENCY_KEY
    assert len(second) <= MAX_IDEMPOTENCY_KEY
    assert first != second
    assert batch_key(long_key, 0) == first  # deterministic: same key after a crash


def _batch(payloads: list[dict[str, Any]], indices: list[int] | None = None) -> Batch:
    return Batch(0, tuple(indices or range(len(payloads))), tuple(payloads), 0)


def test_each_record_gets_its_own_outcome() -> None:
    sent = [{"InvoiceNumber": "A"}, {"InvoiceNumber": "B"}, {"InvoiceNumber": "C"}]
    echoed = [
        Invoice.model_validate(
            {"InvoiceID": "id-a", "InvoiceNumber": "A", "StatusAttributeString": "OK"}
        ),
        Invoice.model_validate(
            {
                "InvoiceID": "00000000-0000-0000-0000-000000000000",
                "InvoiceNumber": "B",
                "HasErrors": True,
                "StatusAttributeString": "ERROR",
                "ValidationErrors": [
                    {"Message": "Invoice # must be unique."},
                    {"Message": "Second."},
                ],
            }
        ),
        Invoice.model_validate(
            {
                "InvoiceID": "id-c",
                "StatusAttributeString": "WARNING",
                "Warnings": [{"Message": "rate?"}],
            }
        ),
    ]
    outcomes = read_outcomes(_batch(sent, [10, 11, 12]), echoed, created=True, id_field="InvoiceID")
    assert [(o.index, o.outcome) for o in outcomes] == [
        (10, Outcome.CREATED),
        (11, Outcome.REJECTED),
        (12, Outcome.CREATED),
    ]
    assert outcomes[1].messages == ("Invoice # must be unique.", "Second.")
    assert not outcomes[1].ok
    assert outcomes[0].ok
    assert outcomes[2].warnings == ("rate?",)
    assert outcomes[0].record is not None
    assert outcomes[0].record.invoice_id == "id-a"


@pytest.mark.parametrize(
    ("sent_id", "expected"),
    [
        ("c0ffee00-0000-0000-0000-000000000001", Outcome.UPDATED),
        (None, Outcome.SAVED),
        ("00000000-0000-0000-0000-000000000000", Outcome.SAVED),
    ],
)
def test_post_tells_updates_from_saves(sent_id: str | None, expected: Outcome) -> None:
    payload = {"Name": "Acme"} | ({"ContactID": sent_id} if sent_id else {})
    echoed = [
        Contact.model_validate(
            {"ContactID": "c0ffee00-0000-0000-0000-000000000001", "Name": "Acme"}
        )
    ]
    [outcome] = read_outcomes(_batch([payload]), echoed, created=False, id_field="ContactID")
    assert outcome.outcome == expected


def test_a_rejection_without_messages_still_says_so() -> None:
    echoed = [Contact.model_validate({"HasValidationErrors": True})]
    [outcome] = read_outcomes(_batch([{"Name": ""}]), echoed, created=True, id_field="ContactID")
    assert outcome.outcome == Outcome.REJECTED
    assert outcome.messages


def test_an_echo_that_does_not_match_the_batch_is_refused() -> None:
    answer = RawResponse.build("PUT", "https://x.test/Contacts", 200, {}, '{"Contacts": [{}]}')
    with pytest.raises(BatchMismatch, match="cannot be matched") as caught:
        read_outcomes(
            _batch([{"Name": "a"}, {"Name": "b"}]),
            [Contact()],
            created=True,
            id_field="ContactID",
            response=answer,
            tenant="t-1",
        )
    assert caught.value.response is answer
    assert (caught.value.sent, caught.value.answered, caught.value.tenant) == (2, 1, "t-1")
    assert isinstance(caught.value, XeroError)


def test_a_body_with_an_integer_past_64_bits_is_still_written_and_measured() -> None:
    payload = {"Reference": "r", "Number": 2**70}
    assert encoded_size(payload) == len(b'{"Reference":"r","Number":1180591620717411303424}')
