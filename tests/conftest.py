"""Shared fixtures: real PostgreSQL/Redis (skipped with a reason locally, required in CI),
a fake clock, and the emulator on a real socket with every response checked against Xero's spec."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass

import httpx
import pytest

from tests.support.spec import SpecCheck
from xerosync.clock import FakeClock
from xerosync.emulator import EmulatorConfig, EmulatorState, create_app
from xerosync.testing import serve

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _unavailable(what: str, why: str) -> None:
    message = f"{what} is not reachable ({why}); start it or set the URL to run these tests"
    if IN_CI:
        pytest.fail(f"{message}. Under CI=true this is a failure, not a skip.")
    pytest.skip(message)


@pytest.fixture(scope="session")
def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    try:
        import psycopg

        with psycopg.connect(
            url.replace("postgresql+psycopg://", "postgresql://"), connect_timeout=3
        ):
            pass
    except Exception as exc:
        _unavailable(f"PostgreSQL at {url}", type(exc).__name__)
    return url


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except Exception as exc:
        _unavailable(f"Redis at {url}", type(exc).__name__)
    return url


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@dataclass
class RunningEmulator:
    """An emulator served over HTTP, with its state at hand for assertions."""

    base_url: str
    state: EmulatorState
    clock: FakeClock
    spec: SpecCheck

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api.xro/2.0"

    def admin(self) -> httpx.Client:
        return httpx.Client(base_url=f"{self.base_url}/_emulator", timeout=10)


EmulatorFactory = Callable[..., RunningEmulator]


@pytest.fixture
def emulator_factory(clock: FakeClock) -> Iterator[EmulatorFactory]:
    started: list[RunningEmulator] = []
    with ExitStack() as stack:

        def start(config: EmulatorConfig | None = None, **overrides: object) -> RunningEmulator:
            cfg = config or EmulatorConfig(**overrides)  # type: ignore[arg-type]
            app = create_app(cfg, clock)
            checked = SpecCheck(app)
            base_url = stack.enter_context(serve(checked))
            running = RunningEmulator(base_url, app.state.emulator, clock, checked)
            started.append(running)
            return running

        yield start
    failures = [f for running in started for f in running.spec.failures]
    assert not failures, "emulator responses that do not match Xero's spec:\n" + "\n".join(failures)


@pytest.fixture
def emulator(emulator_factory: EmulatorFactory) -> RunningEmulator:
    return emulator_factory()
