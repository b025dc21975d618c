"""Token stores (memory, file with fcntl locks, Redis) and concurrent refreshes: two threads
and two processes refreshing the same connection against the emulator both succeed, and the
stored pair is valid afterwards."""

from __future__ import annotations

import hashlib
import multiprocessing
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.client.emulator_oauth import add_tenant, client_config, connect
from xerosync.clock import FakeClock
from xerosync.emulator import EmulatorConfig
from xerosync.xero import (
    FileTokenStore,
    MemoryTokenStore,
    RedisTokenStore,
    TokenSet,
    XeroClient,
)
from xerosync.xero.auth.tokens import DEFAULT_KEY, TokenStore

if TYPE_CHECKING:  # the spec-checking fixtures are heavy to import in worker processes
    from tests.conftest import EmulatorFactory

PAIR = TokenSet("AT-secret", "RT-secret", datetime(2026, 1, 1, 0, 30).astimezone())


def _store(kind: str, where: Path, redis_url: str | None, prefix: str) -> TokenStore:
    if kind == "memory":
        return MemoryTokenStore()
    if kind == "file":
        return FileTokenStore(where)
    assert redis_url is not None
    return RedisTokenStore.from_url(redis_url, prefix=prefix)


@pytest.fixture(params=["memory", "file", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TokenStore]:
    redis_url = request.getfixturevalue("redis_url") if request.param == "redis" else None
    prefix = f"test-{uuid.uuid4().hex}:"
    made = _store(request.param, tmp_path / "tokens", redis_url, prefix)
    yield made
    if isinstance(made, RedisTokenStore):
        for key in made.redis.scan_iter(f"{prefix}*"):
            made.redis.delete(key)
        made.redis.close()


def test_a_store_saves_loads_and_deletes_whole_pairs(store: TokenStore) -> None:
    assert store.load("conn-1") is None
    store.save("conn-1", PAIR)
    loaded = store.load("conn-1")
    assert loaded == PAIR
    assert store.load("conn-2") is None
    store.delete("conn-1")
    assert store.load("conn-1") is None


def test_a_store_lock_lets_one_holder_in_at_a_time(store: TokenStore) -> None:
    inside, peak, guard = [0], [0], threading.Lock()

    def hold() -> None:
        with store.lock("conn-1"):
            with guard:
                inside[0] += 1
                peak[0] = max(peak[0], inside[0])
            time.sleep(0.02)
            with guard:
                inside[0] -= 1

    threads = [threading.Thread(target=hold) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert peak[0] == 1
    with store.lock("conn-1"), store.lock("conn-2"):  # keys lock independently
        pass


def test_file_store_keeps_tokens_private(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "t")
    store.save("tenant/../x", PAIR)
    files = [p for p in (tmp_path / "t").iterdir() if p.suffix == ".json"]
    assert len(files) == 1
    assert files[0].parent == tmp_path / "t"
    assert files[0].stat().st_mode & 0o077 == 0


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:12]


def _refresh_in_child(
    base_url: str,
    kind: str,
    where: str,
    redis_url: str | None,
    prefix: str,
    now: str,
    barrier: Any,
    results: Any,
) -> None:
    """One worker process: wake up with an expired token, call Xero, report what it used."""
    store = _store(kind, Path(where), redis_url, prefix)
    client = XeroClient(
        client_config(base_url), token_store=store, clock=FakeClock(datetime.fromisoformat(now))
    )
    barrier.wait(30)
    try:
        connections = client.connections()
        used = client.tokens.current(DEFAULT_KEY)
        results.put(("ok", len(connections), _digest(used.access_token)))
    except Exception as exc:
        results.put(("error", type(exc).__name__, str(exc)))


@pytest.mark.parametrize("kind", ["file", "redis"])
def test_two_processes_refreshing_together_both_succeed(
    kind: str, emulator_factory: EmulatorFactory, clock: FakeClock, tmp_path: Path, request: Any
) -> None:
    redis_url = request.getfixturevalue("redis_url") if kind == "redis" else None
    prefix = f"test-{uuid.uuid4().hex}:"
    emulator = emulator_factory(EmulatorConfig(auto_approve=True))
    add_tenant(emulator)
    store = _store(kind, tmp_path / "tokens", redis_url, prefix)
    client, connections = connect(emulator, store, clock)
    assert len(connections) == 1
    before = store.load(DEFAULT_KEY)
    assert before is not None
    issued_before = len(emulator.state.refresh_tokens)
    clock.advance(1900)  # the access token has expired for everyone

    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    args = (emulator.base_url, kind, str(tmp_path / "tokens"), redis_url, prefix)
    workers = [
        ctx.Process(
            target=_refresh_in_child, args=(*args, clock.now().isoformat(), barrier, results)
        )
        for _ in range(2)
    ]
    for w in workers:
        w.start()
    outcomes = [results.get(timeout=60) for _ in workers]
    for w in workers:
        w.join(30)
    assert [o[0] for o in outcomes] == ["ok", "ok"], outcomes
    # both used the same new access token: the second re-read the store under the lock
    assert outcomes[0][2] == outcomes[1][2]
    assert len(emulator.state.refresh_tokens) == issued_before + 1  # exactly one refresh
    after = store.load(DEFAULT_KEY)
    assert after is not None
    assert after.refresh_token != before.refresh_token
    assert _digest(after.access_token) == outcomes[0][2]
    # the stored pair is valid: it calls Xero, and its refresh token still refreshes
    assert len(client.connections()) == 1
    clock.advance(1900)
    assert len(client.connections()) == 1
    assert len(emulator.state.refresh_tokens) == issued_before + 2


def test_two_threads_refreshing_together_both_succeed(
    emulator_factory: EmulatorFactory, clock: FakeClock
) -> None:
    emulator = emulator_factory(EmulatorConfig(auto_approve=True))
    add_tenant(emulator)
    store = MemoryTokenStore()
    client, _ = connect(emulator, store, clock)
    issued_before = len(emulator.state.refresh_tokens)
    clock.advance(1900)
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def work() -> None:
        barrier.wait(10)
        try:
            client.connections()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert len(emulator.state.refresh_tokens) == issued_before + 1
    saved = store.load(DEFAULT_KEY)
    assert saved is not None
    assert saved.expires_at > clock.now() + timedelta(minutes=20)
