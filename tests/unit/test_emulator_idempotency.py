"""The emulator's Idempotency-Key memory: replay inside the window, forgotten after it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from xerosync.clock import FakeClock
from xerosync.emulator.books.idempotency import IdempotencyCache, KeyReused, fingerprint

FIRST = (200, b'{"Invoices": []}', "application/json")


def test_a_key_is_replayed_inside_its_window_and_refused_with_another_request() -> None:
    clock = FakeClock(datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    cache = IdempotencyCache(clock)
    same = fingerprint("PUT", "/api.xro/2.0/Invoices", b"{}")
    cache.remember("app", "k", same, FIRST, window_seconds=360)
    clock.advance(359)
    remembered = cache.recall("app", "k", same)
    assert remembered is not None
    assert remembered.body == FIRST[1]
    with pytest.raises(KeyReused):
        cache.recall("app", "k", fingerprint("PUT", "/api.xro/2.0/Invoices", b"[]"))


def test_a_key_kept_for_a_shorter_window_is_forgotten_when_it_ends() -> None:
    """The window is read per request; a key remembered after the setting was shortened
    expires on time even while an older key, kept for longer, is still remembered."""
    clock = FakeClock(datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    cache = IdempotencyCache(clock)
    body = fingerprint("PUT", "/api.xro/2.0/Invoices", b"{}")
    cache.remember("app", "long", body, FIRST, window_seconds=360)
    clock.advance(1)
    cache.remember("app", "short", body, FIRST, window_seconds=10)
    clock.advance(20)
    assert cache.recall("app", "short", body) is None
    assert cache.recall("app", "long", body) is not None
