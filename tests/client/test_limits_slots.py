"""A concurrency slot is given back when the call inside it raises (a dead grant, a token lock
that timed out), on the in-process and the Redis budget store: otherwise two such calls with
`concurrent=2` leave every later call on the tenant waiting out the slots' 300 s lease."""

from __future__ import annotations

from contextlib import AbstractContextManager

import pytest

from tests.client.core_doubles import FakeXero, config, make_client
from xerosync.clock import FakeClock
from xerosync.errors import NeedsReauth
from xerosync.xero import MemoryTokenStore, RateLimits
from xerosync.xero.auth.tokens import DEFAULT_KEY, TokenLockTimeout
from xerosync.xero.limits.stores import BudgetStore


def no_waiting(seconds: float) -> None:
    raise AssertionError("a call waited for a concurrency slot that should have been free")


class LockTimesOut(MemoryTokenStore):
    def lock(self, key: str) -> AbstractContextManager[None]:
        raise TokenLockTimeout("waited 150s for the token lock")


def test_a_dead_grant_gives_its_slot_back(clock: FakeClock, budget_store: BudgetStore) -> None:
    fake = FakeXero(clock)
    client, store = make_client(
        fake,
        budget_store=budget_store,
        config=config(limits=RateLimits(concurrent=2)),
        pause=no_waiting,
    )
    for _ in range(3):
        with pytest.raises(NeedsReauth):
            client.request("GET", "Invoices", tenant="t")  # no tokens: the grant is dead
    store.save(DEFAULT_KEY, fake.issue())
    assert client.request("GET", "Invoices", tenant="t").status_code == 200


def test_a_token_lock_timeout_gives_its_slot_back(
    clock: FakeClock, budget_store: BudgetStore
) -> None:
    fake = FakeXero(clock)
    store = LockTimesOut()
    client, _ = make_client(
        fake,
        store=store,
        tokens=fake.issue(),
        budget_store=budget_store,
        config=config(limits=RateLimits(concurrent=2)),
        pause=no_waiting,
    )
    clock.advance(1800)  # expired: the call must refresh, and the lock times out
    for _ in range(3):
        with pytest.raises(TokenLockTimeout):
            client.request("GET", "Invoices", tenant="t")
    store.save(DEFAULT_KEY, fake.issue())
    assert client.request("GET", "Invoices", tenant="t").status_code == 200


def test_slots_a_crashed_worker_held_are_free_after_the_slot_lease(
    clock: FakeClock, budget_store: BudgetStore
) -> None:
    """A worker SIGKILLed mid-call never gives its slots back (on Redis they outlive it): the
    other workers wait `slot_lease`, not for ever, and not the 300 s default when it is set."""
    fake = FakeXero(clock)
    limits = config(limits=RateLimits(concurrent=2), slot_lease=20.0)
    dead, _ = make_client(fake, tokens=fake.issue(), budget_store=budget_store, config=limits)
    in_flight = [dead.governor.slot("t") for _ in range(2)]
    for call in in_flight:  # two calls in flight when the worker died: their slots stay taken
        call.__enter__()
    waited: list[float] = []

    def wait(seconds: float) -> None:
        waited.append(seconds)
        clock.advance(seconds)

    alive, _ = make_client(
        fake, tokens=fake.issue(), budget_store=budget_store, config=limits, pause=wait
    )
    assert alive.request("GET", "Invoices", tenant="t").status_code == 200
    assert 19.9 <= sum(waited) <= 20.5
    assert len(in_flight) == 2  # (held until here: a context manager collected frees its slot)
