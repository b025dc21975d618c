"""Fixtures for the store and the engine: a database on SQLite and on PostgreSQL (each test gets
empty tables), and a `Harness`: an emulator with a seeded organisation, connected to a `XeroSync`
through the real consent flow."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from tests.client.emulator_oauth import SCOPES
from tests.conftest import EmulatorFactory, RunningEmulator
from xerosync.api import XeroSync
from xerosync.clock import FakeClock
from xerosync.emulator import EmulatorConfig
from xerosync.store.crypto import TokenCipher, new_key
from xerosync.store.db import Database
from xerosync.store.tables import Base
from xerosync.store.tokens import DatabaseTokenStore
from xerosync.testing import throwaway_postgres
from xerosync.xero import TokenSet, XeroClient, XeroConfig

TOKEN_KEYS = [new_key()]


@pytest.fixture(scope="session")
def pg_database(database_url: str, worker_id: str) -> Iterator[str]:
    """One PostgreSQL database per xdist worker, migrated once."""
    with throwaway_postgres(database_url, f"xerosync_test_{worker_id}_{os.getpid()}") as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/xerosync.db"
        Database(url).create_all()
        return url
    url: str = request.getfixturevalue("pg_database")
    db = Database(url)
    tables = ", ".join(f'"{t.name}"' for t in reversed(Base.metadata.sorted_tables))
    with db.engine.begin() as c:
        c.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.dispose()
    return url


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    yield database
    database.dispose()


@dataclass
class Harness:
    emulator: RunningEmulator
    sync: XeroSync
    connection: str
    tenant_id: str
    clock: FakeClock

    def api(self) -> httpx.Client:
        """Xero's API as another user of the organisation would call it (edits made "in Xero")."""
        token = self.sync.client.tokens.store.load("default")
        assert token is not None
        return httpx.Client(
            base_url=self.emulator.api_url,
            headers={
                "Authorization": f"Bearer {token.access_token}",
                "xero-tenant-id": self.tenant_id,
                "Accept": "application/json",
            },
            timeout=10,
        )

    def xero(self, path: str, **params: Any) -> list[dict[str, Any]]:
        with self.api() as api:
            response = api.get(path, params=params)
            response.raise_for_status()
            body: dict[str, Any] = response.json()
            return list(body[path.split("/")[0]])


def connect_harness(
    emulator: RunningEmulator,
    db_url: str,
    clock: FakeClock,
    mapping: dict[str, Any] | None = None,
    scopes: Sequence[str] = SCOPES,
) -> Harness:
    with emulator.admin() as admin:
        created = admin.post("/tenants", json={"name": "Acme Ltd", "seed_demo": True})
        created.raise_for_status()
    config = XeroConfig.for_emulator(
        emulator.base_url,
        client_id=emulator.state.config.demo_client_id,
        client_secret=emulator.state.config.demo_client_secret,
        redirect_uri=emulator.state.config.demo_redirect_uris[0],
        scopes=scopes,
    )
    sync = XeroSync.open(
        db_url, config, token_keys=TOKEN_KEYS, mapping=mapping, clock=clock, migrate=False
    )
    start = sync.client.oauth.authorization_request()
    consent = httpx.get(start.url, follow_redirects=False, timeout=10)
    assert consent.status_code in (302, 303), consent.text
    [connection] = sync.connect(consent.headers["location"], start, connected_by="test@example.com")
    tenant_id = sync.connections()[0].tenant_id
    sync.refresh_books(connection)
    return Harness(emulator, sync, connection, tenant_id, clock)


def consent(sync: XeroSync) -> str:
    """A person approves the consent page (auto-approved); returns the connection's id."""
    start = sync.client.oauth.authorization_request()
    page = httpx.get(start.url, follow_redirects=False, timeout=10)
    assert page.status_code in (302, 303), page.text
    [connection] = sync.connect(page.headers["location"], start, connected_by="test@example.com")
    return connection


@pytest.fixture
def harness(emulator_factory: EmulatorFactory, db_url: str, clock: FakeClock) -> Iterator[Harness]:
    emulator = emulator_factory(EmulatorConfig(auto_approve=True))
    h = connect_harness(emulator, db_url, clock)
    yield h
    h.sync.close()


def contact(n: int, **extra: Any) -> dict[str, Any]:
    return {"id": f"cust-{n}", "name": f"Customer {n}", "email": f"c{n}@example.com", **extra}


def invoice(n: int, customer: int = 1, amount: str = "100.00", **extra: Any) -> dict[str, Any]:
    return {
        "id": f"order-{n}",
        "contact_id": f"cust-{customer}",
        "number": f"ORD-{n:04d}",
        "date": "2026-11-02",
        "lines": [{"description": f"Order {n}", "unit_amount": amount, "tax_class": "OUTPUT2"}],
        **extra,
    }


#: the reports xerosync keeps (XeroSync.refresh_reports)
KEPT = ["ProfitAndLoss", "BalanceSheet", "BankSummary", "TrialBalance"]


@pytest.fixture
def books(emulator_factory: EmulatorFactory, db_url: str, clock: FakeClock) -> Iterator[Harness]:
    """The harness, consented with the reports scope."""
    emulator = emulator_factory(EmulatorConfig(auto_approve=True))
    h = connect_harness(emulator, db_url, clock, scopes=(*SCOPES, "accounting.reports.read"))
    yield h
    h.sync.close()


def mock_xero_sync(
    db_url: str, handler: Callable[[httpx.Request], httpx.Response], clock: FakeClock | None = None
) -> tuple[XeroSync, str]:
    """A `XeroSync` on `db_url` whose Xero is `handler` (an `httpx.MockTransport` handler), with
    tokens already held and one connection; returns it and the connection's id."""
    db = Database(db_url)
    store = DatabaseTokenStore(db, TokenCipher([new_key()]))
    store.save(
        "default",
        TokenSet(access_token="a", refresh_token="r", expires_at=datetime(2030, 1, 1, tzinfo=UTC)),
    )
    client = XeroClient(
        XeroConfig.for_emulator("http://xero.test", client_id="app"),
        token_store=store,
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
        clock=clock or FakeClock(),
    )
    sync = XeroSync(db, client)
    return sync, sync.add_connection("tenant-1")
