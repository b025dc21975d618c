"""The service over a connected emulator organisation: `create_app(settings, sync=harness.sync,
wake=...)` on a real socket, on SQLite and PostgreSQL. `wakes` records every wake-up the service sends to the workers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import EmulatorFactory, RunningEmulator
from tests.sync import conftest as sync_fixtures
from tests.sync.conftest import TOKEN_KEYS, Harness
from xerosync.emulator import EmulatorConfig
from xerosync.service import create_app
from xerosync.settings import Settings
from xerosync.testing import serve

# the store's fixtures (a database on SQLite and PostgreSQL, a connected emulator organisation)
pg_database = sync_fixtures.pg_database
db_url = sync_fixtures.db_url
db = sync_fixtures.db
harness = sync_fixtures.harness
books = sync_fixtures.books

API_KEY = "host-app-key-0123456789"
WEBHOOK_KEY = "xero-webhook-key-abcdef"
AUTH = {"Authorization": f"Bearer {API_KEY}"}
JSON = {"Accept": "application/json"}


def service_settings(url: str, emulator: RunningEmulator, **extra: Any) -> Settings:
    config = emulator.state.config
    values: dict[str, Any] = {
        "database_url": url,
        "token_keys": TOKEN_KEYS,
        "xero_client_id": config.demo_client_id,
        "xero_client_secret": config.demo_client_secret,
        "xero_redirect_uri": config.demo_redirect_uris[0],
        "xero_base_url": emulator.base_url,
        "webhook_key": WEBHOOK_KEY,
        "api_keys": ["an-older-key-0000000000", API_KEY],
        **extra,
    }
    return Settings.model_validate(values)


@pytest.fixture
def wakes() -> list[tuple[str, str]]:
    return []


@pytest.fixture
def settings(harness: Harness, db_url: str) -> Settings:
    return service_settings(db_url, harness.emulator)


@contextmanager
def running(app: FastAPI) -> Iterator[httpx.Client]:
    """The app on 127.0.0.1 (lifespan included) and a client for it."""
    with serve(app) as base_url, httpx.Client(base_url=base_url, timeout=10) as http:
        yield http


@pytest.fixture
def client(
    harness: Harness, settings: Settings, wakes: list[tuple[str, str]]
) -> Iterator[httpx.Client]:
    app = create_app(settings, sync=harness.sync, wake=lambda kind, c: wakes.append((kind, c)))
    with running(app) as http:
        yield http


@pytest.fixture
def emulator_auto(emulator_factory: EmulatorFactory) -> RunningEmulator:
    """An emulator that approves consent at once, with one organisation (not yet connected)."""
    emulator = emulator_factory(EmulatorConfig(auto_approve=True, webhook_pump_interval=0))
    with emulator.admin() as admin:
        admin.post("/tenants", json={"name": "Acme Ltd", "seed_demo": True}).raise_for_status()
    return emulator
