"""A batched write that loses its answer, inside and after Xero's ~6-minute idempotency window,
through `client.invoices` against the emulator: nothing created twice, nothing missing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.client.test_resources_invoices_emulator import Books, _books, invoices
from tests.conftest import EmulatorFactory
from xerosync.clock import FakeClock
from xerosync.emulator import EmulatorConfig
from xerosync.errors import XeroConnectionError
from xerosync.xero.batching import Outcome


@pytest.fixture
def books(emulator_factory: EmulatorFactory, clock: FakeClock) -> Iterator[Books]:
    connected = _books(emulator_factory(EmulatorConfig(auto_approve=True)), clock)
    yield connected
    connected.client.close()


def _lose_next_put(books: Books, count: int = 1) -> None:
    with books.emulator.admin() as admin:
        admin.post(
            "/faults/lost-responses",
            json={"method": "PUT", "path_prefix": "/api.xro/2.0/Invoices", "count": count},
        ).raise_for_status()


def _numbers(books: Books, run: str) -> list[str]:
    listed = books.client.invoices.list(tenant=books.tenant, where='Status=="AUTHORISED"')
    return [i.invoice_number or "" for i in listed if (i.invoice_number or "").startswith(run)]


def test_a_lost_answer_is_retried_with_the_batch_key_and_creates_nothing_twice(
    books: Books,
) -> None:
    _lose_next_put(books)
    outcomes = books.client.invoices.create(
        invoices(120, run="LOST"), tenant=books.tenant, idempotency_key="outbox-9"
    )
    assert [o.outcome for o in outcomes] == [Outcome.CREATED] * 120
    puts = books.log("PUT")
    assert [p["idempotency_key"] for p in puts] == [
        "outbox-9.0",
        "outbox-9.0",
        "outbox-9.1",
        "outbox-9.2",
    ]
    assert puts[0]["lost"]
    numbers = _numbers(books, "LOST-")
    assert len(numbers) == 120
    assert len(set(numbers)) == 120


def test_resuming_after_the_idempotency_window_looks_up_before_resending(
    books: Books, clock: FakeClock
) -> None:
    batch = invoices(130, run="LATE")
    numbers = [i.invoice_number or "" for i in batch]
    sending = books.client.invoices.iter_create(batch, tenant=books.tenant, idempotency_key="o-10")
    first = next(sending)  # batch 0 answered: the outbox records these 50
    assert all(o.ok for o in first)
    # Batch 1 is committed by Xero but every answer is lost; the worker dies before batch 2.
    _lose_next_put(books, count=books.client.config.max_attempts)
    with pytest.raises(XeroConnectionError):
        next(sending)
    clock.advance(7 * 60)  # past Xero's memory of the key: re-sending "o-10.1" would duplicate

    unsettled = numbers[50:]
    found = books.client.invoices.find_by_numbers(unsettled, tenant=books.tenant)
    assert sorted(found) == numbers[50:100]  # batch 1 is there, batch 2 never went
    rest = [i for i in batch[50:] if i.invoice_number not in found]
    resent = books.client.invoices.create(rest, tenant=books.tenant, idempotency_key="o-10-resume")
    assert [o.outcome for o in resent] == [Outcome.CREATED] * 30
    listed = _numbers(books, "LATE-")
    assert sorted(listed) == sorted(numbers)
