"""The token lock stays ours for the whole refresh, and a save never puts an older pair over a
newer one: compare-and-set on the refresh token used, under the lock (every store)."""

from __future__ import annotations

import itertools
import json
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from tests.client.hostile_server import Received, Reply, hostile_server
from xerosync.clock import FakeClock
from xerosync.xero import (
    FileTokenStore,
    MemoryTokenStore,
    RedisTokenStore,
    TokenSet,
    XeroClient,
    XeroConfig,
)
from xerosync.xero.auth.tokens import DEFAULT_KEY, TokenStore

NOW = datetime(2026, 1, 1, 12, 0).astimezone()


def pair(n: int, *, expires: datetime = NOW + timedelta(hours=1)) -> TokenSet:
    return TokenSet(f"AT-{n}", f"RT-{n}", expires)


@pytest.fixture(params=["memory", "file", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TokenStore]:
    if request.param == "memory":
        yield MemoryTokenStore()
    elif request.param == "file":
        yield FileTokenStore(tmp_path / "tokens")
    else:
        made = RedisTokenStore.from_url(
            request.getfixturevalue("redis_url"), prefix=f"test-lease-{uuid.uuid4().hex}:"
        )
        yield made
        for key in made.redis.scan_iter(f"{made.prefix}*"):
            made.redis.delete(key)
        made.redis.close()


def test_a_save_replacing_a_refresh_token_is_compare_and_set(store: TokenStore) -> None:
    assert store.save("k", pair(1))  # a new consent: unconditional
    with store.lock("k"):
        assert store.save("k", pair(2), replacing="RT-1")
        assert not store.save("k", pair(3), replacing="RT-1")  # a slower worker's older pair
    assert store.load("k") == pair(2)
    with store.lock("gone"):
        assert not store.save("gone", pair(4), replacing="RT-0")  # deleted: not brought back
    assert store.load("gone") is None


@pytest.fixture
def redis_store(redis_url: str) -> Iterator[RedisTokenStore]:
    made = RedisTokenStore.from_url(
        redis_url, prefix=f"test-lease-{uuid.uuid4().hex}:", lock_timeout=0.6
    )
    yield made
    for key in made.redis.scan_iter(f"{made.prefix}*"):
        made.redis.delete(key)
    made.redis.close()


def test_redis_saves_a_refresh_only_while_holding_the_lock(redis_store: RedisTokenStore) -> None:
    redis_store.save("k", pair(1))
    assert not redis_store.save("k", pair(2), replacing="RT-1")  # no lock held
    with redis_store.lock("k"):
        redis_store.redis.delete(f"{redis_store.prefix}k:lock")  # the lease is gone...
        other = redis_store.redis.lock(f"{redis_store.prefix}k:lock", timeout=5)
        assert other.acquire(blocking=False)  # ...and another worker holds the lock
        assert not redis_store.save("k", pair(2), replacing="RT-1")
        other.release()
    assert redis_store.load("k") == pair(1)


def test_redis_renews_the_lease_while_the_lock_is_held(redis_store: RedisTokenStore) -> None:
    entered = threading.Event()
    waited: list[float] = []

    def second() -> None:
        entered.wait(5)
        start = time.monotonic()
        with redis_store.lock("k"):
            waited.append(time.monotonic() - start)

    thread = threading.Thread(target=second)
    thread.start()
    with redis_store.lock("k"):
        entered.set()
        time.sleep(2.0)  # more than three leases
    thread.join(10)
    assert len(waited) == 1
    assert waited[0] >= 1.5


def test_redis_stops_renewing_a_lock_held_past_max_hold(redis_url: str) -> None:
    store = RedisTokenStore.from_url(
        redis_url, prefix=f"test-lease-{uuid.uuid4().hex}:", lock_timeout=0.3, max_hold=0.5
    )
    try:
        with store.lock("k"):  # a holder that hangs
            time.sleep(1.5)
            other = store.redis.lock(f"{store.prefix}k:lock", timeout=5)
            assert other.acquire(blocking=False)  # the lease ran out: others may go on
            other.release()
    finally:
        store.redis.close()


def _trickling_token_endpoint(issued: itertools.count[int]) -> tuple[list[str], object]:
    used: list[str] = []

    def script(request: Received) -> Reply:
        form = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
        used.append(form.get("refresh_token", ""))
        n = next(issued)
        body = json.dumps(
            {"access_token": f"AT-{n}", "refresh_token": f"RT-{n}", "expires_in": 1800}
        ).encode()
        # ~2 s in all, never more than 0.1 s between bytes: no per-read timeout fires
        return Reply(200, body, {"Content-Type": "application/json"}, trickle=2.0 / len(body))

    return used, script


def test_a_trickling_token_answer_does_not_let_a_second_worker_refresh(
    redis_store: RedisTokenStore,
) -> None:
    used, script = _trickling_token_endpoint(itertools.count(2))
    with hostile_server(script) as server:  # type: ignore[arg-type]
        settings = XeroConfig.for_emulator(server.url, client_id="app", timeout=1.0)
        redis_store.save(DEFAULT_KEY, pair(1, expires=NOW))  # expired for everyone
        workers = [
            XeroClient(settings, token_store=redis_store, clock=FakeClock(NOW)) for _ in range(2)
        ]
        got: list[TokenSet] = []

        def work(client: XeroClient) -> None:
            got.append(client.tokens.current(DEFAULT_KEY))

        first = threading.Thread(target=work, args=(workers[0],))
        first.start()
        time.sleep(1.0)  # the first refresh is still trickling; its 0.6 s lease was renewed
        second = threading.Thread(target=work, args=(workers[1],))
        second.start()
        first.join(10)
        second.join(10)
    assert used == ["RT-1"]  # one refresh, with the one refresh token
    assert [t.access_token for t in got] == ["AT-2", "AT-2"]
    assert redis_store.load(DEFAULT_KEY) == got[0]


class _FailingSaves(MemoryTokenStore):
    """A store whose refresh saves fail `failures` times (the store is down)."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures

    def save(self, key: str, tokens: TokenSet, *, replacing: str | None = None) -> bool:
        if replacing is not None and self.failures > 0:
            self.failures -= 1
            raise ConnectionError("store down")
        return super().save(key, tokens, replacing=replacing)


@pytest.mark.parametrize("failures", [2, 5])
def test_a_failed_save_is_retried_then_kept_in_memory_and_logged_without_the_token(
    failures: int,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.client.core_doubles import FakeXero, make_client
    from xerosync.xero.auth import flow

    monkeypatch.setattr(flow, "SAVE_PAUSE", 0.0)
    fake = FakeXero(clock)
    store = _FailingSaves(failures)
    client, _ = make_client(fake, store=store, tokens=fake.issue())
    clock.advance(1800)
    caplog.set_level("DEBUG")
    client.request("GET", "Invoices", tenant="t")
    rotated = client.tokens.current(DEFAULT_KEY)
    assert rotated.refresh_token in fake.refresh_tokens  # the process uses the new pair
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    if failures < 3:
        assert errors == []
        assert store.load(DEFAULT_KEY) == rotated
        return
    assert [r.getMessage() for r in errors] == ["auth.save_failed"]
    assert rotated.refresh_token not in caplog.text
    assert rotated.access_token not in caplog.text
    store.failures = 0
    clock.advance(1800)  # the next refresh saves the pair it rotates
    client.request("GET", "Invoices", tenant="t")
    assert store.load(DEFAULT_KEY) == client.tokens.current(DEFAULT_KEY)
    assert store.load(DEFAULT_KEY).refresh_token in fake.refresh_tokens  # type: ignore[union-attr]
