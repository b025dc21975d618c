"""The command line against a real emulator on SQLite: an organisation connected through the
consent flow (the sync harness), and `XEROSYNC_*` set so every command's own `Settings()` and
`build_sync` reach the same database and emulator.

The emulator's clock starts at the real time: the commands run on the system clock, and the
tokens the harness obtained must look as fresh to them as to the emulator."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from typer.testing import CliRunner

from tests.client.emulator_oauth import SCOPES
from tests.conftest import EmulatorFactory, RunningEmulator
from tests.sync.conftest import TOKEN_KEYS, Harness, connect_harness
from xerosync.cli.main import app
from xerosync.clock import FakeClock
from xerosync.emulator import EmulatorConfig
from xerosync.store.db import Database

Invoke = Callable[..., Result]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path}/xerosync.db"
    database = Database(url)
    database.migrate()
    database.dispose()
    return url


@pytest.fixture
def no_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """No XEROSYNC_* from the machine running the tests; wide tables (nothing cut short)."""
    for name in list(os.environ):
        if name.startswith("XEROSYNC_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("COLUMNS", "250")


def set_env(
    monkeypatch: pytest.MonkeyPatch, db_url: str, emulator: RunningEmulator, **extra: str
) -> None:
    config = emulator.state.config
    values = {
        "DATABASE_URL": db_url,
        "TOKEN_KEYS": ",".join(TOKEN_KEYS),
        "XERO_CLIENT_ID": config.demo_client_id,
        "XERO_CLIENT_SECRET": config.demo_client_secret,
        "XERO_BASE_URL": emulator.base_url,
        **extra,
    }
    for name, value in values.items():
        monkeypatch.setenv(f"XEROSYNC_{name}", value)


Connect = Callable[..., Harness]


@pytest.fixture
def connect(
    emulator_factory: EmulatorFactory,
    db_url: str,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    no_settings: None,
) -> Iterator[Connect]:
    """`connect(mapping=None, scopes=SCOPES)`: an organisation ("Acme Ltd", seeded) connected, with the
    environment pointing at it (and at the same mapping)."""
    made: list[Harness] = []

    def make(mapping: dict[str, Any] | None = None, scopes: Sequence[str] = SCOPES) -> Harness:
        emulator = emulator_factory(EmulatorConfig(auto_approve=True, webhook_pump_interval=0))
        h = connect_harness(emulator, db_url, clock, mapping=mapping, scopes=scopes)
        extra = {"MAPPING": json.dumps(mapping)} if mapping else {}
        set_env(monkeypatch, db_url, emulator, **extra)
        made.append(h)
        return h

    yield make
    for h in made:
        h.sync.close()


@pytest.fixture
def harness(connect: Connect) -> Harness:
    return connect()


@pytest.fixture
def invoke() -> Invoke:
    """Run `xerosync ARGS...`; a crash is raised (not mistaken for exit code 1)."""

    def run(*args: str) -> Result:
        result = CliRunner().invoke(app, list(args), prog_name="xerosync")
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result

    return run
