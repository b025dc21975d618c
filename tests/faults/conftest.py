"""The fault suite: the store's fixtures (a database on SQLite and PostgreSQL, an emulator
organisation connected to a `XeroSync`) for the in-process tests; the multi-process tests build
their own cluster (`tests.faults.cluster`)."""

from collections.abc import Iterator

import httpx
import pytest

from tests.service import conftest as service_fixtures
from tests.service.conftest import running, service_settings
from tests.sync import conftest as sync_fixtures
from tests.sync.conftest import Harness
from xerosync.service import create_app
from xerosync.settings import Settings

pg_database = sync_fixtures.pg_database
db_url = sync_fixtures.db_url
db = sync_fixtures.db
harness = sync_fixtures.harness
emulator_auto = service_fixtures.emulator_auto


@pytest.fixture
def client(harness: Harness, settings: Settings) -> Iterator[httpx.Client]:
    """The service over the harness, on a real socket (no workers: wake-ups go nowhere)."""
    with running(create_app(settings, sync=harness.sync)) as http:
        yield http


@pytest.fixture
def settings(harness: Harness, db_url: str) -> Settings:
    """The service's settings over the harness's database and emulator."""
    return service_settings(db_url, harness.emulator)
